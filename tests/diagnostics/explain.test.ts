import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explainCode, normalizeCode } from '../../src/diagnostics/explain.js';

const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'errors');

describe('explainCode', () => {
  it('returns the documentation page of a code', () => {
    const result = explainCode('LCP2001', docsDir);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.text.split('\n')[0]).toBe('# LCP2001: unknown reference');
  });

  it('accepts lowercase codes and bare numbers', () => {
    const expected = explainCode('LCP3102', docsDir);
    expect(explainCode('lcp3102', docsDir)).toEqual(expected);
    expect(explainCode('3102', docsDir)).toEqual(expected);
    expect(explainCode(' LCP3102\n', docsDir)).toEqual(expected);
    expect(normalizeCode('lcp2001')).toBe('LCP2001');
    expect(normalizeCode('2001')).toBe('LCP2001');
  });

  it('suggests known codes for an unknown one', () => {
    const result = explainCode('LCP2903', docsDir);
    expect(result).toEqual({ ok: false, message: expect.stringContaining('unknown diagnostic code `LCP2903`') });
    if (!result.ok) expect(result.message).toContain('did you mean `LCP2003`');
    const bare = explainCode('3017', docsDir);
    expect(bare.ok).toBe(false);
    if (!bare.ok) expect(bare.message).toMatch(/did you mean .*`LCP3007`/);
  });

  it('says what a code looks like when nothing is close', () => {
    const result = explainCode('banana', docsDir);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain('unknown diagnostic code `banana`');
      expect(result.message).toContain('`LCP2001`');
    }
  });

  it('reports a missing page without throwing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'libcc-explain-'));
    const result = explainCode('LCP2001', empty);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('no documentation page for `LCP2001`');
  });
});
