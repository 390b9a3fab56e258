/**
 * The run report as JSON (`libcc report --format json`): the model, Maps as objects, keys in a
 * fixed order, 2-space indent, one trailing newline. `version` is bumped on incompatible changes.
 */
import type { ReportModel } from './model.js';

export const REPORT_JSON_VERSION = 1;

export function renderReportJson(model: ReportModel): string {
  const document = {
    version: REPORT_JSON_VERSION,
    pipeline: model.pipeline,
    hasPlan: model.hasPlan,
    ...(model.startedAt === undefined ? {} : { startedAt: model.startedAt, elapsedSeconds: model.elapsedSeconds }),
    ...(model.plannedMakespanSeconds === undefined ? {} : { plannedMakespanSeconds: model.plannedMakespanSeconds }),
    ...(model.plannedSlots === undefined ? {} : { plannedSlots: model.plannedSlots }),
    counts: model.counts,
    slotSecondsUsed: model.slotSecondsUsed,
    ...(model.slotSecondsPlanned === undefined ? {} : { slotSecondsPlanned: model.slotSecondsPlanned }),
    licences: model.licences,
    retries: model.retries,
    submissions: model.submissions,
    stages: model.stages,
    libraries: model.libraries.map((l) => ({
      library: l.library,
      counts: l.counts,
      corners: l.corners,
      stages: Object.fromEntries(model.stages.flatMap((s, i) => (l.stages[i] === undefined ? [] : [[s.name, l.stages[i]]]))),
    })),
    reasons: model.reasons,
    actualCriticalPath: model.actualCriticalPath,
    plannedCriticalPath: model.plannedCriticalPath,
    jobs: model.jobs.map((j) => ({ ...j, parents: j.parents.map((p) => model.jobs[p]!.id) })),
    problems: model.problems,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
