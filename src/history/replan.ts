/**
 * Plans again with estimates learned from earlier runs: `learnEstimates` then `buildPlan` with
 * the learned per-job durations (the same slot cap). Pure; the CLI reads the runs.
 */
import type { CheckedProgram } from '../check/model.js';
import { buildPlan, type Plan } from '../graph/plan.js';
import { formatHistoryText } from './format.js';
import { durationLookup, learnEstimates, type HistoryResult, type HistoryRun } from './learn.js';

export function replanWithHistory(program: CheckedProgram, plan: Plan, runs: readonly HistoryRun[], slots?: number): { plan: Plan; history: HistoryResult; text: string } {
  const history = learnEstimates(program, plan, runs);
  const replanned = buildPlan(program, { ...(slots === undefined ? {} : { slots }), durationOf: durationLookup(plan, history) }).plan ?? plan;
  return { plan: replanned, history, text: formatHistoryText(history) };
}
