/**
 * A full garbage collection on demand, for the one moment of a big compile when most of its heap
 * has just become garbage: the analysis and the emission are over, and only the files to write
 * remain. V8 would collect later, once the write's own garbage (plan.json made again in pieces,
 * the comparisons) had grown the heap further; collected here, the write reuses that space, and
 * the compile's peak RSS at 100k jobs is about 40–50 MB lower (docs/performance.md).
 *
 * `gc` is exposed by V8's `--expose-gc`, which Node lets a running program set
 * (`v8.setFlagsFromString`, Node's documentation); the function appears in contexts made after
 * that, so one is made to fetch it. Set once, and only by compiles that big.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/** Collects, or does nothing where `gc` cannot be had: it only lowers the peak. */
export function collectGarbage(): void {
  if (gc === undefined) gc = fetchGc();
  gc?.();
}

function fetchGc(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const found: unknown = runInNewContext('gc');
    return typeof found === 'function' ? (found as () => void) : null;
  } catch {
    return null;
  }
}
