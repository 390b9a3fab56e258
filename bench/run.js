// The libcc benchmark: parse, check and plan synthetic pipelines of growing size, each in a
// fresh process; prints times, throughput and peak memory. Run with `npm run bench`.
// Sizes can be overridden: `npm run bench -- 1000 50000`. Then compile at scale, whole processes
// (bench/compile-scale.js; sizes LIBCC_BENCH_SIZES, default 1000,10000, e.g.
// LIBCC_BENCH_SIZES=1000,10000,100000). Last, the CLI-startup rows (bench/startup.js).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchSizes, hasGnuTime, printCompileTable } from './compile-scale.js';
import { measureStartup } from './startup.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const targets = sizes.length > 0 ? sizes : [1_000, 10_000, 100_000];
const casePath = fileURLToPath(new URL('./case.js', import.meta.url));

const rows = [];
for (const target of targets) {
  // Warm-up run first (JIT), then the measured run.
  execFileSync(process.execPath, ['--expose-gc', casePath, String(Math.min(target, 1000))]);
  const out = execFileSync(process.execPath, ['--expose-gc', casePath, String(target)], { encoding: 'utf8' });
  rows.push(JSON.parse(out.trim().split('\n').pop()));
}

const header = ['jobs', 'lines', 'parse ms', 'check ms', 'plan ms', 'total ms', 'cpu ms', 'jobs/s', 'peak RSS MiB'];
const table = rows.map((r) => [
  String(r.jobs),
  String(r.sourceLines),
  r.parseMs.toFixed(1),
  r.checkMs.toFixed(1),
  r.planMs.toFixed(1),
  r.totalMs.toFixed(1),
  r.cpuMs.toFixed(0),
  Math.round(r.jobsPerSecond).toLocaleString('en-US'),
  r.peakRssMiB.toFixed(0),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
console.log(`libcc benchmark — node ${process.version}, ${process.platform}/${process.arch}`);
console.log(line(header));
for (const row of table) console.log(line(row));
if (rows.length >= 2) {
  const first = rows[0];
  const last = rows[rows.length - 1];
  const growth = last.totalMs / first.totalMs / (last.jobs / first.jobs);
  console.log(`growth: ${(last.jobs / first.jobs).toFixed(0)}x jobs → ${(last.totalMs / first.totalMs).toFixed(1)}x time (ratio ${growth.toFixed(2)}; 1.00 = linear)`);
}

// Compile at scale: whole processes on a generated flow, against `cp -r` of the output.
const compileSizes = (process.env.LIBCC_BENCH_SIZES ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);
console.log('');
console.log(
  `Compile at scale (copy -> characterize -> post per library x corner, merge per library; ${hasGnuTime ? 'wall, CPU and peak RSS by /usr/bin/time' : 'no /usr/bin/time: CPU from bash times, no RSS'}; scripts rows up to 10k jobs)`,
);
printCompileTable(benchSizes(compileSizes, { scripts: process.env.LIBCC_BENCH_SCRIPTS !== '0' }));

// CLI startup: whole `libcc` processes against bare Node, in this run (bench/startup.js).
const startup = measureStartup(10);
const base = startup[0];
console.log('');
console.log('CLI startup (CPU time of the whole process, user + system; median of 10 runs)');
const labelWidth = Math.max(...startup.map((r) => r.label.length));
for (const r of startup) {
  const extra = r === base ? '' : `  (${(r.medianMs - base.medianMs).toFixed(0)} ms over node)`;
  console.log(`${r.label.padEnd(labelWidth)}  cpu ${r.medianMs.toFixed(0).padStart(4)} ms  min ${r.minMs.toFixed(0).padStart(4)} ms${extra}`);
}
