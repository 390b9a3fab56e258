// One benchmark case in a fresh process, so peak memory is this case's own.
// Usage: node --expose-gc bench/case.js <target jobs>   → prints one JSON line.
import { performance } from 'node:perf_hooks';
import { check } from '../dist/check/check.js';
import { buildPlan } from '../dist/graph/plan.js';
import { loadProgram } from '../dist/syntax/load.js';
import { generatePipeline } from './generate.js';

const target = Number(process.argv[2] ?? 1000);
const { text } = generatePipeline(target);
globalThis.gc?.();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const loaded = loadProgram('bench.lcp', { readFile: (p) => (p === 'bench.lcp' ? text : undefined) });
const t1 = performance.now();
const checked = check(loaded);
const t2 = performance.now();
if (!checked.program) throw new Error(`benchmark pipeline has errors: ${checked.diagnostics.map((d) => d.code).join(', ')}`);
const planned = buildPlan(checked.program, { slots: 512 });
const t3 = performance.now();
if (!planned.plan) throw new Error(`benchmark plan failed: ${planned.diagnostics.map((d) => d.code).join(', ')}`);
const cpu = process.cpuUsage(cpu0);
const jobs = planned.plan.jobs.length;
console.log(
  JSON.stringify({
    target,
    jobs,
    sourceLines: text.split('\n').length,
    parseMs: t1 - t0,
    checkMs: t2 - t1,
    planMs: t3 - t2,
    totalMs: t3 - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    jobsPerSecond: jobs / ((t3 - t0) / 1000),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20,
  }),
);
