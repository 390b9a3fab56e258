/**
 * Where the browser tests find Chromium — the same lookup as scripts/setup-test-tools.sh:
 * `$LIBCC_CHROMIUM` when set (it must name an executable file: a wrong value is reported, never
 * replaced by a guess), else the first of `chromium`, `chromium-browser`, `google-chrome` on PATH.
 *
 * A missing browser is a skip, with the reason, on a developer's machine; under CI (`CI` set and
 * not `false`/`0`) it is a failure: CI must never pass without having run the test.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome'] as const;

export type ChromiumLookup = { readonly path: string } | { readonly missing: string };

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const explicit = env.LIBCC_CHROMIUM;
  if (explicit !== undefined && explicit !== '') {
    return isExecutableFile(explicit) ? { path: explicit } : { missing: `LIBCC_CHROMIUM=${explicit} is not an executable file` };
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const name of CHROMIUM_NAMES) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return { path: candidate };
    }
  }
  return { missing: `none of ${CHROMIUM_NAMES.join(', ')} is on PATH and LIBCC_CHROMIUM is not set` };
}

/** True under CI: `CI` set to anything but '', 'false' or '0'. */
export function underCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** The message of a skip or failure: what is missing and how to get it. */
export function chromiumMissingMessage(missing: string): string {
  return (
    `Chromium not found: ${missing}. ` +
    'Run `npm run setup:test` (installs Debian\'s chromium as root, or prints what to install), ' +
    'or set LIBCC_CHROMIUM=/path/to/chromium.'
  );
}

/**
 * Headless Chromium for a browser test, or the reason there is none: a workstation without a
 * browser skips with that reason (and says so); under CI a missing browser is an error.
 */
export async function launchTestBrowser(): Promise<{ readonly browser?: Browser; readonly missing?: string }> {
  const lookup = findChromium();
  if ('missing' in lookup) {
    const missing = chromiumMissingMessage(lookup.missing);
    if (underCI()) throw new Error(`${missing} Under CI (CI=${process.env.CI}) the browser test must run, not be skipped.`);
    console.warn(`skipping the browser test: ${missing}`);
    return { missing };
  }
  const browser = await chromium.launch({
    executablePath: lookup.path,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { browser };
}
