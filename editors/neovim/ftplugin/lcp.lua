-- libcc: comments, and the language server for every `.lcp` buffer.
vim.bo.commentstring = '// %s'
vim.bo.comments = 's1:/*,mb:*,ex:*/,://'
require('libcc').start(vim.api.nvim_get_current_buf())
