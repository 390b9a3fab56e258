// libcc_sched_states of a compiled pipeline, run by bash with its run's ledger: what it set
// (tests/e2e/sched-states.test.ts with stand-ins for bjobs and squeue, tests/slurm/states.test.ts
// with the real Slurm).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

export interface SchedStates {
  /** The scratch directory (stand-ins, working and run directory): the caller removes it. */
  dir: string;
  status: number;
  states: Map<string, string>;
  held: Map<string, string>;
  unfinished: number;
  err: string;
  /** Files in the working directory after the call: anything there ran from a name. */
  planted: string[];
}

/**
 * libcc_sched_states of the compiled pipeline `out` for run `r1` (its ledger lines `ledger`), with
 * stand-in commands `tools` (name → bash body) first on PATH, or the real ones.
 */
export function schedStates(out: string, opts: { tools?: Record<string, string>; ledger?: readonly string[] } = {}): SchedStates {
  const { tools = {}, ledger = [] } = opts;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-states-'));
  fs.chmodSync(dir, 0o755);
  const bin = path.join(dir, 'bin');
  const work = path.join(dir, 'work');
  const run = path.join(dir, 'run');
  for (const d of [bin, work, run]) fs.mkdirSync(d);
  for (const [name, body] of Object.entries(tools)) fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  if (ledger.length > 0) fs.writeFileSync(path.join(run, 'ledger.tsv'), ledger.map((l) => `${l}\n`).join(''));
  const script = `set -euo pipefail
LIBCC_HOME=$1
. "$LIBCC_HOME/lib/runtime.sh"
status=0
libcc_sched_states r1 || status=$?
printf '%s\\0%s\\0%s\\0' "$status" "$LIBCC_SCHED_UNFINISHED" "$LIBCC_SCHED_ERR"
for k in "\${!LIBCC_SCHED_STATE[@]}"; do printf 'S%s\\t%s\\0' "$k" "\${LIBCC_SCHED_STATE[$k]}"; done
for k in "\${!LIBCC_SCHED_HELD[@]}"; do printf 'H%s\\t%s\\0' "$k" "\${LIBCC_SCHED_HELD[$k]}"; done`;
  // The scripts' own settings only: none of the test's Slurm environment (SLURM_BITSTR_LEN).
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, LIBCC_RUN_DIR: run, LIBCC_RUN_ID: 'r1' };
  delete env.SLURM_BITSTR_LEN;
  const r = spawnSync('bash', ['-c', script, '_', out], { cwd: work, encoding: 'utf8', maxBuffer: 1 << 28, env });
  expect(r.stderr).toBe('');
  const [status, unfinished, err, ...entries] = r.stdout.split('\0');
  const states = new Map<string, string>();
  const held = new Map<string, string>();
  for (const e of entries.filter((x) => x !== '')) {
    const tab = e.lastIndexOf('\t');
    (e.startsWith('S') ? states : held).set(e.slice(1, tab), e.slice(tab + 1));
  }
  return { dir, status: Number(status), states, held, unfinished: Number(unfinished), err: err!, planted: fs.readdirSync(work) };
}
