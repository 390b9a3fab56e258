/**
 * A self-contained HTML report: inline CSS and inline SVG, no scripts, no external fonts or
 * resources. Title, summary (makespan, slot-hours, jobs, critical path), the DAG, the
 * critical-path table and the jobs-per-stage table. Well-formed XML as well as HTML5, so tests
 * can check it with an XML tag stack. Critical graph nodes are `g.node.critical` with
 * `data-critical="true"` (see svg.ts); critical table rows have the class `critical` only.
 */
import { formatDuration, formatSlotHours, forEachText } from '../../graph/format-plan.js';
import type { Plan } from '../../graph/plan.js';
import { CRITICAL_COLOR } from './dot.js';
import { collapseNote, relationName, type ViewModel } from './model.js';
import { renderSvgElement, xmlEscape, type Rankdir } from './svg.js';

const CSS = [
  'body { margin: 24px; color: #1a202c; background: #ffffff; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 14px; }',
  'h1 { font-size: 20px; margin: 0 0 12px; }',
  'h2 { font-size: 16px; margin: 24px 0 8px; }',
  'code, td.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }',
  'dl.summary { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; margin: 0; }',
  'dl.summary dt { font-weight: 600; }',
  'dl.summary dd { margin: 0; }',
  '.graph { overflow: auto; border: 1px solid #e2e8f0; border-radius: 6px; padding: 8px; margin-top: 16px; }',
  '.note { color: #4a5568; }',
  'table { border-collapse: collapse; }',
  'th, td { padding: 4px 10px; border-bottom: 1px solid #e2e8f0; text-align: left; vertical-align: top; }',
  'th { background: #f7fafc; }',
  'td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }',
  `tr.critical td { color: ${CRITICAL_COLOR}; font-weight: 600; }`,
];

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function cell(text: string, kind: 'text' | 'num' | 'mono' = 'text'): string {
  return kind === 'text' ? `<td>${xmlEscape(text)}</td>` : `<td class="${kind}">${xmlEscape(text)}</td>`;
}

function header(columns: readonly (readonly [string, boolean])[]): string {
  return `<thead><tr>${columns.map(([name, numeric]) => (numeric ? `<th class="num">${xmlEscape(name)}</th>` : `<th>${xmlEscape(name)}</th>`)).join('')}</tr></thead>`;
}

export function renderHtml(plan: Plan, model: ViewModel, options: { rankdir?: Rankdir } = {}): string {
  const title = `libcc plan: ${plan.pipeline}`;
  const criticalStages = new Set(plan.criticalPath.map((s) => s.stage));
  const out: string[] = [];
  out.push('<!DOCTYPE html>');
  out.push('<html lang="en">');
  out.push('<head>');
  out.push('<meta charset="utf-8"/>');
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
  out.push('<meta name="generator" content="libcc graph"/>');
  out.push(`<title>${xmlEscape(title)}</title>`);
  out.push(`<style>\n${CSS.join('\n')}\n</style>`);
  out.push('</head>');
  out.push('<body>');
  out.push(`<h1>Pipeline <code>${xmlEscape(plan.pipeline)}</code></h1>`);

  const summary: [string, string][] = [
    ['makespan', `${formatDuration(plan.makespanSeconds)} (unlimited slots)`],
    ...(plan.slots === undefined ? [] : [[`makespan with ${plural(plan.slots.cap, 'slot')}`, formatDuration(plan.slots.makespanSeconds)] as [string, string]]),
    ['slot-hours', formatSlotHours(plan.slotSeconds)],
    ['jobs', `${plan.jobs.length} in ${plural(plan.stages.length, 'stage')}`],
    ['critical path', `${plural(plan.criticalPath.length, 'job')}, ${formatDuration(plan.makespanSeconds)}`],
  ];
  out.push('<dl class="summary">');
  for (const [term, value] of summary) out.push(`<dt>${xmlEscape(term)}</dt><dd>${xmlEscape(value)}</dd>`);
  out.push('</dl>');

  const level = model.level === 'stages' ? 'Stage graph' : 'Job graph';
  out.push(`<h2>${level}</h2>`);
  const note = collapseNote(model);
  if (note !== undefined) out.push(`<p class="note">${xmlEscape(note)}</p>`);
  out.push(`<p class="note">The critical path is drawn in red.</p>`);
  out.push('<div class="graph">');
  out.push(renderSvgElement(model, { ...(options.rankdir === undefined ? {} : { rankdir: options.rankdir }), idPrefix: 'libcc' }));
  out.push('</div>');

  out.push('<h2>Critical path</h2>');
  out.push('<table class="critical-path">');
  out.push(header([['start', true], ['finish', true], ['stage', false], ['job', false]]));
  out.push('<tbody>');
  for (const step of plan.criticalPath) {
    out.push(`<tr>${cell(formatDuration(step.start), 'num')}${cell(formatDuration(step.finish), 'num')}${cell(step.stage)}${cell(step.id, 'mono')}</tr>`);
  }
  out.push('</tbody>');
  out.push('</table>');

  if (plan.slots !== undefined) out.push(...scheduleGantt(plan));

  out.push('<h2>Jobs per stage</h2>');
  out.push('<table class="stages">');
  out.push(
    header([
      ['stage', false],
      ['for each', false],
      ['after', false],
      ['jobs', true],
      ['cpus', true],
      ['estimate', true],
      ['slack', true],
      ['slot-hours', true],
    ]),
  );
  out.push('<tbody>');
  for (const s of plan.stages) {
    const row = [
      cell(s.name),
      cell(forEachText(s)),
      cell(s.after.length === 0 ? '-' : s.after.map((d) => `${d.stage} (${relationName(d.relation)})`).join(', ')),
      cell(String(s.jobCount), 'num'),
      cell(String(s.cpus), 'num'),
      cell(formatDuration(s.estimateSeconds), 'num'),
      cell(formatDuration(s.slack), 'num'),
      cell(formatSlotHours(s.slotSeconds), 'num'),
    ].join('');
    out.push(criticalStages.has(s.name) ? `<tr class="critical">${row}</tr>` : `<tr>${row}</tr>`);
  }
  out.push(
    `<tr class="total">${cell('total')}${cell('')}${cell('')}${cell(String(plan.jobs.length), 'num')}${cell('')}${cell('')}${cell('')}${cell(formatSlotHours(plan.slotSeconds), 'num')}</tr>`,
  );
  out.push('</tbody>');
  out.push('</table>');
  out.push('</body>');
  out.push('</html>');
  return `${out.join('\n')}\n`;
}

/** Above this many jobs, the Gantt draws one bar per stage (its first start to its last finish). */
const GANTT_MAX_BARS = 200;

/**
 * The slot-capped schedule (`--slots N`) as a Gantt chart in inline SVG: one row per job under
 * its stage's name (`rect.bar` with `data-job`), or one row per stage (`rect.span` with
 * `data-stage`) when the plan has more than GANTT_MAX_BARS jobs. Critical-path jobs are red.
 */
function scheduleGantt(plan: Plan): string[] {
  const slots = plan.slots!;
  const span = Math.max(slots.makespanSeconds, 1);
  const width = 1000;
  const label = 260;
  const critical = new Set(plan.criticalPath.map((s) => s.job));
  const x = (t: number) => (label + (t / span) * (width - label - 10)).toFixed(1);
  const w = (d: number) => Math.max(1, (d / span) * (width - label - 10)).toFixed(1);
  const byStage = new Map<string, number[]>();
  plan.jobs.forEach((job, v) => {
    const list = byStage.get(job.stage) ?? [];
    list.push(v);
    byStage.set(job.stage, list);
  });
  const many = plan.jobs.length > GANTT_MAX_BARS;
  const rows: string[] = [];
  let y = 4;
  for (const stage of plan.stages) {
    const jobs = byStage.get(stage.name) ?? [];
    if (jobs.length === 0) continue;
    if (many) {
      let first = Infinity;
      let last = 0;
      for (const v of jobs) {
        first = Math.min(first, slots.start[v]!);
        last = Math.max(last, slots.start[v]! + plan.jobs[v]!.estimateSeconds);
      }
      rows.push(`<text x="4" y="${y + 13}" font-size="12">${xmlEscape(`${stage.name} (${jobs.length})`)}</text>`);
      rows.push(`<rect class="span" data-stage="${xmlEscape(stage.name)}" x="${x(first)}" y="${y + 2}" width="${w(last - first)}" height="14" fill="#90cdf4"><title>${xmlEscape(`${stage.name}: ${jobs.length} jobs, ${formatDuration(first)} – ${formatDuration(last)}`)}</title></rect>`);
      y += 20;
      continue;
    }
    rows.push(`<text x="4" y="${y + 11}" font-size="11" font-weight="600">${xmlEscape(stage.name)}</text>`);
    y += 15;
    for (const v of jobs) {
      const job = plan.jobs[v]!;
      const start = slots.start[v]!;
      const fill = critical.has(v) ? CRITICAL_COLOR : '#4299e1';
      const name = job.id.length > 44 ? `${job.id.slice(0, 43)}…` : job.id;
      rows.push(`<text x="12" y="${y + 10}" font-size="10">${xmlEscape(name)}</text>`);
      rows.push(`<rect class="bar" data-job="${xmlEscape(job.id)}" x="${x(start)}" y="${y + 2}" width="${w(job.estimateSeconds)}" height="10" fill="${fill}"><title>${xmlEscape(`${job.id}: ${formatDuration(start)} – ${formatDuration(start + job.estimateSeconds)}`)}</title></rect>`);
      y += 14;
    }
  }
  const axisY = y + 12;
  for (let i = 0; i <= 4; i++) {
    const t = (span * i) / 4;
    rows.push(`<text x="${x(t)}" y="${axisY}" font-size="10" text-anchor="${i === 0 ? 'start' : i === 4 ? 'end' : 'middle'}">${xmlEscape(formatDuration(t))}</text>`);
  }
  const out: string[] = [];
  out.push(`<h2>Schedule with ${plural(slots.cap, 'slot')}</h2>`);
  out.push(`<p class="note">List schedule of the jobs with at most ${plural(slots.cap, 'slot')} in use; makespan ${xmlEscape(formatDuration(slots.makespanSeconds))}. Critical-path jobs are red.</p>`);
  out.push('<div class="graph">');
  out.push(`<svg class="gantt" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${axisY + 6}" viewBox="0 0 ${width} ${axisY + 6}" role="img" aria-label="schedule">`);
  out.push(...rows, '</svg>', '</div>');
  return out;
}
