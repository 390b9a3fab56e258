/**
 * The plan's job DAG as a graphlib `Graph`, for consumers that want graph algorithms (emitters,
 * tooling). Node ids are job ids, node labels the `PlanJob`s, edges run parent → child.
 *
 * Built on demand rather than inside `buildPlan`: graphlib keys everything by strings and takes
 * about a second for 100k jobs, while the plan itself is computed on integer arrays. The plan's
 * `jobs[i].parents` (positions, ascending) are the primary adjacency; this is a view of it.
 */
import { Graph } from '@dagrejs/graphlib';
import type { Plan } from './types.js';

export function jobGraph(plan: Plan): Graph {
  const graph = new Graph({ directed: true, multigraph: false, compound: false });
  for (const job of plan.jobs) graph.setNode(job.id, job);
  for (const job of plan.jobs) for (const p of job.parents) graph.setEdge(plan.jobs[p]!.id, job.id);
  return graph;
}

/** Children of every job (positions in `plan.jobs`, ascending): the reverse of `parents`. */
export function jobChildren(plan: Plan): number[][] {
  const children: number[][] = plan.jobs.map(() => []);
  plan.jobs.forEach((job, v) => {
    for (const p of job.parents) children[p]!.push(v);
  });
  return children;
}
