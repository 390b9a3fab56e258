/**
 * The lock of a generated directory, `.libcc.lock` (`pid host start`), held while a compile
 * writes it or the verify thread records its stat index: one writer at a time, and a lock left
 * by a crashed compile of this host does not wedge the next.
 */
import { unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ClobberError, LOCK } from './generated-dir.js';
import { createExclusive, readNoFollow, unlinkIfPresent } from './safe-fs.js';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `dir/.libcc.lock` (created exclusively, `pid host start`). A lock left by a process of
 * this host that no longer runs is stale and taken over; any other lock refuses the compile.
 * Returns the release function.
 */
export function acquireLock(dir: string): () => void {
  const path = join(dir, LOCK);
  const content = `${process.pid} ${hostname()} ${new Date().toISOString()}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      createExclusive(path, content, 0o644);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readNoFollow(path)?.text ?? '';
    const match = /^(\d+) (\S+) (\S+)\n?$/.exec(holder);
    if (attempt === 0 && match && match[2] === hostname() && !processAlive(Number(match[1]))) {
      unlinkIfPresent(path); // stale: its process is gone (killed, crashed); unlink never follows a link
      continue;
    }
    const who = match ? `process ${match[1]} on ${match[2]}, since ${match[3]}` : 'an unknown process';
    throw new ClobberError(`${dir} is locked by another libcc compile (${who}); wait for it to finish, or remove ${path} if no compile is running`);
  }
  return () => {
    try {
      if (readNoFollow(path)?.text === content) unlinkSync(path);
    } catch {
      // Already gone.
    }
  };
}
