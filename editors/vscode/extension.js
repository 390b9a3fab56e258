// The libcc extension: starts `libcc lsp` for .lcp files through vscode-languageclient. Plain
// CommonJS, no build step. The command is the `libcc.path` setting, else the workspace's
// node_modules/.bin/libcc (a pipeline repository pins libcc as a devDependency), else `libcc`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

function libccCommand() {
  const configured = vscode.workspace.getConfiguration('libcc').get('path');
  if (typeof configured === 'string' && configured !== '') return configured;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const local = path.join(folder.uri.fsPath, 'node_modules', '.bin', process.platform === 'win32' ? 'libcc.cmd' : 'libcc');
    if (fs.existsSync(local)) return local;
  }
  return 'libcc';
}

async function activate(context) {
  const command = libccCommand();
  // TransportKind.stdio adds `--stdio`, which `libcc lsp` accepts.
  const server = { command, args: ['lsp'], transport: TransportKind.stdio, options: { shell: process.platform === 'win32' } };
  client = new LanguageClient('libcc', 'libcc', server, {
    documentSelector: [
      { scheme: 'file', language: 'lcp' },
      { scheme: 'untitled', language: 'lcp' },
    ],
  });
  context.subscriptions.push(
    vscode.commands.registerCommand('libcc.restartServer', async () => {
      if (client !== undefined) await client.restart();
    }),
  );
  try {
    await client.start();
  } catch (error) {
    void vscode.window.showErrorMessage(
      `libcc: cannot start \`${command} lsp\` (${error instanceof Error ? error.message : String(error)}). ` +
        'Install libcc (npm install --save-dev libcc, see its README) or set `libcc.path`.',
    );
  }
}

async function deactivate() {
  if (client !== undefined) await client.stop();
}

module.exports = { activate, deactivate };
