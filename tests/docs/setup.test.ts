/**
 * The README's test command holds on a machine with only Node.js: `npm run setup:test` runs
 * scripts/setup-test-tools.sh, which installs shellcheck, tcl and chromium with apt-get as root
 * and otherwise says what to install; .ci/run runs the README's command. The script is linted
 * here and run against a PATH of stubs (never the real apt-get).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../helpers/chromium.js';

const repo = process.cwd();
const SCRIPT = join(repo, 'scripts/setup-test-tools.sh');
const isRoot = process.getuid?.() === 0;

/** Absolute path of a program on the real PATH (the script runs with a PATH of stubs only). */
function which(name: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  expect(r.status, `${name} must be installed`).toBe(0);
  return r.stdout.trim();
}

let root: string;
let bash: string;
let chmod: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'libcc-setup-'));
  bash = which('bash');
  chmod = which('chmod');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
/** A fresh directory of stub programs. */
function bin(...names: string[]): string {
  const dir = join(root, `bin${dirs++}`);
  mkdirSync(dir);
  for (const name of names) stub(dir, name, '#!/bin/sh\nexit 0\n');
  return dir;
}

function stub(dir: string, name: string, text: string): void {
  writeFileSync(join(dir, name), text);
  chmodSync(join(dir, name), 0o755);
}

/** A stub apt-get that logs each call and "installs" a package by creating its program. */
function fakeApt(dir: string): string {
  const log = join(dir, 'apt.log');
  const programs = { shellcheck: 'shellcheck', tcl: 'tclsh', chromium: 'chromium' };
  const installs = Object.entries(programs)
    .map(([pkg, program]) => `    ${pkg}) printf '#!/bin/sh\\n' > '${dir}/${program}'; '${chmod}' +x '${dir}/${program}' ;;`)
    .join('\n');
  stub(
    dir,
    'apt-get',
    `#!/bin/sh
printf '%s|%s\\n' "$DEBIAN_FRONTEND" "$*" >> '${log}'
for arg in "$@"; do
  case $arg in
${installs}
  esac
done
`,
  );
  return log;
}

function setup(path: string, args: string[] = [], extra: Record<string, string> = {}) {
  const started = Date.now();
  const r = spawnSync(bash, [SCRIPT, ...args], { env: { PATH: path, ...extra }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

describe('scripts/setup-test-tools.sh', () => {
  it('passes bash -n and shellcheck, and so does .ci/run', () => {
    for (const file of [SCRIPT, join(repo, '.ci/run')]) {
      const syntax = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
      expect(syntax.stderr, file).toBe('');
      expect(syntax.status, file).toBe(0);
      const lint = spawnSync('shellcheck', [file], { encoding: 'utf8' });
      expect(lint.error, 'shellcheck must be installed: npm run setup:test').toBeUndefined();
      expect(lint.stdout, file).toBe('');
      expect(lint.status, file).toBe(0);
    }
  });

  it('does nothing, quickly, when every tool is present', () => {
    const dir = bin('shellcheck', 'tclsh', 'chromium');
    const log = fakeApt(dir);
    for (const args of [[], ['--check']]) {
      const r = setup(dir, args);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`setup-test-tools: ok: ${dir}/shellcheck, ${dir}/tclsh, ${dir}/chromium\n`);
      expect(r.ms).toBeLessThan(5_000);
    }
    expect(existsSync(log), 'apt-get must not run').toBe(false);
  });

  it('finds Chromium under each of its names, or through LIBCC_CHROMIUM — as the tests do', () => {
    for (const name of ['chromium-browser', 'google-chrome']) {
      const dir = bin('shellcheck', 'tclsh', name);
      expect(setup(dir, ['--check']).stdout).toContain(`${dir}/${name}\n`);
      expect(findChromium({ PATH: dir })).toEqual({ path: join(dir, name) });
    }
    const dir = bin('shellcheck', 'tclsh');
    const chrome = join(bin('my-chrome'), 'my-chrome');
    expect(setup(dir, ['--check'], { LIBCC_CHROMIUM: chrome }).stdout).toContain(`, ${chrome}\n`);
    expect(findChromium({ PATH: dir, LIBCC_CHROMIUM: chrome })).toEqual({ path: chrome });

    const wrong = setup(bin('shellcheck', 'tclsh', 'chromium'), [], { LIBCC_CHROMIUM: join(root, 'nowhere') });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain(`LIBCC_CHROMIUM=${join(root, 'nowhere')} is not an executable file`);
    expect(findChromium({ PATH: dir, LIBCC_CHROMIUM: join(root, 'nowhere') })).toEqual({ missing: expect.stringContaining('LIBCC_CHROMIUM') });
    expect(findChromium({ PATH: dir })).toEqual({ missing: expect.stringContaining('chromium') });
  });

  it('--check lists what is missing and the exact command that installs it', () => {
    const dir = bin();
    const log = fakeApt(dir);
    const r = setup(dir, ['--check']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('  - shellcheck on PATH\n  - tclsh on PATH\n  - chromium, chromium-browser or google-chrome on PATH');
    expect(r.stderr).toContain('  sudo apt-get update && sudo apt-get install -y shellcheck tcl chromium\n');
    expect(existsSync(log)).toBe(false);

    const some = setup(bin('shellcheck', 'chromium', 'apt-get'), ['--check']);
    expect(some.status).toBe(1);
    expect(some.stderr).toContain('sudo apt-get install -y tcl\n');
    expect(some.stderr).not.toContain('shellcheck on PATH');

    const noApt = setup(bin(), ['--check']);
    expect(noApt.status).toBe(1);
    expect(noApt.stderr).toContain("install them with your system's package manager (Debian/Ubuntu packages: shellcheck tcl chromium)");
  });

  it(isRoot ? 'as root: one apt-get update, then a non-interactive install of what is missing' : 'not root: prints what to install and exits 1', () => {
    const dir = bin('shellcheck');
    const log = fakeApt(dir);
    const r = setup(dir);
    if (isRoot) {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(readFileSync(log, 'utf8')).toBe(
        'noninteractive|-o DPkg::Lock::Timeout=300 update -qq\n' + 'noninteractive|-o DPkg::Lock::Timeout=300 install -y -qq tcl chromium\n',
      );
      expect(r.stdout).toContain('installing tcl chromium with apt-get\n');
      expect(r.stdout).toContain(`setup-test-tools: ok: ${dir}/shellcheck, ${dir}/tclsh, ${dir}/chromium\n`);
      // Idempotent: a second run finds everything and does not call apt-get again.
      expect(setup(dir).status).toBe(0);
      expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    } else {
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('sudo apt-get install -y tcl chromium');
      expect(existsSync(log)).toBe(false);
    }
  });

  it('fails when apt-get did not provide the programs', () => {
    if (!isRoot) return; // the install branch runs only as root; covered above otherwise
    const dir = bin();
    stub(dir, 'apt-get', '#!/bin/sh\nexit 0\n');
    const r = setup(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('still missing after apt-get install:\n  - shellcheck on PATH');
  });

  it('rejects unknown arguments', () => {
    const r = setup(bin(), ['--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: scripts/setup-test-tools.sh [--check]');
  });
});

describe('the README test command', () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!.trim().split('\n');
  const testCommand = firstBlock[1]!;
  const steps = testCommand.split('&&').map((step) => step.trim());

  it('installs, sets up the test tools, then tests', () => {
    expect(testCommand).toBe('npm ci && npm run setup:test && npm test');
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['setup:test']).toBe('bash scripts/setup-test-tools.sh');
  });

  it('is what .ci/run runs, in the same order', () => {
    const commands = readFileSync(join(repo, '.ci/run'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('npm '));
    // .ci/run may add flags to a step (npm ci --no-audit --no-fund), never drop or reorder one.
    const withoutFlags = commands.map((line) =>
      line
        .split(/\s+/)
        .filter((word) => !word.startsWith('--'))
        .join(' '),
    );
    expect(withoutFlags).toEqual(steps);
  });
});
