/** Small readers over a Plan for assertions. */
import { expect } from 'vitest';
import type { CheckedProgram } from '../../src/check/model.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { buildPlan, type Plan, type PlanOptions, type PlanStage } from '../../src/graph/plan.js';

/** Builds the plan and fails the test on any diagnostic. */
export function planOf(program: CheckedProgram, options?: PlanOptions): Plan {
  const result = buildPlan(program, options);
  expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  expect(result.plan).toBeDefined();
  return result.plan!;
}

/** Diagnostics of a program that must not plan. */
export function errorsOf(program: CheckedProgram, options?: PlanOptions): Diagnostic[] {
  const result = buildPlan(program, options);
  expect(result.plan).toBeUndefined();
  return result.diagnostics;
}

export function stageOf(plan: Plan, name: string): PlanStage {
  const stage = plan.stages.find((s) => s.name === name);
  if (stage === undefined) throw new Error(`no stage ${name}`);
  return stage;
}

/** Job ids of a stage in canonical order (the order of its arrays). */
export function stageJobIds(plan: Plan, name: string): string[] {
  return stageOf(plan, name).arrays.flatMap((a) => a.jobs.map((j) => plan.jobs[j]!.id));
}

/** Parents of a job, by id. */
export function parentIds(plan: Plan, id: string): string[] {
  const job = plan.jobs.find((j) => j.id === id);
  if (job === undefined) throw new Error(`no job ${id}`);
  return job.parents.map((p) => plan.jobs[p]!.id);
}

export function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => d.code);
}
