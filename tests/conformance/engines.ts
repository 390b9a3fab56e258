// The engines the conformance suite runs its scenarios against: one per scheduler
// implementation (src/schedulers/*), behind the same small interface. Each compiles the
// scenario pipeline with `site { scheduler = … }` and runs what libcc generated for it:
//
// - lsf:   submit.sh / status.sh / kill.sh on the LSF stand-in (tests/lsf);
// - slurm: submit.sh / status.sh / kill.sh on the real one-node Slurm (scripts/slurm/up.sh),
//          skipped with the reason only where it cannot be started;
// - local: run-local.sh (a run is the runner process; killing it is SIGTERM, as Ctrl-C).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { RunResult, Site } from '../e2e/harness.js';
import type { Standin } from '../lsf/standin.js';
import { ensureSlurm } from '../helpers/slurm.js';
import { elementRows, ledgerIds, waitIdle } from '../slurm/pipeline.js';

export interface Engine {
  readonly name: 'lsf' | 'slurm' | 'local';
  /** Why the engine cannot run here; undefined when it can. */
  readonly unavailable?: string;
  /** Starts a run with this extra environment (the scenario's control directory). */
  start(site: Site, env: Record<string, string>): Promise<RunResult>;
  /** Waits until nothing of the run is pending or running. */
  settle(site: Site): Promise<void>;
  status(site: Site): Promise<RunResult>;
  kill(site: Site): Promise<RunResult>;
  /** What the scheduler (or the machine) still has pending or running of this site's runs. */
  leftovers(site: Site): string[];
  cleanup(site: Site): Promise<void>;
}

const UNFINISHED_LSF = new Set(['PEND', 'RUN', 'PSUSP', 'USUSP', 'SSUSP']);

function lsfEngine(): Engine {
  const standins = new Map<Site, { lsf: Standin; env: Record<string, string> }>();
  const of = (site: Site) => standins.get(site)!;
  return {
    name: 'lsf',
    async start(site, env) {
      let entry = standins.get(site);
      if (!entry) {
        entry = { lsf: site.lsf({ env }), env };
        standins.set(site, entry);
      }
      return site.submitWith(entry.lsf, 'submit.sh');
    },
    settle: (site) => of(site).lsf.waitIdle(60_000),
    status: (site) => site.submitWith(of(site).lsf, 'status.sh'),
    kill: (site) => site.submitWith(of(site).lsf, 'kill.sh'),
    leftovers: (site) =>
      of(site)
        .lsf.jobs()
        .flatMap((j) => Object.entries(j.elements).filter(([, e]) => UNFINISHED_LSF.has(e.state)).map(([i, e]) => `${j.id}[${i}] ${e.state}`)),
    async cleanup(site) {
      standins.delete(site);
    },
  };
}

function slurmEngine(): Engine {
  const slurm = ensureSlurm();
  const envs = new Map<Site, Record<string, string>>();
  return {
    name: 'slurm',
    ...(slurm.available ? {} : { unavailable: slurm.reason }),
    start(site, env) {
      envs.set(site, env);
      return site.run('submit.sh', [], { env });
    },
    async settle(site) {
      await waitIdle(ledgerIds(site.runDir), 120_000);
    },
    status: (site) => site.run('status.sh', [], { env: envs.get(site) ?? {} }),
    kill: (site) => site.run('kill.sh', [], { env: envs.get(site) ?? {} }),
    leftovers: (site) =>
      [...elementRows(ledgerIds(site.runDir))]
        .filter(([, row]) => ['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED'].includes(row.state))
        .map(([id, row]) => `${id} ${row.state}`),
    async cleanup(site) {
      const ids = ledgerIds(site.runDir);
      if (ids.length > 0) spawnSync('scancel', ids);
      envs.delete(site);
    },
  };
}

function localEngine(): Engine {
  const runners = new Map<Site, { child: ChildProcess; done: Promise<RunResult> }>();
  const env = (site: Site, extra: Record<string, string>): NodeJS.ProcessEnv => {
    const result: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(LIBCC_|LSB_|LSF_STANDIN_)/.test(k)) result[k] = v;
    return { ...result, ...site.env, ...extra };
  };
  return {
    name: 'local',
    async start(site, extra) {
      const child = spawn('bash', [path.join(site.out, 'run-local.sh'), '-j', '2'], { cwd: site.root, env: env(site, extra), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const done = new Promise<RunResult>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
      runners.set(site, { child, done });
      // run-local.sh holds the run: it "submitted" once it started.
      return { code: 0, stdout: '', stderr: '' };
    },
    async settle(site) {
      await runners.get(site)?.done;
    },
    status: (site) => site.run('status.sh'),
    async kill(site) {
      const runner = runners.get(site)!;
      runner.child.kill('SIGTERM');
      return runner.done;
    },
    leftovers(site) {
      const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
      return ps.stdout.split('\n').filter((l) => l.includes(site.out) && !l.includes(' ps '));
    },
    async cleanup(site) {
      const runner = runners.get(site);
      if (runner && runner.child.exitCode === null) {
        runner.child.kill('SIGTERM');
        await runner.done;
      }
      runners.delete(site);
    },
  };
}

export const ENGINES: readonly Engine[] = [lsfEngine(), slurmEngine(), localEngine()];
