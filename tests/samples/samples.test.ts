/**
 * Golden samples: the rendered diagnostics of every file in examples/errors and the plans of
 * the examples, exactly as `libcc` prints them (colour off). Regenerate with
 * `npm run test:update` after an intended change, and review the diff.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_CODES } from '../../src/diagnostics/codes.js';
import { runCli } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';

const ERRORS = 'examples/errors';
const SAMPLES = 'tests/samples';
/** A mistake only a `--slots` cap reveals: `libcc plan --slots 8`. */
const PLANNED = new Set(['slots.lcp']);
/** Warnings only: `libcc check` exits 0. */
const WARNINGS_ONLY = new Set(['lints.lcp']);

describe('examples/errors: every file reports its diagnostics', () => {
  const files = readdirSync(ERRORS).filter((f) => f.endsWith('.lcp')).sort();
  it('has error examples', () => expect(files.length).toBeGreaterThan(5));
  for (const file of files) {
    it(file, async () => {
      const path = `${ERRORS}/${file}`;
      const checked = await runCli('check', path, '--no-color');
      let output = `$ libcc check ${path}\n${checked.stdout}${checked.stderr}[exit ${checked.code}]\n`;
      if (PLANNED.has(file)) {
        // A slot cap is a question of `libcc plan --slots N`, not of the pipeline.
        expect(checked.code).toBe(0);
        const planned = await runCli('plan', path, '--slots', '8', '--no-color');
        output += `\n$ libcc plan ${path} --slots 8\n${planned.stderr}[exit ${planned.code}]\n`;
        expect(planned.code, `${file} should show graph errors`).toBe(1);
      } else if (WARNINGS_ONLY.has(file)) {
        expect(checked.code).toBe(0);
      } else {
        // Everything `compile` would reject, `check` rejects — graph and template errors included.
        expect(checked.code, `${file} should fail \`libcc check\``).toBe(1);
        expect(checked.stdout).toMatch(/^error\[LCP\d{4}\]: .*\n +--> examples\/errors\/\S+:\d+:\d+$/m);
        const compiled = await runCli('compile', path, '--check', '--no-color');
        expect(compiled.code, `${file}: \`compile\` rejects it too`).toBe(1);
        expect(compiled.stderr).toBe(checked.stdout);
      }
      expect(output).toMatch(/error|warning/);
      expectGolden(`${SAMPLES}/errors/${file.replace(/\.lcp$/, '')}.txt`, output);
    });
  }
});

describe('examples: clean check and a plan', () => {
  for (const example of ['minimal', 'n2_tanager', 'templates', 'lib_char_auto']) {
    it(`${example} checks clean`, async () => {
      const run = await runCli('check', `examples/${example}/flow.lcp`, '--no-color');
      expect(run.stdout).toBe(`ok: examples/${example}/flow.lcp checked, no problems\n`);
      expect(run.code).toBe(0);
    });
    it(`${example} plans (text and JSON)`, async () => {
      const text = await runCli('plan', `examples/${example}/flow.lcp`, '--slots', '64');
      expect(text.code).toBe(0);
      expect(text.stderr).toBe('');
      expectGolden(`${SAMPLES}/plans/${example}.txt`, text.stdout);
      const json = await runCli('plan', `examples/${example}/flow.lcp`, '--slots', '64', '--format', 'json');
      expect(json.code).toBe(0);
      expectGolden(`${SAMPLES}/plans/${example}.json`, json.stdout);
    });
  }
});

describe('examples/errors covers the catalogue', () => {
  it('every diagnostic code is shown by some example', () => {
    const shown = new Set<string>();
    for (const file of readdirSync(`${SAMPLES}/errors`)) {
      for (const match of readFileSync(`${SAMPLES}/errors/${file}`, 'utf8').matchAll(/(?:error|warning)\[(LCP\d{4})\]/g)) shown.add(match[1]!);
    }
    expect(ALL_CODES.filter((code) => !shown.has(code))).toEqual([]);
  });
});
