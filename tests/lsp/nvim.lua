-- Neovim's built-in LSP client against `catalog-lint lsp` (tests/test_lsp.cpp runs it):
--   CATALOG_LINT_BIN=… LSP_ROOT=… LSP_OUT=… nvim --headless --clean -u tests/lsp/nvim.lua
-- Opens LSP_ROOT/services/catalog-info.yaml (a copy of testdata/lsp), waits for the diagnostics,
-- applies the suppression code action and a quick fix, checks the buffer, goes to the definition of the owner and
-- writes one `key=value` line per result to LSP_OUT. Neovim 0.7: vim.lsp.start_client and
-- vim.lsp.buf_attach_client (vim.lsp.start came in 0.8).
local bin = assert(os.getenv('CATALOG_LINT_BIN'))
local root = assert(os.getenv('LSP_ROOT'))
local out = assert(os.getenv('LSP_OUT'))
local lines = {}

local function record(key, value)
  table.insert(lines, key .. '=' .. tostring(value))
end

local function finish()
  local f = assert(io.open(out, 'w'))
  f:write(table.concat(lines, '\n') .. '\n')
  f:close()
  vim.cmd('qa!')
end

-- Each diagnostic as `rule@line:col-line:col`, 0-based, as Neovim placed it in the buffer (byte
-- columns converted from the server's UTF-16 ones), sorted.
local function diagnostics(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(list, string.format('%s@%d:%d-%d:%d', lsp.code or d.code or '?', d.lnum, d.col,
      d.end_lnum, d.end_col))
  end
  table.sort(list)
  return table.concat(list, ',')
end

local function main()
  local file = root .. '/services/catalog-info.yaml'
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = 'catalog-lint',
    cmd = { bin, 'lsp' },
    cmd_cwd = root,
    root_dir = root,
  })
  record('client', id ~= nil)
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)

  -- 1. The diagnostics of the bad file, with their exact LSP ranges.
  vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
  record('encoding', client.offset_encoding)
  record('diagnostics', diagnostics(buf))

  -- 2. The code actions on `system: paymens` (line 12): apply the suppression.
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = 11, character = 10 }, ['end'] = { line = 11, character = 10 } },
    context = { diagnostics = {} },
  }
  local response = client.request_sync('textDocument/codeAction', params, 10000, buf)
  local actions = response and response.result or {}
  local titles = {}
  for _, a in ipairs(actions) do table.insert(titles, a.title) end
  record('actions', table.concat(titles, '|'))
  for _, a in ipairs(actions) do
    if a.title:match('^suppress') then
      vim.lsp.util.apply_workspace_edit(a.edit, client.offset_encoding)
    end
  end
  record('line12', vim.api.nvim_buf_get_lines(buf, 11, 12, false)[1])
  record('line13', vim.api.nvim_buf_get_lines(buf, 12, 13, false)[1])
  -- 3. The quick fix of `description: 2024` (line 5): the preferred (safe) one, quoting it.
  params.range = { start = { line = 4, character = 16 }, ['end'] = { line = 4, character = 16 } }
  params.context = { diagnostics = {}, only = { 'quickfix' } }
  response = client.request_sync('textDocument/codeAction', params, 10000, buf)
  titles = {}
  for _, a in ipairs(response and response.result or {}) do
    table.insert(titles, a.title)
    if a.isPreferred then vim.lsp.util.apply_workspace_edit(a.edit, client.offset_encoding) end
  end
  record('fixes', table.concat(titles, '|'))
  record('line5', vim.api.nvim_buf_get_lines(buf, 4, 5, false)[1])
  -- The server lints the edited buffer: the suppressed and the fixed findings are gone.
  vim.wait(30000, function()
    local now = diagnostics(buf)
    return not now:match('unresolved%-reference') and not now:match('invalid%-field%-type')
  end, 20)
  record('after', diagnostics(buf))

  -- 4. Go to the definition of the owner (`owner: team-a`, line 11).
  vim.api.nvim_win_set_cursor(0, { 11, 10 })
  local def = client.request_sync('textDocument/definition',
    vim.lsp.util.make_position_params(), 10000, buf)
  local location = def and def.result
  if location and location[1] then location = location[1] end
  if location then vim.lsp.util.jump_to_location(location, client.offset_encoding) end
  local cursor = vim.api.nvim_win_get_cursor(0)
  record('definition', string.format('%s:%d:%d',
    vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ':t'), cursor[1], cursor[2]))

  -- 5. Shut down: `shutdown` then `exit`.
  client.stop()
  vim.wait(10000, function() return client.is_stopped() end, 20)
  record('stopped', client.is_stopped())
  finish()
end

-- Hang guard: whatever happens, Neovim quits within 90 s and says why.
vim.defer_fn(function()
  record('error', 'timed out')
  finish()
end, 90000)

vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    local ok, err = pcall(main)
    if not ok then
      record('error', err)
      finish()
    end
  end,
})
