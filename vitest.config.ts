import { configDefaults, defineConfig } from 'vitest/config';

// tests/slurm/node-failure.test.ts takes the one Slurm node down: it runs alone, after every other
// test file has finished (sequence.groupOrder), so that no other Slurm test sees the node down.
const ALONE = ['tests/slurm/node-failure.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // Hooks stop stand-in schedulers and kill job process groups; on a loaded 2-core machine that
    // can outlast vitest's 10 s default, which once failed a passing file's afterEach.
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'main', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, ...ALONE], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'node-failure', include: ALONE, sequence: { groupOrder: 1 } } },
    ],
  },
});
