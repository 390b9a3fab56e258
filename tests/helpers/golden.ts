/**
 * Golden files: compare output with a committed expectation. `npm run test:update` (which sets
 * LIBCC_UPDATE_GOLDEN=1) rewrites them; CI never does.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';

export const UPDATE_GOLDEN = process.env.LIBCC_UPDATE_GOLDEN === '1' && process.env.CI !== 'true';

export function expectGolden(path: string, actual: string): void {
  const normalised = actual.replace(/\r\n/g, '\n');
  if (UPDATE_GOLDEN) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, normalised);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file ${path} is missing: run \`npm run test:update\` and review it`);
  expect(normalised, `output differs from ${path} (run \`npm run test:update\` if the change is intended)`).toBe(readFileSync(path, 'utf8'));
}

/** The directory of a recursive readdir entry (`parentPath` from Node 20.12, `path` before). */
export function entryDir(entry: { parentPath?: string; path?: string }): string {
  return entry.parentPath ?? entry.path ?? '';
}
