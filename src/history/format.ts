/**
 * Text for `libcc plan --history`: per stage, the samples, the hand estimate, the median measured
 * time, the methods used for its jobs and the median absolute percentage error of the hand
 * estimate (old) and of the learned estimates (new). Deterministic, no trailing spaces.
 */
import { formatDuration } from '../graph/format-plan.js';
import { METHODS, MIN_SAMPLES, type HistoryResult } from './learn.js';

export function percent(error: number | undefined): string {
  if (error === undefined) return '-';
  const p = error * 100;
  return `${p >= 10 ? Math.round(p) : p.toFixed(1)}%`;
}

export function formatHistoryText(result: HistoryResult): string {
  const lines: string[] = [];
  lines.push(
    `estimates from history: ${result.runs} run(s), ${result.samples} sample(s)${result.unmatched > 0 ? `, ${result.unmatched} not in this plan` : ''}`,
  );
  lines.push(`method: median of the first group with at least ${MIN_SAMPLES} samples: job, library+process, pvt, process, library; else the stage's median; else the estimate`);
  const rows = [
    ['stage', 'samples', 'estimate', 'measured', 'old error', 'new error', 'methods'],
    ...result.stages.map((s) => [
      s.stage,
      String(s.samples),
      formatDuration(s.handSeconds),
      s.medianSeconds === undefined ? '-' : formatDuration(s.medianSeconds),
      percent(s.oldError),
      percent(s.newError),
      METHODS.filter((m) => (s.methods[m] ?? 0) > 0)
        .map((m) => `${m} ${s.methods[m]}`)
        .join(', '),
    ]),
  ];
  const right = [false, true, true, true, true, true, false];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) lines.push(r.map((cell, c) => (right[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd());
  lines.push('errors: median absolute percentage error over the samples with a measured time above 0s (new: in-sample)');
  return `${lines.join('\n')}\n`;
}
