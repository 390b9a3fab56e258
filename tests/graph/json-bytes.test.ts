// ReusedBytes' JSON writers (src/graph/json-bytes.ts) write what JSON.stringify does, as UTF-8.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinPieces, ReusedBytes } from '../../src/graph/json-bytes.js';

const written = (write: (out: ReusedBytes) => void): string => {
  const out = new ReusedBytes();
  out.write('x'); // not at the buffer's start
  write(out);
  return out.bytes().toString('utf8').slice(1);
};

describe('ReusedBytes', () => {
  it('writes a string as JSON.stringify does, whatever it holds', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u007f', '\u0000', 'a', 'é', '\ud800', '\udc00', '—') }));
    fc.assert(
      fc.property(text, (value) => {
        expect(written((out) => out.writeJsonText(value))).toBe(JSON.stringify(value));
      }),
      { numRuns: 2000 },
    );
    expect(written((out) => out.writeJsonText(undefined))).toBe('null');
    expect(written((out) => out.writeJsonText('x'.repeat(200_000)))).toBe(JSON.stringify('x'.repeat(200_000)));
  });

  it('writes a number as JSON.stringify does', () => {
    const numbers = fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger(), fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53, 1e21, 9, 10, 99, 100, Number.NaN, Infinity, -Infinity));
    fc.assert(
      fc.property(numbers, (value) => {
        expect(written((out) => out.writeNumber(value))).toBe(JSON.stringify(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes short and long byte runs, growing its buffer', () => {
    const out = new ReusedBytes();
    const pieces = [Buffer.from('ab'), Buffer.alloc(24, 0x63), Buffer.alloc(25, 0x64), Buffer.alloc(100_000, 0x65)];
    for (const piece of pieces) out.writeBytes(piece);
    expect(out.length).toBe(2 + 24 + 25 + 100_000);
    expect(out.bytes().equals(Buffer.concat(pieces))).toBe(true);
  });

  it('joins pieces of text and of bytes', () => {
    expect(joinPieces(['a', Buffer.from('—é'), new Uint8Array([0x62]), ''])).toBe('a—éb');
  });
});
