/**
 * Synthetic histories: compiles tests/history/fixtures/timed.lcp (ss corners sleep 1.2 s, tt
 * corners do not; corners listed in `$KIT_DIR/fail` fail) and runs it for real with
 * run-local.sh -j 2. Event times are whole seconds, so ss jobs measure 1 or 2 s, tt jobs 0 s
 * (rarely 1 s, when a second boundary falls inside the job).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { spawnCollect, type RunResult } from '../e2e/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const TIMED = path.join(here, 'fixtures/timed.lcp');

export interface TimedRun {
  readonly root: string;
  readonly out: string;
  readonly kit: string;
  run(options?: { fail?: readonly string[] }): Promise<RunResult>;
  cleanup(): void;
}

export async function compileTimed(prefix = 'libcc-timed-'): Promise<TimedRun> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const out = path.join(root, 'out');
  const kit = path.join(root, 'kit');
  fs.mkdirSync(path.join(kit, 'cells'), { recursive: true });
  const compiled = await runCli('compile', TIMED, '-o', out, '--no-color');
  if (compiled.code !== 0) throw new Error(`compile failed: ${compiled.stderr}`);
  return {
    root,
    out,
    kit,
    async run(options = {}) {
      const failFile = path.join(kit, 'fail');
      if (options.fail === undefined || options.fail.length === 0) fs.rmSync(failFile, { force: true });
      else fs.writeFileSync(failFile, `${options.fail.join('\n')}\n`);
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!/^(LIBCC_|LSB_)/.test(k)) env[k] = v;
      env.KIT_DIR = kit;
      return spawnCollect('bash', [path.join(out, 'run-local.sh'), '-j', '2'], root, env);
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
