/**
 * `libcc graph`: pictures of a Plan. Pure: no file system, no clock, no environment; the same
 * plan and options always give the same text (LF line endings, one trailing newline).
 *
 *   renderGraph(plan, { format: 'mermaid', level: 'stages' })
 *
 * `level: 'stages'` draws one node per stage; `level: 'jobs'` one per job, grouped by array (and,
 * if still too many, by stage) above `maxJobs` jobs, critical-path jobs always on their own.
 */
import type { Plan } from '../../graph/plan.js';
import { renderDot } from './dot.js';
import { renderHtml } from './html.js';
import { renderMermaid } from './mermaid.js';
import { buildViewModel, MAX_LAID_OUT_NODES, type ViewLevel } from './model.js';
import { renderSvg, type Rankdir } from './svg.js';

export type GraphFormat = 'dot' | 'mermaid' | 'svg' | 'html';
export const GRAPH_FORMATS: readonly GraphFormat[] = ['dot', 'mermaid', 'svg', 'html'];

export interface GraphOptions {
  readonly format: GraphFormat;
  readonly level: ViewLevel;
  /** Job level: group jobs when the plan has more than this many (default 200). */
  readonly maxJobs?: number;
  /** Layout direction (default `LR`). */
  readonly rankdir?: Rankdir;
}

/** A picture with more nodes than `MAX_LAID_OUT_NODES` asked for in a laid-out format. */
export class GraphTooLargeError extends Error {
  constructor(
    readonly nodes: number,
    readonly format: GraphFormat,
  ) {
    super(`${nodes} nodes are too many to lay out as ${format} (at most ${MAX_LAID_OUT_NODES})`);
  }
}

/** Throws GraphTooLargeError, before any layout, for an SVG or HTML picture of too many nodes. */
export function renderGraph(plan: Plan, options: GraphOptions): string {
  const model = buildViewModel(plan, { level: options.level, ...(options.maxJobs === undefined ? {} : { maxJobs: options.maxJobs }) });
  if ((options.format === 'svg' || options.format === 'html') && model.nodes.length > MAX_LAID_OUT_NODES) {
    throw new GraphTooLargeError(model.nodes.length, options.format);
  }
  const direction = options.rankdir === undefined ? {} : { rankdir: options.rankdir };
  switch (options.format) {
    case 'dot':
      return renderDot(model, direction);
    case 'mermaid':
      return renderMermaid(model, direction);
    case 'svg':
      return renderSvg(model, direction);
    case 'html':
      return renderHtml(plan, model, direction);
  }
}

export { buildViewModel, DEFAULT_MAX_JOBS, MAX_LAID_OUT_NODES, type ViewEdge, type ViewLevel, type ViewModel, type ViewNode } from './model.js';
export type { Rankdir } from './svg.js';
