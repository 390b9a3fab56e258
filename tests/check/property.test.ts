/**
 * Property tests over the whole front end: for mutated versions of the examples, loading,
 * checking and planning never throw, and every diagnostic span (primary and secondary) lies
 * inside its source file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/check/check.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { buildPlan } from '../../src/graph/plan.js';
import { loadProgram } from '../../src/syntax/load.js';

const N2 = ['flow.lcp', 'site.lcp', 'corners.yaml'].map((f) => `examples/n2_tanager/${f}`);
const ERRORS = readdirSync('examples/errors').filter((f) => /\.(lcp|yaml)$/.test(f)).map((f) => `examples/errors/${f}`);
const FILES = Object.fromEntries([...N2, 'examples/minimal/flow.lcp', ...ERRORS].map((p) => [p, readFileSync(p, 'utf8')]));

const FRAGMENTS = ['{', '}', '[', ']', '(', ')', ',', '=', '..', '"', '"""', '${', '}', 'stage', 'corner', 'for each', 'after', 'where',
  '&&', '!', '0.5V', '-40C', '64GB', '16', 'x', 'library', 'expect "a" == 1', '// libcc-ignore LCP3102\n', '\n', '/*', 'run = shell "z"', 'in'];

type Mutation = { at: number; remove: number; insert: string };

const mutation = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  remove: fc.nat(12),
  insert: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 })),
});

function mutate(text: string, mutations: Mutation[]): string {
  let result = text;
  for (const m of mutations) {
    const at = Math.floor(m.at * result.length);
    result = result.slice(0, at) + m.insert + result.slice(at + m.remove);
  }
  return result;
}

function assertSpansInside(diagnostics: readonly Diagnostic[], files: Record<string, string>): void {
  for (const d of diagnostics) {
    for (const label of [d.primary, ...d.secondary]) {
      const text = files[label.span.file];
      expect(text, `${d.code} points into unknown file ${label.span.file}`).toBeDefined();
      expect(label.span.start).toBeGreaterThanOrEqual(0);
      expect(label.span.end).toBeGreaterThanOrEqual(label.span.start);
      expect(label.span.end).toBeLessThanOrEqual(text!.length);
    }
  }
}

function run(files: Record<string, string>, root: string): void {
  const loaded = loadProgram(root, { readFile: (p) => files[p] })!;
  const result = check(loaded);
  assertSpansInside(result.diagnostics, files);
  if (result.program) {
    const planned = buildPlan(result.program, { slots: 8 });
    assertSpansInside(planned.diagnostics, files);
  }
}

describe('front end: never throws, spans stay inside the sources', () => {
  for (const root of ['examples/n2_tanager/flow.lcp', 'examples/minimal/flow.lcp', 'examples/errors/corners.lcp']) {
    it(`mutations of ${root}`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...Object.keys(FILES).filter((f) => f.startsWith(root.slice(0, root.lastIndexOf('/'))))), fc.array(mutation, { minLength: 1, maxLength: 4 }), (target, mutations) => {
          run({ ...FILES, [target]: mutate(FILES[target]!, mutations) }, root);
        }),
        { numRuns: Number(process.env.LIBCC_PROPERTY_RUNS ?? 150) },
      );
    });
  }
});
