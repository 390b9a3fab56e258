/** `libcc lsp` as an editor starts it: the real binary over stdio, answering `initialize`. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function frame(message: object): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

describe('libcc lsp', () => {
  it('answers initialize with its capabilities and exits on shutdown/exit', async () => {
    const child = spawn(process.execPath, ['bin/libcc.js', 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let received = '';
    const response = new Promise<{ id: number; result: { capabilities: { definitionProvider: boolean; textDocumentSync: number } } }>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        received += chunk.toString('utf8');
        const match = /Content-Length: (\d+)\r\n\r\n/.exec(received);
        if (match) {
          const start = match.index + match[0].length;
          const body = received.slice(start, start + Number(match[1]));
          if (body.length === Number(match[1])) resolve(JSON.parse(body));
        }
      });
    });
    child.stdin.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
    const initialized = await response;
    expect(initialized.id).toBe(1);
    expect(initialized.result.capabilities.definitionProvider).toBe(true);
    expect(initialized.result.capabilities.textDocumentSync).toBe(1);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin.write(frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' }));
    await new Promise((r) => setTimeout(r, 200));
    child.stdin.write(frame({ jsonrpc: '2.0', method: 'exit' }));
    expect(await exited).toBe(0);
  });
});
