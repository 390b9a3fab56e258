// Compile at scale: whole `libcc` processes (check, plan, compile, a no-change re-compile, a diff) on a
// generated flow (bench/compile-flow.js) in a temporary directory, against `cp -r` of the output
// tree (the floor: writing the same files) measured in the same run — compile and copy in turn,
// LIBCC_BENCH_REPEAT times (default 3), medians shown; then the generated scripts:
// submit.sh --dry-run (bsub lines per job) with nothing done, with every job done and with a third of
// one stage to run again, status.sh for each, submit.sh and status.sh on a run in flight (a bsub and
// a bjobs that stand in for LSF's answers),
// and single job wrappers (start-up: element row, upstream cone, then the command). Wall, CPU
// (user + system of the child) and peak RSS come from GNU time (`/usr/bin/time -f`) when it is
// installed, else wall from the clock, CPU from bash's `times` and no RSS.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCompileFlow, generateMakefile, generateSnakefile } from './compile-flow.js';
import { writeDoneMarkers } from './markers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'bin/libcc.js');
const writeTree = join(root, 'bench/write-tree.js');
const GNU_TIME = '/usr/bin/time';
const hasMake = spawnSync('make', ['--version']).status === 0;
// Snakemake (Debian's `snakemake` package; PyPI is not needed). Its dry run is slow at scale, so
// it runs up to LIBCC_BENCH_SNAKEMAKE_MAX jobs (default 10000; 0 turns it off).
const hasSnakemake = spawnSync('snakemake', ['--version']).status === 0;
const snakemakeMax = Number(process.env.LIBCC_BENCH_SNAKEMAKE_MAX ?? 10000);
export const hasGnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%e', 'true']).status === 0;

/** Runs argv; returns wall and CPU seconds, peak RSS in MiB (undefined without GNU time), stdout. */
export function measure(argv, options = {}) {
  const env = { ...process.env, ...(options.env ?? {}) };
  if (hasGnuTime) {
    // Wall time from the clock here (GNU time's %e has 10 ms steps: a small `cp -r` read 0.00);
    // CPU and peak RSS from GNU time.
    const started = process.hrtime.bigint();
    const r = spawnSync(GNU_TIME, ['-f', 'LIBCC_TIME %U %S %M', ...argv], { cwd: options.cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const line = r.stderr.split('\n').reverse().find((l) => l.startsWith('LIBCC_TIME '));
    if (line === undefined) throw new Error(`no timing for ${argv.join(' ')}: ${r.stderr.slice(-500)}`);
    const [user, sys, kb] = line.split(' ').slice(1).map(Number);
    return { wall, cpu: user + sys, rssMiB: kb / 1024, status: r.status, stdout: r.stdout };
  }
  const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  const started = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', `${argv.map(quote).join(' ')} >&3 2>/dev/null; status=$?; times >&2; exit $status`], {
    cwd: options.cwd, env, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const children = r.stderr.trim().split('\n').pop() ?? '';
  const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  return { wall, cpu, rssMiB: undefined, status: r.status, stdout: r.output[3] ?? '' };
}

/**
 * A directory with a `bsub` that confirms each submission with a new id and a `bjobs` that says
 * every element of the run's ledger is pending (`ID|PEND|NAME[INDEX]`, as
 * `bjobs -o "jobid stat job_name delimiter='|'"` prints it): the scripts' own work on LSF's
 * answers, without LSF.
 */
function fakeLsf(dir, out, runDir) {
  const bin = join(dir, 'fake-lsf');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'bsub'),
    `#!/bin/bash\nn=$(cat '${bin}/count' 2>/dev/null || echo 1000)\nn=$((n + 1))\necho "$n" >'${bin}/count'\necho "Job <$n> is submitted to queue <normal>."\n`,
    { mode: 0o755 },
  );
  writeFileSync(
    join(bin, 'bjobs'),
    `#!/bin/bash\nexec awk -F '\\t' 'NR == FNR { if ($1 ~ /^[0-9]+$/) { name[$1] = $4; array[$1] = $5 } next }
  { count = split($7, parts, ","); for (i = 1; i <= count; i++) { split(parts[i], ends, "-"); last = ends[2] == "" ? ends[1] : ends[2]; for (x = ends[1]; x <= last; x++) print $6 "|PEND|" name[$5] (array[$5] == 1 ? "[" x "]" : "") } }' '${join(out, 'lib/units.tsv')}' '${join(runDir, 'ledger.tsv')}'\n`,
    { mode: 0o755 },
  );
  return bin;
}

function treeSize(dir, skip = new Set(['run'])) {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = treeSize(path, new Set());
      files += sub.files;
      bytes += sub.bytes;
    } else {
      files++;
      bytes += statSync(path).size;
    }
  }
  return { files, bytes };
}

/** How many times compile and `cp -r` run in turn (LIBCC_BENCH_REPEAT, default 3). */
const repeat = Math.max(1, Number(process.env.LIBCC_BENCH_REPEAT ?? 3));

/** The run of median wall time (its CPU and RSS with it). */
function median(runs) {
  return [...runs].sort((a, b) => a.wall - b.wall)[Math.floor((runs.length - 1) / 2)];
}

/**
 * Every row of each size, in one temporary directory removed only after the last size: on ext4
 * without a journal, a new file skips every inode deleted in the last minute (five while the
 * inode table is not yet written back), one look-up each (`recently_deleted` in the Linux
 * kernel's fs/ext4/ialloc.c), so a removal just before would slow whichever of compile and
 * `cp -r` creates its files first.
 */
export function benchSizes(sizes, options = {}) {
  const device = journalLessExt4(tmpdir());
  if (device !== undefined) {
    console.error(
      `note: ${tmpdir()} is on ext4 without a journal (${device}): a file or tree removed there in the last five minutes slows the compile and cp -r rows (docs/performance.md, "The file system's state")`,
    );
  }
  const parent = mkdtempSync(join(tmpdir(), 'libcc-bench-'));
  try {
    return sizes.flatMap((target) => benchSize(target, { ...options, parent }));
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

/**
 * The device of the ext4 file system holding `dir` when it has no journal (Linux: the mount with
 * the longest mount point above `dir` in /proc/self/mountinfo; a journal shows as a
 * `<device>-<inode>` entry in /proc/fs/jbd2), else undefined.
 */
function journalLessExt4(dir) {
  let mounts;
  try {
    mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  } catch {
    return undefined;
  }
  let best;
  for (const line of mounts) {
    const [left, right] = line.split(' - ');
    if (right === undefined) continue;
    const point = left.split(' ')[4];
    const [type, source] = right.split(' ');
    const inside = point === '/' || dir === point || dir.startsWith(`${point}/`);
    if (inside && (best === undefined || point.length >= best.point.length)) best = { point, type, source };
  }
  if (best?.type !== 'ext4' || !best.source.startsWith('/dev/')) return undefined;
  const name = best.source.slice('/dev/'.length);
  let journals = [];
  try {
    journals = readdirSync('/proc/fs/jbd2');
  } catch {
    // No jbd2 at all: no ext4 file system has a journal.
  }
  return journals.some((entry) => entry.startsWith(`${name}-`)) ? undefined : best.source;
}

/** Every row for one size, in a new directory below `parent` (left there); `scripts` adds the generated-script rows. */
function benchSize(target, { scripts = true, parent }) {
  const dir = mkdtempSync(join(parent, `${target}-`));
  const flow = generateCompileFlow(dir, target);
  const out = join(dir, `scale_${target}`);
  const node = (args) => measure([process.execPath, cli, ...args], { cwd: dir });
  const rows = [];
  const row = (what, m, extra = {}) => rows.push({ jobs: flow.jobs, what, ...m, ...extra });
  row('check', node(['check', 'flow.lcp']));
  row('plan', node(['plan', 'flow.lcp']));
  // The same DAG walked by make (dry run, nothing built): the floor for `plan`.
  if (hasMake) {
    generateMakefile(dir, flow);
    row('make -n (same DAG)', measure(['make', '-n', '-f', 'Makefile', 'all'], { cwd: dir }));
  }
  if (hasSnakemake && flow.jobs <= snakemakeMax) {
    generateSnakefile(dir, flow);
    const dry = measure(['snakemake', '-n', '-s', 'Snakefile', 'all'], { cwd: dir });
    if (dry.status !== 0) throw new Error(`snakemake -n failed: ${dry.stdout.slice(-500)}`);
    row('snakemake -n (same DAG)', dry);
  }
  // Compile into a new directory, then `cp -r` of it, in turn, `repeat` times: the floor swings
  // with the file system's state (writeback of earlier runs), so each compile is paired with a
  // copy made right after it, and the medians are shown. Nothing is removed (see `benchSizes`).
  // After each copy, a Node process writes the same files from one pack of their bytes
  // (bench/write-tree.js; the pack is made once, untimed): what writing them costs in Node alone.
  const compiles = [];
  const copies = [];
  const nodeWrites = [];
  const pack = join(dir, 'output.pack');
  let written = 0;
  for (let k = 0; k < repeat; k++) {
    const target = k === 0 ? out : join(dir, `again_${k}`);
    spawnSync('sync');
    const compile = node(['compile', 'flow.lcp', ...(k === 0 ? [] : ['-o', target])]);
    if (compile.status !== 0) throw new Error(`compile failed: ${compile.stdout}`);
    if (k === 0) written = Date.now();
    spawnSync('sync');
    compiles.push(compile);
    copies.push(measure(['cp', '-r', target, join(dir, `copy_${k}`)]));
    if (k === 0) {
      const packed = spawnSync(process.execPath, [writeTree, 'pack', out, pack], { encoding: 'utf8' });
      if (packed.status !== 0) throw new Error(`write-tree.js pack failed: ${packed.stderr}`);
    }
    spawnSync('sync');
    const nodeWrite = measure([process.execPath, writeTree, 'write', pack, join(dir, `node_write_${k}`)]);
    if (nodeWrite.status !== 0) throw new Error(`write-tree.js write failed: ${nodeWrite.stdout}`);
    nodeWrites.push(nodeWrite);
  }
  const size = treeSize(out);
  const ratios = compiles.map((c, k) => c.wall / copies[k].wall);
  row('compile', median(compiles), { files: size.files, bytes: size.bytes, runs: compiles.length, ratios });
  row('cp -r output (floor)', median(copies), { runs: copies.length });
  row('Node writes the same files (floor in Node)', median(nodeWrites), { runs: nodeWrites.length, ratios: compiles.map((c, k) => c.wall / nodeWrites[k].wall) });
  // The stat index records only files older than its settling time (2 s): the first no-change
  // re-compile after a write hashes every file and records them, the next ones trust them.
  spawnSync('sleep', [String(Math.max(0, 2.5 - (Date.now() - written) / 1000))]);
  row('compile (no change, first: hashes)', node(['compile', 'flow.lcp']));
  row('compile (no change)', node(['compile', 'flow.lcp']));
  // CI on a fresh clone: a manifest libcc did not write there is never trusted (a pull request
  // can forge its hashes), so `--check` renders and compares. Without the record of the
  // manifest's origin, the directory is as a checkout leaves it for libcc.
  rmSync(join(out, '.libcc-cache', 'manifest-origin'), { force: true });
  const checked = node(['compile', '--check', 'flow.lcp']);
  if (checked.status !== 0) throw new Error(`compile --check failed: ${checked.stdout.slice(-500)}`);
  row('compile --check (fresh clone: renders)', checked);
  // A review of a one-line change: characterize's estimate rewrites the timing of every job in
  // plan.json. "MB written" is the size of the patch printed.
  const source = readFileSync(flow.lcp, 'utf8');
  writeFileSync(flow.lcp, source.replace('estimate = 4h', 'estimate = 5h'));
  const reviewed = node(['diff', 'flow.lcp']);
  if (reviewed.status !== 0) throw new Error(`diff failed: ${reviewed.stdout.slice(-500)}`);
  row('diff (one estimate changed)', reviewed, { bytes: Buffer.byteLength(reviewed.stdout) });
  // The same change compiled: every file rendered and compared, plan.json and the manifest written.
  const updated = node(['compile', 'flow.lcp']);
  writeFileSync(flow.lcp, source);
  if (updated.status !== 0) throw new Error(`compile failed: ${updated.stdout.slice(-500)}`);
  row('compile (one estimate changed)', updated);
  if (node(['compile', 'flow.lcp']).status !== 0) throw new Error('compile failed');
  if (scripts) {
    const env = { KIT_ROOT: join(dir, 'kits'), LIBCC_RUN_DIR: join(dir, 'run') };
    const submit = measure([join(out, 'submit.sh'), '--dry-run', '--run-id', 'bench'], { env });
    const bsubs = submit.stdout.split('\n').filter((l) => l.startsWith('bsub ')).length;
    row('submit.sh --dry-run (nothing done)', submit, { bsubs });
    // The same with LSF job packs (site `lsf_max_pack_jobs`, IBM's initial LSB_MAX_PACK_JOBS).
    const packed = measure([join(out, 'submit.sh'), '--dry-run', '--run-id', 'bench'], { env: { ...env, LIBCC_LSF_MAX_PACK_JOBS: '300' } });
    const packCalls = packed.stdout.split('\n').filter((l) => l.startsWith('bsub ')).length;
    row('submit.sh --dry-run (job packs of 300)', packed, { bsubs: packCalls });
    // Nothing run yet: each job's state from its parents' (looked up far back in the job table).
    row('status.sh (nothing run, no ledger)', measure([join(out, 'status.sh')], { env }));
    // A run in flight: submitted through a bsub that only confirms, then asked about through a
    // bjobs that answers PEND for every element the ledger names (status.sh reads one line a
    // job from LSF), then forgotten (the ledger removed) for the rows below.
    const fake = fakeLsf(dir, out, env.LIBCC_RUN_DIR);
    const live = { ...env, PATH: `${fake}:${process.env.PATH}` };
    const submitted = measure([join(out, 'submit.sh'), '--run-id', 'live'], { env: live });
    if (submitted.status !== 0) throw new Error('submit.sh through the stand-in bsub failed');
    row('submit.sh (a bsub that only confirms)', submitted);
    row('status.sh (a run in flight: bjobs answers PEND for every job)', measure([join(out, 'status.sh')], { env: live }));
    rmSync(join(env.LIBCC_RUN_DIR, 'ledger.tsv'));
    writeDoneMarkers(out, env.LIBCC_RUN_DIR);
    row('submit.sh --dry-run (all done)', measure([join(out, 'submit.sh'), '--dry-run', '--run-id', 'bench'], { env }));
    row('status.sh (all done, no ledger)', measure([join(out, 'status.sh')], { env }));
    // A resume: every third characterize job to run again (its marker gone), with its post
    // and merge: arrays over index lists (a library's characterize, its post 1:1 on it), and a
    // merge per library.
    // Moved aside, not removed: freed inodes would slow the next size's compile (see `benchSizes`).
    const characterized = join(env.LIBCC_RUN_DIR, 'state', 'characterize');
    const aside = join(dir, 'markers-aside');
    mkdirSync(aside);
    readdirSync(characterized)
      .sort()
      .filter((_, i) => i % 3 === 0)
      .forEach((name) => renameSync(join(characterized, name), join(aside, name)));
    const resume = measure([join(out, 'submit.sh'), '--dry-run', '--run-id', 'bench'], { env });
    row('submit.sh --dry-run (a third of characterize to run again)', resume, { bsubs: resume.stdout.split('\n').filter((l) => l.startsWith('bsub ')).length });
    row('status.sh (a third of characterize not run)', measure([join(out, 'status.sh')], { env }));
    // Single jobs: element row and upstream cone read, then the command (which fails here:
    // there are no kits), so this is the start-up plus a short failure.
    row('jobs/post.sh lib0 1 (one job)', measure([join(out, 'jobs/post.sh'), 'n3.lib0', '1'], { env }));
    row(`jobs/merge.sh n3 1 (cone of ${3 * flow.corners} jobs)`, measure([join(out, 'jobs/merge.sh'), 'n3', '1'], { env }));
  }
  return rows;
}

export function printCompileTable(rows) {
  const header = ['jobs', 'what', 'wall s', 'cpu s', 'peak RSS MiB', 'files', 'MB written', 'bsub/job'];
  const table = rows.map((r) => [
    String(r.jobs),
    r.what,
    r.wall.toFixed(2),
    r.cpu.toFixed(2),
    r.rssMiB === undefined ? '-' : r.rssMiB.toFixed(0),
    r.files === undefined ? '' : String(r.files),
    r.bytes === undefined ? '' : (r.bytes / 1e6).toFixed(1),
    r.bsubs === undefined ? '' : `${r.bsubs} (1/${(r.jobs / r.bsubs).toFixed(0)})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const t of table) console.log(line(t));
  const by = (jobs, what) => rows.find((r) => r.jobs === jobs && r.what === what);
  const sizes = [...new Set(rows.map((r) => r.jobs))];
  for (const jobs of sizes) {
    const c = by(jobs, 'compile');
    const floor = by(jobs, 'cp -r output (floor)');
    const again = by(jobs, 'compile (no change)');
    const first = by(jobs, 'compile (no change, first: hashes)');
    const checked = by(jobs, 'compile --check (fresh clone: renders)');
    const plan = by(jobs, 'plan');
    const make = by(jobs, 'make -n (same DAG)');
    const snakemake = by(jobs, 'snakemake -n (same DAG)');
    if (snakemake) console.log(`${jobs} jobs: snakemake -n / plan = ${(snakemake.wall / plan.wall).toFixed(0)}x wall, ${(snakemake.cpu / plan.cpu).toFixed(0)}x CPU (target >= 100 at 100k jobs)`);
    // A CPU time of 0 is under GNU time's resolution (10 ms): no ratio.
    const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(1)}x` : 'n/a (make under 10 ms)');
    if (make) console.log(`${jobs} jobs: plan / make -n = ${ratio(plan.wall, make.wall)} wall, ${ratio(plan.cpu, make.cpu)} CPU (target <= 1 at 100k jobs)`);
    const plain = by(jobs, 'submit.sh --dry-run (nothing done)');
    const packed = by(jobs, 'submit.sh --dry-run (job packs of 300)');
    if (plain && packed) console.log(`${jobs} jobs: bsub calls = ${plain.bsubs}, ${packed.bsubs} with job packs of 300 (target <= ${(jobs / 50).toFixed(1)}: jobs/50)`);
    const pairs = c.ratios.map((r) => r.toFixed(1)).sort((a, b) => a - b);
    const nodeWrite = by(jobs, 'Node writes the same files (floor in Node)');
    if (nodeWrite) {
      const nodePairs = nodeWrite.ratios.map((r) => r.toFixed(1)).sort((a, b) => a - b);
      console.log(`${jobs} jobs: Node's write of the same files / cp -r = ${(nodeWrite.wall / floor.wall).toFixed(1)}x; compile / Node's write = ${(c.wall / nodeWrite.wall).toFixed(1)}x (each compile / the write after it: ${nodePairs.join(', ')})`);
    }
    console.log(
      `${jobs} jobs: compile / cp -r = ${(c.wall / floor.wall).toFixed(1)}x, medians of ${c.runs} (each compile / the copy after it: ${pairs.join(', ')}; target <= 2 at 100k jobs); (compile - plan) / cp -r = ${((c.wall - plan.wall) / floor.wall).toFixed(1)}x; compile / (plan + cp -r) = ${(c.wall / (plan.wall + floor.wall)).toFixed(1)}x; ` +
        `no-change re-compile / plan = ${(again.wall / plan.wall).toFixed(1)}x (target <= 1.5; ${(first.wall / plan.wall).toFixed(1)}x the first time after a write); ` +
        `compile --check on a fresh clone (renders) / compile = ${(checked.wall / c.wall).toFixed(1)}x`,
    );
  }
  if (sizes.length >= 2) {
    const [a, b] = sizes.slice(-2);
    console.log(`compile t(${b})/t(${a}) = ${(by(b, 'compile').wall / by(a, 'compile').wall).toFixed(1)} (target <= 12 for 10x the jobs)`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = (process.env.LIBCC_BENCH_SIZES ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);
  printCompileTable(benchSizes(sizes, { scripts: process.env.LIBCC_BENCH_SCRIPTS !== '0' }));
}
