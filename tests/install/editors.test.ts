/**
 * editors/vscode: the extension's manifest is consistent (language, grammar, configuration, entry
 * point, client library, commands) and its grammar is the one in grammar/; the `.vsix` builds as
 * editors/vscode/README.md says (`npm ci` of its lockfile — from npm's cache when it has the
 * packages, else the registry; skipped with a message when neither is reachable — then `vsce
 * package`) and holds the extension, its grammar and the client library.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = 'editors/vscode';
const json = (path: string) => JSON.parse(readFileSync(join(dir, path), 'utf8'));
const manifest = json('package.json');
const libcc = JSON.parse(readFileSync('package.json', 'utf8'));

describe('the VS Code extension', () => {
  it('ships grammar/lcp.tmLanguage.json unchanged', () => {
    expect(readFileSync(join(dir, 'syntaxes/lcp.tmLanguage.json'), 'utf8'), 'copy grammar/lcp.tmLanguage.json to editors/vscode/syntaxes/').toBe(
      readFileSync('grammar/lcp.tmLanguage.json', 'utf8'),
    );
  });

  it('declares the language, its grammar and configuration, with files that exist', () => {
    const [language] = manifest.contributes.languages;
    expect(language).toMatchObject({ id: 'lcp', extensions: ['.lcp'], configuration: './language-configuration.json' });
    const grammar = JSON.parse(readFileSync('grammar/lcp.tmLanguage.json', 'utf8'));
    expect(manifest.contributes.grammars).toEqual([{ language: 'lcp', scopeName: grammar.scopeName, path: './syntaxes/lcp.tmLanguage.json' }]);
    expect(grammar.fileTypes).toEqual(['lcp']);
    for (const path of [language.configuration, manifest.contributes.grammars[0].path, manifest.main, 'README.md', 'LICENSE']) expect(existsSync(join(dir, path)), path).toBe(true);
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe(readFileSync('LICENSE', 'utf8'));
  });

  it("has a language configuration matching the lexer's comments and brackets", () => {
    const config = json('language-configuration.json');
    expect(config.comments).toEqual({ lineComment: '//', blockComment: ['/*', '*/'] });
    expect(config.brackets).toEqual([
      ['{', '}'],
      ['[', ']'],
      ['(', ')'],
    ]);
    expect(new RegExp(config.wordPattern).exec('  corner_set = 0.48V')?.[0]).toBe('corner_set');
    expect(new RegExp(config.indentationRules.increaseIndentPattern).test('stage a for each library {')).toBe(true);
    expect(new RegExp(config.indentationRules.decreaseIndentPattern).test('  }')).toBe(true);
  });

  it('starts `libcc lsp` through a pinned vscode-languageclient of the protocol version the server speaks', () => {
    const client = readFileSync(join(dir, manifest.main), 'utf8');
    expect(client).toContain("require('vscode-languageclient/node')");
    expect(client).toContain("args: ['lsp']");
    expect(manifest.dependencies['vscode-languageclient']).toMatch(/^\d+\.\d+\.\d+$/);
    // vscode-languageclient 9 and vscode-languageserver 9 speak LSP 3.17.
    expect(manifest.dependencies['vscode-languageclient'].split('.')[0]).toBe(libcc.devDependencies['vscode-languageserver'].split('.')[0]);
    expect(manifest.devDependencies['@vscode/vsce']).toMatch(/^\d+\.\d+\.\d+$/);
    for (const command of manifest.contributes.commands) expect(client).toContain(`'${command.command}'`);
    expect(Object.keys(manifest.contributes.configuration.properties)).toEqual(['libcc.path']);
    expect(client).toContain("getConfiguration('libcc').get('path')");
    expect(manifest.engines.vscode).toMatch(/^\^1\.\d+\.0$/);
    expect(manifest.version).toBe(libcc.version);
  });
});

describe('the .vsix', () => {
  it('builds with the pinned @vscode/vsce and holds the extension, its grammar and vscode-languageclient', ({ skip }) => {
    const tmp = mkdtempSync(join(tmpdir(), 'libcc-vsix-'));
    try {
      const work = join(tmp, 'vscode');
      cpSync(dir, work, { recursive: true, filter: (path) => !path.includes('node_modules') && !path.endsWith('.vsix') });
      const env: NodeJS.ProcessEnv = {};
      for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
      const install = spawnSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: work, encoding: 'utf8', env, timeout: 240_000 });
      if (install.status !== 0) {
        if (process.env.CI) throw new Error(`npm ci in editors/vscode failed:\n${install.stderr}`);
        console.warn(`tests/install/editors.test.ts: .vsix not built: npm ci of editors/vscode needs its packages (npm cache or registry):\n${install.stderr.slice(-500)}`);
        skip();
      }
      const vsix = join(tmp, 'libcc-lcp.vsix');
      const pack = spawnSync('npx', ['--no-install', 'vsce', 'package', '--allow-missing-repository', '-o', vsix], { cwd: work, encoding: 'utf8', env, timeout: 240_000 });
      expect(pack.status, pack.stderr + pack.stdout).toBe(0);
      const listing = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).stdout.split('\n');
      for (const file of ['extension.vsixmanifest', 'extension/package.json', 'extension/extension.js', 'extension/language-configuration.json', 'extension/syntaxes/lcp.tmLanguage.json', 'extension/node_modules/vscode-languageclient/node.js']) {
        expect(listing, file).toContain(file);
      }
      expect(listing.filter((file) => file.includes('node_modules/@vscode/vsce/'))).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 600_000);
});
