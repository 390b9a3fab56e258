/**
 * The writer thread of big first compiles (src/cli/stage-writer.ts, writer-thread.ts): files made
 * of parts in shared memory and parts copied for it, written exclusively with their mode, each
 * hashed; files streamed a chunk at a time, with few chunks alive at once; the first failure stops
 * it and is reported; `abandon` stops it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodePieces } from '../../src/cli/safe-fs.js';
import { StageWriter, STREAM_CHUNK, WriterError } from '../../src/cli/stage-writer.js';

let stage: string;
beforeAll(() => {
  expect(existsSync('dist/cli/writer-thread.js'), 'run `npm run build` first').toBe(true);
});
beforeEach(() => {
  stage = mkdtempSync(join(tmpdir(), 'libcc-writer-'));
});
afterEach(() => rmSync(stage, { recursive: true, force: true }));

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** `text` in a SharedArrayBuffer, at an offset (as a deck body lies in the analysis's arena). */
function shared(text: string, offset = 7): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const whole = Buffer.from(new SharedArrayBuffer(offset + bytes.length + 5));
  whole.set(bytes, offset);
  return whole.subarray(offset, offset + bytes.length);
}

describe('StageWriter', () => {
  it('writes each file from its parts, shared or copied, with its mode, and returns their sha256', async () => {
    mkdirSync(join(stage, 'decks'));
    const writer = new StageWriter(stage);
    const big = Buffer.alloc(300_000, 'x'); // more than a chunk: sent in a buffer of its own
    const expected = new Map<string, { bytes: Buffer; mode: number }>();
    for (let i = 0; i < 600; i++) {
      const head = Buffer.from(`# head ${i} — ü\n`);
      const body = shared(`body ${i}\n`.repeat(i % 7), i % 13);
      const parts = i === 300 ? [head, big, Buffer.from('\n')] : [head, body, Buffer.from('\n')];
      const path = `decks/f${i}.tcl`;
      const mode = i % 2 === 0 ? 0o644 : 0o755;
      writer.put(path, parts, mode);
      expected.set(path, { bytes: Buffer.concat(parts), mode });
    }
    const hashes = await writer.finish();
    expect(hashes.size).toBe(600);
    for (const [path, { bytes, mode }] of expected) {
      expect(readFileSync(join(stage, path)).equals(bytes), path).toBe(true);
      expect(statSync(join(stage, path)).mode & 0o777, path).toBe(mode);
      expect(hashes.get(path), path).toBe(sha256(bytes));
    }
    expect(writer.paths.size).toBe(600);
  });

  it('streams a file made in pieces, reusing the chunks the thread has written', async () => {
    const writer = new StageWriter(stage);
    writer.put('before.txt', [Buffer.from('before\n')], 0o644);
    // 40 MiB of pieces, one of them bigger than a chunk (a buffer of its own), some not ASCII.
    const pieces = Array.from({ length: 40_000 }, (_, i) => (i === 20_000 ? 'y'.repeat(STREAM_CHUNK) : `{"job": ${i}, "name": "é${'x'.repeat(1000)}"}\n`));
    let chunks = 0;
    await writer.stream('plan.json', 0o644, (buffer) =>
      encodePieces(pieces, () => {
        chunks++;
        return buffer();
      }),
    );
    writer.put('after.txt', [Buffer.from('after\n')], 0o755);
    const hashes = await writer.finish();
    const expected = Buffer.from(pieces.join(''), 'utf8');
    expect(expected.length).toBeGreaterThan(40 * STREAM_CHUNK);
    expect(readFileSync(join(stage, 'plan.json')).equals(expected)).toBe(true);
    expect(hashes.get('plan.json')).toBe(sha256(expected));
    expect(readFileSync(join(stage, 'after.txt'), 'utf8')).toBe('after\n');
    expect(statSync(join(stage, 'after.txt')).mode & 0o777).toBe(0o755);
    expect(hashes.size).toBe(3);
    // Bounded by the bytes allowed in flight (8 chunks), not by the file's 40 chunks.
    expect(chunks).toBeGreaterThanOrEqual(40);
    expect(writer.chunksMade).toBeLessThanOrEqual(10);
  });

  it('streams an empty file', async () => {
    const writer = new StageWriter(stage);
    await writer.stream('empty.json', 0o644, () => []);
    const hashes = await writer.finish();
    expect(readFileSync(join(stage, 'empty.json')).length).toBe(0);
    expect(hashes.get('empty.json')).toBe(sha256(Buffer.alloc(0)));
  });

  it('stops a stream at a file it cannot create, and says why', async () => {
    writeFileSync(join(stage, 'plan.json'), 'planted\n');
    const writer = new StageWriter(stage);
    const streamed = writer.stream('plan.json', 0o644, (buffer) => encodePieces(Array.from({ length: 20_000 }, () => 'z'.repeat(1000)), buffer));
    const failure = await streamed.then(() => writer.finish()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WriterError);
    expect((failure as WriterError).code).toBe('EEXIST');
    expect(readFileSync(join(stage, 'plan.json'), 'utf8')).toBe('planted\n');
  });

  it('stops at the first file it cannot create exclusively, and says why', async () => {
    writeFileSync(join(stage, 'b.tcl'), 'planted\n');
    const writer = new StageWriter(stage);
    for (const name of ['a', 'b', 'c']) writer.put(`${name}.tcl`, [Buffer.from(`${name}\n`)], 0o644);
    const failure = await writer.finish().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WriterError);
    expect((failure as WriterError).code).toBe('EEXIST');
    expect(readFileSync(join(stage, 'b.tcl'), 'utf8')).toBe('planted\n');
    expect(existsSync(join(stage, 'c.tcl'))).toBe(false);
  });

  it('writes nothing more once abandoned', async () => {
    const writer = new StageWriter(stage);
    for (let i = 0; i < 3000; i++) writer.put(`f${i}.tcl`, [Buffer.from(`${i}\n`)], 0o644);
    await writer.abandon();
    writer.put('late.tcl', [Buffer.from('late\n')], 0o644);
    const written = readdirSync(stage).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readdirSync(stage).length).toBe(written);
    expect(existsSync(join(stage, 'late.tcl'))).toBe(false);
  });
});
