/**
 * editors/neovim in a headless Neovim (Debian's `neovim` package, 0.7, or later): opening a .lcp
 * file sets the filetype, starts `libcc lsp` (the built bin/libcc.js) and receives its
 * diagnostics. Optional: skipped, with a message, when `nvim` is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const hasNvim = nvim.status === 0;
if (!hasNvim) console.warn('tests/install/neovim.test.ts: skipped: `nvim` is not installed (apt-get install neovim to run it)');

const SCRIPT = `
require('libcc').setup({ cmd = { os.getenv('LIBCC_NODE'), os.getenv('LIBCC_BIN'), 'lsp' } })
vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LIBCC_FILE')))
vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local result = { filetype = vim.bo.filetype, commentstring = vim.bo.commentstring, diagnostics = {} }
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, code = d.code, severity = d.severity })
end
local f = io.open(os.getenv('LIBCC_OUT'), 'w')
f:write(vim.fn.json_encode(result))
f:close()
vim.cmd('qall!')
`;

describe.runIf(hasNvim)('Neovim (editors/neovim)', () => {
  it('detects .lcp files, starts libcc lsp and shows its diagnostics', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'libcc-nvim-'));
    try {
      writeFileSync(join(tmp, 'test.lua'), SCRIPT);
      const out = join(tmp, 'out.json');
      const run = spawnSync(
        'nvim',
        ['--headless', '--clean', '-u', 'NONE', '--cmd', 'set rtp^=editors/neovim', '--cmd', 'filetype plugin on', '-c', `luafile ${join(tmp, 'test.lua')}`],
        {
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, LIBCC_NODE: process.execPath, LIBCC_BIN: join(process.cwd(), 'bin/libcc.js'), LIBCC_FILE: 'examples/errors/units.lcp', LIBCC_OUT: out },
        },
      );
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(readFileSync(out, 'utf8')) as { filetype: string; commentstring: string; diagnostics: { lnum: number; col: number; code: string; severity: number }[] };
      expect(result.filetype).toBe('lcp');
      expect(result.commentstring).toBe('// %s');
      // What `libcc check` reports for the file, at the same places (0-based lines and columns).
      const check = spawnSync(process.execPath, ['bin/libcc.js', 'check', '--diagnostic-format', 'short', 'examples/errors/units.lcp'], { encoding: 'utf8' });
      const expected = check.stdout
        .trim()
        .split('\n')
        .map((line) => /^[^:]+:(\d+):(\d+): (error|warning)\[(LCP\d+)\]/.exec(line)!)
        .map((m) => ({ lnum: Number(m[1]) - 1, col: Number(m[2]) - 1, code: m[4]!, severity: m[3] === 'error' ? 1 : 2 }));
      const sort = (list: { lnum: number; col: number; code: string }[]) => [...list].sort((a, b) => a.lnum - b.lnum || a.col - b.col || a.code.localeCompare(b.code));
      expect(sort(result.diagnostics)).toEqual(sort(expected));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
