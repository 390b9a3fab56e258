/**
 * The fixed-seed subset of the fuzz campaign (`npm run fuzz`, bench/fuzz.js; docs/fuzzing.md):
 * a few thousand generated and mutated inputs through loadProgram, analyse(), formatLcp and the
 * renderers, on the built library (dist/). Each must finish without exception, keep every span
 * inside its file, print no raw control character, and stay within the output budget. The time
 * per input is recorded, not asserted tightly: only a generous bound catches a hang.
 */
import { describe, expect, it } from 'vitest';
import { makeInput, runOne } from '../../bench/fuzz-core.js';

const SEED = 20261202;
const COUNT = Number(process.env.LCP_FUZZ_COUNT ?? 1500);
const SLICES = 4;

describe('fuzz (fixed seed)', () => {
  for (let slice = 0; slice < SLICES; slice++) {
    const from = Math.floor((COUNT * slice) / SLICES);
    const to = Math.floor((COUNT * (slice + 1)) / SLICES);
    it(`inputs ${from}..${to - 1}: no crash, spans in their files, clean and bounded output`, () => {
      const findings: string[] = [];
      for (let i = from; i < to; i++) {
        const started = performance.now();
        let problems: string[];
        try {
          problems = runOne(makeInput(SEED, i));
        } catch (error) {
          problems = [`crash: ${error instanceof Error ? error.stack : String(error)}`];
        }
        const ms = performance.now() - started;
        if (ms > 20_000) problems.push(`took ${Math.round(ms)} ms`);
        for (const p of problems) findings.push(`#${i}: ${p.slice(0, 300)} (reproduce: node bench/fuzz.js --seed ${SEED} --from ${i} --count 1 --print)`);
      }
      expect(findings).toEqual([]);
    }, 120_000);
  }
});
