/** 10 000 jobs: the report stays aggregated (matrix by library and stage, timeline by stage) and quick. */
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/report/html.js';
import { buildReport } from '../../src/report/model.js';
import type { PlanDocument, RunData, RunEvent } from '../../src/report/read-run.js';

function bigRun(): RunData {
  const libraries = Array.from({ length: 100 }, (_, i) => `lib${i}`);
  const corners = Array.from({ length: 40 }, (_, i) => `c${i}`);
  const stageNames = ['char', 'lvf', 'post'];
  const jobs: PlanDocument['jobs'][number][] = [];
  const events: RunEvent[] = [];
  let line = 0;
  for (const [s, stage] of stageNames.entries()) {
    for (const library of libraries) {
      for (const [c, corner] of corners.entries()) {
        if (stage === 'post' && c >= 20) continue;
        const id = `${stage}[${library},${corner}]`;
        jobs.push({ id, stage, keys: { node: 'n', library, corner }, parents: s === 0 ? [] : [`${stageNames[s - 1]}[${library},${corner}]`], cpus: 4, estimateSeconds: 3600, earliestStart: s * 3600 });
        if (s < 2) {
          const key = `n.${library}.${corner}`;
          const start = 1_000_000 + s * 4000 + c * 10;
          events.push({ line: ++line, time: start, event: 'start', stage, job: key, host: 'h' });
          if (!(s === 1 && c % 7 === 0)) events.push({ line: ++line, time: start + 3000, event: 'end', stage, job: key, status: c % 13 === 0 ? 'failed' : 'done', seconds: 3000 });
        }
      }
    }
  }
  const plan: PlanDocument = {
    pipeline: 'big',
    makespanSeconds: 3 * 3600,
    slotSeconds: jobs.length * 4 * 3600,
    stages: stageNames.map((name) => ({ name, keySet: ['node', 'library', 'corner'], cpus: 4, estimateSeconds: 3600, jobCount: jobs.filter((j) => j.stage === name).length, licenses: [] })),
    criticalPath: [],
    jobs,
  };
  return { plan, jobs: [], events, done: new Map(), failed: new Map(), ledger: [], problems: [] };
}

describe('the report at 10 000 jobs', () => {
  it('aggregates and renders in well under a few seconds', () => {
    const run = bigRun();
    expect(run.plan!.jobs.length).toBe(10_000);
    const t0 = performance.now();
    const model = buildReport(run);
    const html = renderReportHtml(model);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeLessThan(5000);
    expect(model.libraries).toHaveLength(100);
    // One matrix row per library, one aggregated timeline row per stage, no per-job bar.
    expect(html.match(/<td class="cell [^"]*" data-library=/g)).toHaveLength(300);
    expect(html.match(/<rect class="actual" data-stage=/g)!.length).toBeLessThanOrEqual(3);
    expect(html).not.toMatch(/<rect class="actual" data-job=/);
    expect(html.match(/<details class="library"/g)).toHaveLength(100);
    expect(html.length).toBeLessThan(8_000_000);
  });
});
