/**
 * Test hook: crash after N changes to the generated directory. `LIBCC_TEST_CRASH_AFTER=N` (used
 * only by tests/attack/crash.test.ts) makes the process kill itself with SIGKILL right after its
 * N-th change. Each thread counts its own (the writer thread has its own copy of this module), so
 * a crash can fall in either.
 */
let changesMade = 0;

/** Counts one change to the file system (a file or directory made, renamed or removed). */
export function changed(): void {
  changesMade++;
  const limit = process.env.LIBCC_TEST_CRASH_AFTER;
  if (limit !== undefined && limit !== '' && changesMade >= Number(limit)) process.kill(process.pid, 'SIGKILL');
}
