-- libcc: `.lcp` files are filetype `lcp`.
if vim.filetype and vim.filetype.add and vim.fn.has('nvim-0.8') == 1 then
  vim.filetype.add({ extension = { lcp = 'lcp' } })
else -- Neovim 0.7 uses filetype.vim, not vim.filetype, by default
  vim.cmd('autocmd BufRead,BufNewFile *.lcp setfiletype lcp')
end
