/**
 * Hostile repositories for the attack suite: a temporary directory holding a pipeline (`repo/`)
 * and, beside it, a sentinel directory (`outside/`) that nothing libcc does may touch. Each test
 * snapshots the sentinel (every file's content, mode and mtime) before the attack and checks it
 * after.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Hostile {
  /** The temporary directory holding everything. */
  readonly root: string;
  /** The pipeline's repository: `flow.lcp` (examples/minimal) and the output `out/`. */
  readonly repo: string;
  readonly flow: string;
  readonly out: string;
  /** The sentinel directory: `victim.txt`, `secret.lcp`, `secret.yaml`, `dir/inner.txt`. */
  readonly outside: string;
  /** Every file and directory under `outside`, with content, mode and mtime. */
  snapshot(): Map<string, string>;
  cleanup(): void;
}

export const SECRET = 'TOP-SECRET-sentinel-content';

export function hostile(): Hostile {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'libcc-attack-')));
  const repo = join(root, 'repo');
  const outside = join(root, 'outside');
  mkdirSync(repo);
  mkdirSync(join(outside, 'dir'), { recursive: true });
  cpSync('examples/minimal/flow.lcp', join(repo, 'flow.lcp'));
  writeFileSync(join(outside, 'victim.txt'), `${SECRET}\n`);
  writeFileSync(join(outside, 'secret.lcp'), `${SECRET} this is not lcp\n`);
  writeFileSync(join(outside, 'secret.yaml'), `corners: [${SECRET}\n`);
  writeFileSync(join(outside, 'secret.hbs'), `${SECRET}\n`);
  writeFileSync(join(outside, 'dir/inner.txt'), `${SECRET}\n`);
  const snapshot = () => {
    const result = new Map<string, string>();
    const walk = (dir: string, prefix: string) => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        const stat = lstatSync(path);
        const rel = `${prefix}${name}`;
        if (stat.isDirectory()) {
          result.set(`${rel}/`, `${stat.mode}`);
          walk(path, `${rel}/`);
        } else {
          result.set(rel, `${stat.mode} ${stat.mtimeMs} ${stat.isFile() ? readFileSync(path, 'utf8') : 'link'}`);
        }
      }
    };
    walk(outside, '');
    return result;
  };
  return {
    root,
    repo,
    flow: join(repo, 'flow.lcp'),
    out: join(repo, 'out'),
    outside,
    snapshot,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Runs the built CLI (`node bin/libcc.js`, after `npm run build`) in a child process. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/libcc.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}
