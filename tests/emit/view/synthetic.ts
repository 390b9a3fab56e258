/** Synthetic plans for the graph-picture tests, built with the graph phase's fixture builder. */
import { expect } from 'vitest';
import { buildPlan, type Plan } from '../../../src/graph/plan.js';
import { program, type StageSpec } from '../../graph/fixtures.js';

/**
 * `libraries × corners` jobs per element-wise stage: a per-library `prep` (broadcast into `s0`),
 * `chain` element-wise stages, a per-library `merge` (gather) and a single `report`.
 * Total: libraries + chain·libraries·corners + libraries + 1. All chains are equally long, so the
 * critical path is the first: prep[lib1] (node n2 is declared first), s0[lib1,<first corner>], …
 */
export function campaign(libraries: number, corners: number, chain: number): Plan {
  const cornerNames = Array.from({ length: corners }, (_, i) => `tt_0p${String(50 + i).padStart(2, '0')}v_25c`);
  const libs = Array.from({ length: libraries }, (_, i) => ({ id: `lib${i}`, node: i % 2 === 0 ? 'n3' : 'n2', corners: cornerNames }));
  const stages: StageSpec[] = [{ name: 'prep', keys: ['library'], estimate: 120 }];
  for (let s = 0; s < chain; s++) {
    stages.push({
      name: `s${s}`,
      keys: ['library', 'corner'],
      after: [s === 0 ? 'prep' : `s${s - 1}`],
      estimate: 600 * (s + 1),
      cpus: 1 + (s % 3),
    });
  }
  stages.push({ name: 'merge', keys: ['library'], after: [`s${chain - 1}`], estimate: 300 });
  stages.push({ name: 'report', after: ['merge'], estimate: 30 });
  const { plan, diagnostics } = buildPlan(program({ pipeline: `campaign_${libraries}x${corners}`, nodes: ['n2', 'n3'], libraries: libs, stages }), {});
  expect(diagnostics).toEqual([]);
  return plan!;
}

/** Names with every character that is special somewhere: quotes, angle brackets, ampersands, #, |, backslash, backtick. */
export const NASTY_STAGE = 'a<b>&"c"#|\\`d\'';
export const NASTY_LIBRARY = 'x"y<z>&#1;';

export function nastyPlan(): Plan {
  const { plan, diagnostics } = buildPlan(
    program({
      pipeline: 'p"<&>',
      libraries: [{ id: NASTY_LIBRARY, node: 'n&1', corners: ['tt_0p50v_25c', 'ss_0p45v_m40c'] }],
      stages: [
        { name: NASTY_STAGE, keys: ['library', 'corner'], estimate: 60 },
        { name: 'end', keys: ['library'], after: [NASTY_STAGE], estimate: 30 },
        { name: 'o', after: ['end'], estimate: 10 },
      ],
    }),
    {},
  );
  expect(diagnostics).toEqual([]);
  return plan!;
}
