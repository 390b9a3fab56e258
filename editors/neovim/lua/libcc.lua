-- libcc's language server in Neovim (0.7 or later): `require('libcc').setup({ cmd = { … } })` to
-- choose the command; ftplugin/lcp.lua calls `start` for each `.lcp` buffer. See ../README.md.
local M = {}

M.config = {
  -- The server command; nil: the project's node_modules/.bin/libcc when there is one, else
  -- `libcc` on PATH.
  cmd = nil,
  -- Files that mark a project's root, searched upwards from the file.
  root_markers = { 'package.json', '.git' },
}

local clients = {}

function M.setup(opts)
  M.config = vim.tbl_extend('force', M.config, opts or {})
end

local function root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name == '' and vim.fn.getcwd() or vim.fn.fnamemodify(name, ':p:h')
  for _, marker in ipairs(M.config.root_markers) do
    local found = vim.fn.findfile(marker, dir .. ';')
    if found == '' then found = vim.fn.finddir(marker, dir .. ';') end
    if found ~= '' then return vim.fn.fnamemodify(found, ':p:h'):gsub('/%.git/?$', '') end
  end
  return dir
end

local function command(root)
  if M.config.cmd then return M.config.cmd end
  local local_bin = root .. '/node_modules/.bin/libcc'
  if vim.fn.executable(local_bin) == 1 then return { local_bin, 'lsp' } end
  return { 'libcc', 'lsp' }
end

--- Starts (or reuses) the libcc server of the buffer's project and attaches the buffer to it.
function M.start(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local root = root_dir(bufnr)
  local config = { name = 'libcc', cmd = command(root), root_dir = root }
  if vim.lsp.start then -- Neovim 0.8 and later
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  -- Neovim 0.7: one client per project root, attached to each of its buffers.
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(config)
    clients[root] = id
  end
  if id then vim.lsp.buf_attach_client(bufnr, id) end
  return id
end

return M
