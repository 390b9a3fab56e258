// The fuzz campaign (`npm run fuzz`): generated and mutated inputs (bench/fuzz-core.js) through
// loadProgram + analyse() + formatLcp + every renderer, in worker threads watched for time and
// memory, then a sample through the CLI (`libcc check`, `libcc fmt --check`) as child processes.
//
//   npm run fuzz                       # 100 000 inputs, seed 1, 2 workers
//   npm run fuzz -- --count 5000 --seed 7 --jobs 1 --timeout 5000 --heap 1024
//   npm run fuzz -- --from 1234 --count 1 --print   # reproduce one input, print it as JSON
//
// Per input: no exception, at most --timeout ms (the worker is terminated past it), at most
// --heap MiB of heap (the worker's resource limit), every span inside its file, no raw control
// characters and bounded size in rendered output, fmt idempotent. Exit status 1 on any finding.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { makeInput, runOne } from './fuzz-core.js';

if (!isMainThread) {
  const { seed, from, to } = workerData;
  for (let i = from; i < to; i++) {
    parentPort.postMessage({ type: 'begin', index: i });
    const started = performance.now();
    let problems;
    try {
      problems = runOne(makeInput(seed, i));
    } catch (error) {
      problems = [`crash: ${String(error?.stack ?? error).split('\n').slice(0, 4).join(' | ')}`];
    }
    parentPort.postMessage({ type: 'end', index: i, ms: performance.now() - started, heap: process.memoryUsage().heapUsed, problems });
  }
} else {
  await main();
}

function options() {
  const args = process.argv.slice(2);
  const get = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  return {
    seed: get('seed', 1),
    from: get('from', 0),
    count: get('count', 100_000),
    jobs: get('jobs', 2),
    timeout: get('timeout', 5000),
    heap: get('heap', 1024),
    cli: get('cli', 200),
    print: args.includes('--print'),
  };
}

async function main() {
  const o = options();
  if (o.print) {
    for (let i = o.from; i < o.from + o.count; i++) console.log(JSON.stringify(makeInput(o.seed, i)));
    return;
  }
  const started = performance.now();
  const findings = [];
  const stats = { inputs: 0, slowest: 0, slowestIndex: -1, totalMs: 0, peakHeap: 0, kinds: {} };
  const to = o.from + o.count;
  const per = Math.ceil(o.count / o.jobs);
  let lastReport = performance.now();
  const runRange = (from, end) =>
    new Promise((resolve) => {
      let next = from;
      const start = () => {
        if (next >= end) return resolve();
        let current = next;
        let timer;
        let settled = false;
        const worker = new Worker(fileURLToPath(import.meta.url), {
          workerData: { seed: o.seed, from: next, to: end },
          resourceLimits: { maxOldGenerationSizeMb: o.heap, stackSizeMb: 4 },
        });
        const arm = () => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            findings.push({ index: current, kind: 'hang', detail: `over ${o.timeout} ms` });
            process.stderr.write(`fuzz: #${current} hang: over ${o.timeout} ms\n`);
            settled = true;
            next = current + 1;
            worker.terminate().then(start);
          }, o.timeout);
        };
        worker.on('message', (m) => {
          if (m.type === 'begin') {
            current = m.index;
            arm();
            return;
          }
          clearTimeout(timer);
          stats.inputs++;
          stats.totalMs += m.ms;
          stats.peakHeap = Math.max(stats.peakHeap, m.heap);
          if (m.ms > stats.slowest) {
            stats.slowest = m.ms;
            stats.slowestIndex = m.index;
          }
          for (const p of m.problems) {
            findings.push({ index: m.index, kind: p.startsWith('crash') ? 'crash' : 'assertion', detail: p });
            process.stderr.write(`fuzz: #${m.index} ${p.slice(0, 300)}\n`);
          }
          next = m.index + 1;
          if (performance.now() - lastReport > 10_000) {
            lastReport = performance.now();
            process.stderr.write(`fuzz: ${stats.inputs}/${o.count} inputs, ${findings.length} findings\n`);
          }
        });
        worker.on('error', (error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const oom = /ERR_WORKER_OUT_OF_MEMORY|heap/i.test(`${error.code} ${error.message}`);
          findings.push({ index: current, kind: oom ? 'heap' : 'crash', detail: String(error.message).slice(0, 300) });
          process.stderr.write(`fuzz: #${current} ${oom ? 'heap' : 'crash'}: ${String(error.message).slice(0, 300)}\n`);
          next = current + 1;
        });
        worker.on('exit', () => {
          clearTimeout(timer);
          if (!settled) {
            settled = true;
            if (next < end) next = Math.max(next, current + 1);
            start();
          } else if (!findings.some((f) => f.kind === 'hang' && f.index === current)) start();
        });
      };
      start();
    });
  const ranges = [];
  for (let j = 0; j < o.jobs; j++) {
    const a = o.from + j * per;
    const b = Math.min(to, a + per);
    if (a < b) ranges.push(runRange(a, b));
  }
  // Stopped early (SIGINT/SIGTERM): report what was done, no CLI sample.
  let stopped = false;
  const stop = new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => ((stopped = true), resolve()));
  });
  await Promise.race([Promise.all(ranges), stop]);
  const apiMs = performance.now() - started;

  const cli = stopped ? { runs: 0, findings: [], slowest: 0, largest: 0 } : cliSample(o);
  if (stopped) console.log(`fuzz: stopped after ${stats.inputs} of ${o.count} inputs`);
  const byKind = {};
  for (const f of findings) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  console.log(`fuzz: seed ${o.seed}, inputs ${o.from}..${to - 1} (${stats.inputs} completed) in ${(apiMs / 1000).toFixed(1)} s, ${o.jobs} workers`);
  console.log(`  mean ${(stats.totalMs / Math.max(1, stats.inputs)).toFixed(1)} ms/input, slowest ${stats.slowest.toFixed(0)} ms (#${stats.slowestIndex}), peak worker heap ${(stats.peakHeap / 2 ** 20).toFixed(0)} MiB`);
  console.log(`  findings: ${findings.length} ${JSON.stringify(byKind)}`);
  console.log(`  CLI sample: ${cli.runs} runs, ${cli.findings.length} findings, slowest ${cli.slowest.toFixed(0)} ms, largest output ${cli.largest} bytes`);
  for (const f of [...findings, ...cli.findings].slice(0, 50)) console.log(`  #${f.index} ${f.kind}: ${f.detail}`);
  if (findings.length + cli.findings.length > 0) process.exitCode = 1;
  if (stopped) process.exit();
}

/** Every input's files written to a directory, then `libcc check` and `libcc fmt --check` on it. */
function cliSample(o) {
  const bin = fileURLToPath(new URL('../bin/libcc.js', import.meta.url));
  const result = { runs: 0, findings: [], slowest: 0, largest: 0 };
  const step = Math.max(1, Math.floor(o.count / Math.max(1, o.cli)));
  for (let k = 0; k < o.cli; k++) {
    const index = o.from + k * step;
    const input = makeInput(o.seed, index);
    const dir = mkdtempSync(join(tmpdir(), 'libcc-fuzz-'));
    try {
      for (const [path, text] of Object.entries(input.files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      for (const args of [['check', input.root], ['check', '--format', 'short', input.root], ['fmt', '--check', input.root]]) {
        const t = performance.now();
        const run = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: o.timeout * 5, maxBuffer: 64 * 2 ** 20, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
        const ms = performance.now() - t;
        result.runs++;
        result.slowest = Math.max(result.slowest, ms);
        const out = `${run.stdout ?? ''}${run.stderr ?? ''}`;
        result.largest = Math.max(result.largest, out.length);
        if (run.error) result.findings.push({ index, kind: 'cli', detail: `${args.join(' ')}: ${run.error.message}` });
        else if (run.status !== 0 && run.status !== 1) result.findings.push({ index, kind: 'cli', detail: `${args.join(' ')}: exit ${run.status}: ${out.slice(0, 200)}` });
        // eslint-disable-next-line no-control-regex
        else if (/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(out)) result.findings.push({ index, kind: 'cli', detail: `${args.join(' ')}: raw control character in output` });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return result;
}
