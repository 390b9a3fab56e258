import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { didYouMean, editDistance, MAX_SUGGESTED_NAME, suggest } from '../../src/diagnostics/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('normal', 'normal')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('queue', 'queues')).toBe(1);
    expect(editDistance('mem', 'me')).toBe(1);
  });

  it('counts an adjacent transposition as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('corner', 'cornre')).toBe(1);
    expect(editDistance('ssgnp', 'sgsnp')).toBe(1);
  });

  it('is symmetric and zero only for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(editDistance(b, a)).toBe(d);
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});

describe('editDistance with a bound', () => {
  it('is exact up to the bound, and above it beyond', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 14, unit: fc.constantFrom('a', 'b', 'c') }), fc.string({ maxLength: 14, unit: fc.constantFrom('a', 'b', 'c') }), fc.nat(8), (a, b, bound) => {
        const exact = editDistance(a, b);
        const bounded = editDistance(a, b, bound);
        if (exact <= bound) expect(bounded).toBe(exact);
        else expect(bounded).toBeGreaterThan(bound);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('suggest', () => {
  it('suggests for a long name only by case or a missing tail, not by edit distance', () => {
    const long = `lib_${'x'.repeat(MAX_SUGGESTED_NAME)}`;
    const oneOff = `${long.slice(0, -1)}y`;
    expect(suggest(long, [oneOff, long.toUpperCase(), `${long}_with_a_tail`])).toEqual([long.toUpperCase(), `${long}_with_a_tail`]);
    const short = 'x'.repeat(MAX_SUGGESTED_NAME);
    expect(suggest(short, [`${short.slice(0, -1)}y`])).toEqual([`${short.slice(0, -1)}y`]);
  });

  it('returns the closest candidates first', () => {
    expect(suggest('runtim', ['cpus', 'runtime', 'queue', 'run_time'])).toEqual(['runtime', 'run_time']);
  });

  it('breaks ties by name', () => {
    expect(suggest('cat', ['cbt', 'cab', 'bat'])).toEqual(['bat', 'cab', 'cbt']);
  });

  it('puts a case-only difference before any other edit', () => {
    expect(suggest('ABCDEF', ['ABCDEG', 'abcdef'])).toEqual(['abcdef', 'ABCDEG']);
    expect(suggest('mv', ['mV', 'm', 'V'])[0]).toBe('mV');
  });

  it('returns at most `max` candidates, never the name itself, without duplicates', () => {
    expect(suggest('abcdef', ['abcdeg', 'abcdeh', 'abcdei', 'abcdej'])).toEqual(['abcdeg', 'abcdeh', 'abcdei']);
    expect(suggest('abcdef', ['abcdeg', 'abcdeh'], 1)).toEqual(['abcdeg']);
    expect(suggest('normal', ['normal', 'normals', 'normals'])).toEqual(['normals']);
  });

  it('returns nothing when nothing is close', () => {
    expect(suggest('liberate', ['queue', 'corner', 'stage'])).toEqual([]);
    expect(didYouMean('liberate', ['queue', 'corner', 'stage'])).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });

  it('does not depend on the order of the candidates', () => {
    const candidates = ['runtime', 'run_time', 'routine', 'rntime', 'Runtime'];
    fc.assert(
      fc.property(fc.shuffledSubarray(candidates, { minLength: candidates.length }), (shuffled) => {
        expect(suggest('runtme', shuffled)).toEqual(suggest('runtme', candidates));
      }),
    );
  });
});

describe('didYouMean', () => {
  it('quotes one, two or three candidates', () => {
    expect(didYouMean('normall', ['normal'])).toBe('did you mean `normal`?');
    expect(didYouMean('cat', ['bat', 'cab'])).toBe('did you mean `bat` or `cab`?');
    expect(didYouMean('cat', ['cbt', 'cab', 'bat'])).toBe('did you mean `bat`, `cab` or `cbt`?');
  });
});
