// status.sh at scale: compiles the synthetic pipeline (bench/generate.js) of growing size with
// the local scheduler, writes a valid done-marker and start/end events for every job (a finished
// run), then times status.sh (text, --matrix, --json) and counts the processes each one starts
// (strace, when installed): both should not grow with the number of jobs beyond linear time.
// Run with `npm run bench:status` (sizes: `npm run bench:status -- 1000 10000`).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePipeline } from './generate.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const targets = sizes.length > 0 ? sizes : [1_000, 10_000];
const cli = fileURLToPath(new URL('../bin/libcc.js', import.meta.url));
const hasStrace = spawnSync('strace', ['-V']).status === 0;

function finishedRun(out, runDir) {
  const rows = fs
    .readFileSync(path.join(out, 'lib/jobs.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [num, stage, , , key, fingerprint, parents] = l.split('\t');
      return { num: Number(num), stage, key, fingerprint, parents: parents === '-' ? [] : parents.split(',').map(Number) };
    });
  const events = [];
  for (const job of rows) {
    const dir = path.join(runDir, 'state', job.stage);
    fs.mkdirSync(dir, { recursive: true });
    const consumed = job.parents.map((p) => `${rows[p].stage}/${rows[p].key}=id-${p}`).join(' ');
    fs.writeFileSync(path.join(dir, `${job.key}.done`), `fingerprint=${job.fingerprint}\nid=id-${job.num}\nparents=${consumed}\nhost=bench\nattempts=1\njob_id=\n`);
    events.push(`{"time":1700000000,"event":"start","stage":"${job.stage}","job":"${job.key}","host":"bench","job_id":""}`);
    events.push(`{"time":1700000060,"event":"end","stage":"${job.stage}","job":"${job.key}","status":"done","exit_code":0,"seconds":60,"attempts":1}`);
  }
  fs.writeFileSync(path.join(runDir, 'events.jsonl'), `${events.join('\n')}\n`);
  return rows.length;
}

function measure(out, runDir, args) {
  const env = { ...process.env, LIBCC_RUN_DIR: runDir };
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', [path.join(out, 'status.sh'), ...args], { env, maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`status.sh ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  if (args.includes('--json')) JSON.parse(r.stdout.toString('utf8'));
  let processes = '-';
  if (hasStrace) {
    const t = spawnSync('strace', ['-f', '-e', 'trace=clone,clone3,fork,vfork', '-o', path.join(runDir, 'strace.txt'), 'bash', path.join(out, 'status.sh'), ...args], { env, maxBuffer: 1 << 30 });
    if (t.status !== 0) throw new Error(`strace status.sh exited ${t.status}`);
    processes = String(fs.readFileSync(path.join(runDir, 'strace.txt'), 'utf8').split('\n').filter((l) => /clone|fork/.test(l) && !/= -1/.test(l)).length);
  }
  return { ms, processes };
}

const rows = [];
for (const target of targets) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-bench-status-'));
  try {
    const flow = path.join(dir, 'flow.lcp');
    fs.writeFileSync(flow, generatePipeline(target).text);
    const out = path.join(dir, 'out');
    execFileSync(process.execPath, [cli, 'compile', flow, '-o', out, '--scheduler', 'local'], { stdio: 'ignore' });
    const runDir = path.join(dir, 'run');
    const jobs = finishedRun(out, runDir);
    for (const [label, args] of [['text', []], ['--matrix', ['--matrix']], ['--json', ['--json']]]) {
      rows.push({ jobs, label, ...measure(out, runDir, args) });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`status.sh benchmark — ${os.cpus().length} CPUs; a finished run, every job done`);
console.log(`${'jobs'.padStart(7)}  ${'mode'.padEnd(8)}  ${'ms'.padStart(8)}  ${'ms/job'.padStart(7)}  processes`);
for (const r of rows) console.log(`${String(r.jobs).padStart(7)}  ${r.label.padEnd(8)}  ${r.ms.toFixed(0).padStart(8)}  ${(r.ms / r.jobs).toFixed(3).padStart(7)}  ${r.processes}`);
