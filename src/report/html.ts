/**
 * The run report as one self-contained HTML file: inline CSS and inline SVG, no script, no
 * external resource (so no network request). Pure: the same model gives the same text.
 *
 * Legible at 10 000 jobs: the matrix is aggregated (library × stage counts), each library's
 * corner × stage grid is a `<details>` drill-down; the timeline draws one row per job up to
 * TIMELINE_MAX_JOBS jobs and one row per stage (actual and planned spans) above; long lists
 * (failures, retries) are cut with a note. Test hooks: `table.matrix td.cell[data-library]
 * [data-stage]`, a corner grid's `td.cell[data-job]` (one job) or `[data-jobs]` (several, ids
 * space-separated), both with `data-state`, `svg.timeline rect.actual[data-job|data-stage]` and
 * `rect.planned`.
 */
import { formatDuration, formatSlotHours } from '../graph/format-plan.js';
import { emptyCounts, JOB_STATES, type JobState, type MatrixRow, type ReportJob, type ReportModel, type StateCounts } from './model.js';

export const TIMELINE_MAX_JOBS = 300;
const LIST_MAX = 200;

const STATE_COLOR: Record<JobState, string> = {
  done: '#38a169',
  failed: '#e53e3e',
  running: '#3182ce',
  stale: '#dd6b20',
  'not run': '#a0aec0',
};

const CSS = [
  'body { margin: 24px; color: #1a202c; background: #ffffff; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 14px; }',
  'h1 { font-size: 20px; margin: 0 0 12px; }',
  'h2 { font-size: 16px; margin: 28px 0 8px; }',
  'h3 { font-size: 14px; margin: 16px 0 6px; }',
  'code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }',
  'dl.summary { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; margin: 0; }',
  'dl.summary dt { font-weight: 600; }',
  'dl.summary dd { margin: 0; }',
  '.note { color: #4a5568; }',
  'table { border-collapse: collapse; margin: 4px 0; }',
  'th, td { padding: 3px 8px; border-bottom: 1px solid #e2e8f0; text-align: left; vertical-align: top; }',
  'th { background: #f7fafc; }',
  'td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }',
  'td.cell { text-align: center; min-width: 56px; color: #ffffff; font-weight: 600; }',
  ...JOB_STATES.map((s) => `.state-${s.replace(' ', '-')} { background: ${STATE_COLOR[s]}; }`),
  'span.legend { display: inline-block; padding: 1px 8px; margin-right: 6px; color: #ffffff; border-radius: 3px; }',
  'details { margin: 4px 0; }',
  'summary { cursor: pointer; }',
  'pre { background: #f7fafc; padding: 4px 8px; margin: 2px 0; white-space: pre-wrap; }',
  '.timeline-box { overflow-x: auto; border: 1px solid #e2e8f0; border-radius: 6px; padding: 4px; }',
];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function td(text: string, cls?: string): string {
  return cls === undefined ? `<td>${esc(text)}</td>` : `<td class="${cls}">${esc(text)}</td>`;
}

function th(names: readonly string[], numeric: readonly boolean[] = []): string {
  return `<thead><tr>${names.map((n, i) => (numeric[i] ? `<th class="num">${esc(n)}</th>` : `<th>${esc(n)}</th>`)).join('')}</tr></thead>`;
}

function stateClass(state: JobState): string {
  return `state-${state.replace(' ', '-')}`;
}

/** The state that colours an aggregate cell: failed, then running, stale, not run, done. */
function worst(c: StateCounts): JobState {
  for (const s of ['failed', 'running', 'stale', 'not run'] as const) if (c[s] > 0) return s;
  return 'done';
}

function total(c: StateCounts): number {
  return JOB_STATES.reduce((n, s) => n + c[s], 0);
}

function countsText(c: StateCounts): string {
  return JOB_STATES.filter((s) => c[s] > 0)
    .map((s) => `${c[s]} ${s}`)
    .join(', ');
}

function hours(seconds: number): string {
  return formatSlotHours(seconds);
}

export function renderReportHtml(model: ReportModel): string {
  const out: string[] = [];
  const title = `libcc run report: ${model.pipeline}`;
  out.push('<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8"/>');
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1"/>', '<meta name="generator" content="libcc report"/>');
  out.push(`<title>${esc(title)}</title>`, `<style>\n${CSS.join('\n')}\n</style>`, '</head>', '<body>');
  out.push(`<h1>Run of <code>${esc(model.pipeline)}</code></h1>`);

  const summary: [string, string][] = [
    ['jobs', `${model.jobs.length}: ${countsText(model.counts) || 'none'}`],
    ['elapsed', model.elapsedSeconds === undefined ? 'nothing ran yet' : formatDuration(model.elapsedSeconds)],
  ];
  if (model.plannedMakespanSeconds !== undefined) summary.push(['planned makespan', `${formatDuration(model.plannedMakespanSeconds)} (unlimited slots)`]);
  if (model.plannedSlots !== undefined) summary.push([`planned with ${model.plannedSlots.cap} slots`, formatDuration(model.plannedSlots.makespanSeconds)]);
  summary.push(['slot-hours used / planned', `${hours(model.slotSecondsUsed)} / ${model.slotSecondsPlanned === undefined ? '-' : hours(model.slotSecondsPlanned)}`]);
  for (const l of model.licences) summary.push([`${l.name} licence-hours used / planned`, `${hours(l.usedSeconds)} / ${hours(l.plannedSeconds)}`]);
  if (model.submissions.bsubs > 0) {
    const ids = model.submissions.runIds;
    summary.push(['LSF submissions', `${model.submissions.bsubs} bsub call(s) in ${ids.length} run(s), last ${ids[ids.length - 1]}`]);
  }
  summary.push(['retries', `${model.retries.total} retried attempt(s) in ${model.retries.jobs} job(s); ${model.retries.reruns} re-run(s)`]);
  out.push('<dl class="summary">');
  for (const [k, v] of summary) out.push(`<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`);
  out.push('</dl>');
  out.push(`<p>${JOB_STATES.map((s) => `<span class="legend ${stateClass(s)}">${esc(s)}</span>`).join('')}</p>`);

  renderMatrix(model, out);
  renderFailures(model, out);
  renderTimeline(model, out);
  renderCriticalPaths(model, out);
  renderStages(model, out);
  renderRetries(model, out);
  if (model.problems.length > 0) {
    out.push('<h2>Problems reading the run</h2>', '<ul class="problems">');
    for (const p of model.problems.slice(0, LIST_MAX)) out.push(`<li class="mono">${esc(p)}</li>`);
    if (model.problems.length > LIST_MAX) out.push(`<li>… and ${model.problems.length - LIST_MAX} more</li>`);
    out.push('</ul>');
  }
  out.push('</body>', '</html>');
  return `${out.join('\n')}\n`;
}

function renderMatrix(model: ReportModel, out: string[]): void {
  out.push('<h2>Campaign matrix</h2>');
  const stages = model.stages;
  if (model.libraries.length > 0) {
    const used = stages.map((_, s) => model.libraries.some((l) => l.stages[s] !== undefined));
    const cols = stages.filter((_, s) => used[s]);
    out.push(
      '<p class="note">Jobs per library and stage (done / all); the colour is the worst state. Open a library below for its corners: a cell there is one job (its run time when done, else its state) or, for a stage with dimensions, its jobs at that corner (done / all, the worst state\'s colour); a stage grouping corners (<code>group by</code>) has a row per group.</p>',
    );
    out.push('<table class="matrix">', th(['library', ...cols.map((s) => s.name)]), '<tbody>');
    for (const lib of model.libraries) {
      const cells = stages
        .map((stage, s) => {
          if (!used[s]) return '';
          const c = lib.stages[s];
          if (c === undefined) return '<td></td>';
          return `<td class="cell ${stateClass(worst(c))}" data-library="${esc(lib.library)}" data-stage="${esc(stage.name)}" data-state="${worst(c)}" title="${esc(countsText(c))}">${c.done}/${total(c)}</td>`;
        })
        .join('');
      out.push(`<tr><td class="mono">${esc(lib.library)}</td>${cells}</tr>`);
    }
    out.push('</tbody>', '</table>');
    for (const lib of model.libraries) {
      out.push(`<details class="library" data-library="${esc(lib.library)}"><summary><code>${esc(lib.library)}</code>: ${esc(countsText(lib.counts))}</summary>`);
      const libStages = stages.map((_, s) => s).filter((s) => lib.stages[s] !== undefined);
      out.push('<table class="corners">', th(['corner', ...libStages.map((s) => stages[s]!.name)]), '<tbody>');
      for (const row of lib.rows) {
        const cells = libStages.map((s) => gridCell(model, row.cells.get(s))).join('');
        out.push(`<tr><td class="mono">${esc(rowLabel(row))}</td>${cells}</tr>`);
      }
      out.push('</tbody>', '</table>', '</details>');
    }
  }
  const other = stages.filter((s) => !model.libraries.some((l) => l.stages[model.stages.indexOf(s)] !== undefined) && s.jobs > 0);
  if (other.length > 0) {
    out.push('<table class="other-stages">', th(['stage (not per library)', 'jobs', 'state']), '<tbody>');
    for (const s of other) out.push(`<tr><td>${esc(s.name)}</td>${td(String(s.jobs), 'num')}<td class="cell ${stateClass(worst(s.counts))}" data-stage="${esc(s.name)}">${esc(countsText(s.counts))}</td></tr>`);
    out.push('</tbody>', '</table>');
  }
}

function rowLabel(row: MatrixRow): string {
  return row.kind === 'corner' ? row.name : row.kind === 'group' ? `${row.name} (group)` : '(per library)';
}

/**
 * A cell of a library's corner × stage grid. One job: its run time when done, else its state,
 * the reason as a tooltip. Several (one per value of the stage's dimensions): `done/all`,
 * coloured by the worst state, each job's state in the tooltip, so a failed job is never hidden
 * behind a done one.
 */
function gridCell(model: ReportModel, positions: readonly number[] | undefined): string {
  if (positions === undefined || positions.length === 0) return '<td></td>';
  const jobs = positions.map((i) => model.jobs[i]!);
  const tips = jobs.map((j) => (j.reason === undefined ? j.state : `${j.state}: ${j.reason}`));
  if (jobs.length === 1) {
    const job = jobs[0]!;
    return `<td class="cell ${stateClass(job.state)}" data-job="${esc(job.id)}" data-state="${job.state}" title="${esc(tips[0]!)}">${esc(shortState(job))}</td>`;
  }
  const c = emptyCounts();
  for (const j of jobs) c[j.state]++;
  // A line per job in the tooltip, as a character reference: the page keeps a line per row.
  const tip = jobs.map((j, k) => esc(`${j.id}: ${tips[k]}`)).join('&#10;');
  return `<td class="cell ${stateClass(worst(c))}" data-jobs="${esc(jobs.map((j) => j.id).join(' '))}" data-state="${worst(c)}" title="${tip}">${c.done}/${jobs.length}</td>`;
}

function shortState(job: ReportJob): string {
  if (job.state === 'done' && job.seconds !== undefined) return formatDuration(job.seconds);
  return job.state;
}

function renderFailures(model: ReportModel, out: string[]): void {
  out.push('<h2>Failures</h2>');
  if (model.failures.length === 0) {
    out.push('<p class="note">No job failed.</p>');
    return;
  }
  out.push('<table class="reasons">', th(['jobs', 'reason', 'stages'], [true]), '<tbody>');
  for (const r of model.reasons) out.push(`<tr>${td(String(r.count), 'num')}${td(r.reason, 'mono')}${td(r.stages.join(', '))}</tr>`);
  out.push('</tbody>', '</table>');
  const byStage = new Map<string, number[]>();
  for (const i of model.failures) {
    const list = byStage.get(model.jobs[i]!.stage) ?? [];
    list.push(i);
    byStage.set(model.jobs[i]!.stage, list);
  }
  for (const [stage, list] of byStage) {
    out.push(`<details class="failed-jobs" data-stage="${esc(stage)}"><summary>${esc(stage)}: ${list.length} failed</summary>`);
    for (const i of list.slice(0, LIST_MAX)) {
      const job = model.jobs[i]!;
      out.push(`<p><code>${esc(job.id)}</code>${job.host === undefined ? '' : ` on ${esc(job.host)}`}: ${esc(job.reason ?? '(no reason recorded)')}</p>`);
      if (job.output.length > 0) out.push(`<pre>${esc(job.output.join('\n'))}</pre>`);
    }
    if (list.length > LIST_MAX) out.push(`<p class="note">… and ${list.length - LIST_MAX} more</p>`);
    out.push('</details>');
  }
}

/** Above this ratio of the planned to the actual span (or back), the two get charts of their own. */
const SHARED_SCALE_RATIO = 4;

function renderTimeline(model: ReportModel, out: string[]): void {
  out.push('<h2>Timeline: actual and planned</h2>');
  const planned = model.plannedSlots === undefined ? 'as soon as possible (unlimited slots)' : `under ${model.plannedSlots.cap} slots`;
  let actualSpan = 0;
  let plannedSpan = 0;
  for (const j of model.jobs) {
    if (j.end !== undefined) actualSpan = Math.max(actualSpan, j.end);
    if (j.plannedStart !== undefined && j.plannedSeconds !== undefined) plannedSpan = Math.max(plannedSpan, j.plannedStart + j.plannedSeconds);
  }
  const shared = actualSpan === 0 || plannedSpan === 0 || Math.max(actualSpan, plannedSpan) <= SHARED_SCALE_RATIO * Math.min(actualSpan, plannedSpan);
  if (shared) {
    out.push(`<p class="note">Solid bars: what ran (coloured by state); dashed bars: the plan, ${esc(planned)}. Times from the first job's start.</p>`);
    timelineChart(model, out, { actual: true, planned: true, span: Math.max(actualSpan, plannedSpan, 1) });
    return;
  }
  out.push(
    `<p class="note">The run took ${esc(formatDuration(actualSpan))} so far and the plan ${esc(formatDuration(plannedSpan))}: too far apart for one scale, so each has its own chart. Times from the first job's start.</p>`,
  );
  out.push('<h3>What ran</h3>');
  timelineChart(model, out, { actual: true, planned: false, span: Math.max(actualSpan, 1) });
  out.push(`<h3>The plan, ${esc(planned)}</h3>`);
  timelineChart(model, out, { actual: false, planned: true, span: Math.max(plannedSpan, 1) });
}

function timelineChart(model: ReportModel, out: string[], options: { actual: boolean; planned: boolean; span: number }): void {
  const span = options.span;
  const width = 1000;
  const label = 220;
  const scale = (width - label - 12) / span;
  const x = (t: number) => (label + t * scale).toFixed(1);
  const w = (d: number) => Math.max(1, d * scale).toFixed(1);
  const rows: string[] = [];
  let y = 4;
  const perJob = model.jobs.length <= TIMELINE_MAX_JOBS;
  if (perJob) {
    const row = 16;
    let previousStage = '';
    for (const job of model.jobs) {
      if (job.stage !== previousStage) {
        rows.push(`<text x="2" y="${y + 11}" font-size="11" font-weight="600">${esc(job.stage)}</text>`);
        y += row;
        previousStage = job.stage;
      }
      rows.push(`<text x="10" y="${y + 11}" font-size="10">${esc(truncate(job.id, 34))}</text>`);
      if (options.planned && job.plannedStart !== undefined && job.plannedSeconds !== undefined) {
        rows.push(`<rect class="planned" data-job="${esc(job.id)}" x="${x(job.plannedStart)}" y="${y + 1}" width="${w(job.plannedSeconds)}" height="${row - 3}" fill="none" stroke="#718096" stroke-dasharray="3 2"><title>${esc(`${job.id}: planned ${formatDuration(job.plannedStart)} – ${formatDuration(job.plannedStart + job.plannedSeconds)}`)}</title></rect>`);
      }
      if (options.actual && job.start !== undefined) {
        const end = job.end ?? job.start;
        rows.push(`<rect class="actual" data-job="${esc(job.id)}" data-state="${job.state}" x="${x(job.start)}" y="${y + 4}" width="${w(end - job.start)}" height="${row - 9}" fill="${STATE_COLOR[job.state]}"><title>${esc(`${job.id}: ${job.state}, ${formatDuration(job.start)} – ${formatDuration(end)}`)}</title></rect>`);
      }
      y += row;
    }
  } else {
    const row = 22;
    out.push(`<p class="note">${model.jobs.length} jobs: one row per stage, from its first start to its last end.</p>`);
    for (const s of model.stages) {
      rows.push(`<text x="2" y="${y + 14}" font-size="11">${esc(truncate(`${s.name} (${s.jobs})`, 34))}</text>`);
      if (options.planned && s.planned !== undefined) rows.push(`<rect class="planned" data-stage="${esc(s.name)}" x="${x(s.planned.start)}" y="${y + 1}" width="${w(s.planned.end - s.planned.start)}" height="${row - 3}" fill="none" stroke="#718096" stroke-dasharray="3 2"/>`);
      if (options.actual && s.actual !== undefined) rows.push(`<rect class="actual" data-stage="${esc(s.name)}" data-state="${worst(s.counts)}" x="${x(s.actual.start)}" y="${y + 5}" width="${w(s.actual.end - s.actual.start)}" height="${row - 11}" fill="${STATE_COLOR[worst(s.counts)]}"><title>${esc(`${s.name}: ${countsText(s.counts)}`)}</title></rect>`);
      y += row;
    }
  }
  const axis = y + 12;
  const grid: string[] = [];
  const step = tickStep(span);
  for (let t = 0; t <= span + 1e-9; t += step) {
    grid.push(`<line x1="${x(t)}" y1="0" x2="${x(t)}" y2="${y}" stroke="#edf2f7"/>`);
    rows.push(`<text x="${x(t)}" y="${axis}" font-size="10" text-anchor="${t === 0 ? 'start' : 'middle'}">${esc(formatDuration(t))}</text>`);
  }
  const kind = options.actual && options.planned ? 'both' : options.actual ? 'actual' : 'planned';
  out.push('<div class="timeline-box">');
  out.push(`<svg class="timeline" data-shows="${kind}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${axis + 6}" viewBox="0 0 ${width} ${axis + 6}" role="img" aria-label="timeline">`);
  out.push(...grid, ...rows);
  out.push('</svg>', '</div>');
}

/** A round tick interval giving 3 to 8 ticks over `span` seconds. */
export function tickStep(span: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  for (const step of steps) if (span / step <= 8) return step;
  let step = 86400;
  while (span / step > 8) step *= 2;
  return step;
}

function truncate(text: string, n: number): string {
  return text.length <= n ? text : `${text.slice(0, n - 1)}…`;
}

function time(t: number | undefined): string {
  return t === undefined ? '-' : formatDuration(t);
}

function renderCriticalPaths(model: ReportModel, out: string[]): void {
  out.push('<h2>Critical path: as it happened and as planned</h2>');
  const actualEnd = model.actualCriticalPath[model.actualCriticalPath.length - 1]?.end;
  const plannedEnd = model.plannedCriticalPath[model.plannedCriticalPath.length - 1]?.plannedEnd;
  out.push(`<p class="note">Actual: the job that ended last, back through the upstream job each waited for longest${actualEnd === undefined ? '' : ` (${esc(formatDuration(actualEnd))})`}. Planned: the plan's critical path${plannedEnd === undefined ? '' : ` (${esc(formatDuration(plannedEnd))})`}.</p>`);
  for (const [name, steps] of [
    ['actual', model.actualCriticalPath],
    ['planned', model.plannedCriticalPath],
  ] as const) {
    out.push(`<table class="critical-path ${name}">`, th([`${name} path: job`, 'stage', 'start', 'end', 'planned start', 'planned end', 'late by'], [false, false, true, true, true, true, true]), '<tbody>');
    for (const s of steps) {
      const late = s.end !== undefined && s.plannedEnd !== undefined ? s.end - s.plannedEnd : undefined;
      out.push(
        `<tr>${td(s.id, 'mono')}${td(s.stage)}${td(time(s.start), 'num')}${td(time(s.end), 'num')}${td(time(s.plannedStart), 'num')}${td(time(s.plannedEnd), 'num')}${td(late === undefined ? '-' : late < 0 ? `-${formatDuration(-late)}` : formatDuration(late), 'num')}</tr>`,
      );
    }
    if (steps.length === 0) out.push(`<tr><td colspan="7" class="note">${name === 'actual' ? 'no job has finished' : 'no plan.json'}</td></tr>`);
    out.push('</tbody>', '</table>');
  }
}

function renderStages(model: ReportModel, out: string[]): void {
  out.push('<h2>Stages</h2>');
  out.push('<table class="stages">', th(['stage', 'jobs', ...JOB_STATES, 'estimate', 'median run', 'slot-hours used', 'planned', 'retries'], [false, true, true, true, true, true, true, true, true, true, true, true]), '<tbody>');
  for (const s of model.stages) {
    out.push(
      `<tr>${td(s.name)}${td(String(s.jobs), 'num')}${JOB_STATES.map((st) => td(String(s.counts[st]), 'num')).join('')}${td(time(s.plannedSeconds), 'num')}${td(time(s.medianSeconds), 'num')}${td(hours(s.slotSecondsUsed), 'num')}${td(hours(s.slotSecondsPlanned), 'num')}${td(String(s.retries), 'num')}</tr>`,
    );
  }
  out.push('</tbody>', '</table>');
}

function renderRetries(model: ReportModel, out: string[]): void {
  out.push('<h2>Retries and re-runs</h2>');
  const jobs = model.jobs.filter((j) => j.retries > 0 || j.runs > 1);
  if (jobs.length === 0) {
    out.push('<p class="note">No job was retried or re-run.</p>');
    return;
  }
  out.push('<details class="retries"><summary>', esc(`${jobs.length} job(s)`), '</summary>');
  out.push('<table class="retries">', th(['job', 'retries', 'runs', 'state'], [false, true, true, false]), '<tbody>');
  for (const j of jobs.slice(0, LIST_MAX)) out.push(`<tr>${td(j.id, 'mono')}${td(String(j.retries), 'num')}${td(String(j.runs), 'num')}${td(j.state)}</tr>`);
  out.push('</tbody>', '</table>');
  if (jobs.length > LIST_MAX) out.push(`<p class="note">… and ${jobs.length - LIST_MAX} more</p>`);
  out.push('</details>');
}
