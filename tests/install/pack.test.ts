/**
 * Installing libcc without the public registry (README "Installing"): `npm pack`, then the
 * tarball installed globally into a temporary prefix and as a devDependency of a temporary
 * project — offline, since the package has no runtime dependencies — and run from another
 * directory. The git-URL install (npm clones and builds) takes half a minute of CPU and needs the
 * development dependencies in npm's cache: it runs with LIBCC_TEST_GIT_INSTALL=1.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = process.cwd();
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  version: string;
  dependencies?: Record<string, string>;
  license: string;
  repository?: unknown;
  bugs?: unknown;
};
let tmp: string;
let tarball: string;

/** npm without the settings of the npm that may have started the tests (`npm test`). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, NO_COLOR: '1', npm_config_update_notifier: 'false' };
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: cleanEnv(), timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

beforeAll(() => {
  expect(existsSync('dist/bundle/libcc.cjs'), 'run `npm run build` first').toBe(true);
  tmp = mkdtempSync(join(tmpdir(), 'libcc-install-'));
  // The build is done (the tests need it): pack what it produced without running `prepare` again.
  const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(tmp, info!.filename);
  writeFileSync(join(tmp, 'files.json'), JSON.stringify(info!.files.map((f) => f.path)));
}, 180_000);

afterAll(() => {
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

/** The commands a user runs first, from a directory of their own: version, init, check, compile, explain. */
function smokeTest(libcc: (args: string[], cwd: string) => SpawnSyncReturns<string>, cwd: string) {
  expect(libcc(['--version'], cwd).stdout).toBe(`${pkg.version}\n`);
  libcc(['init', 'demo'], cwd);
  const demo = join(cwd, 'demo');
  expect(libcc(['check', '.'], demo).stdout).toBe('ok: 2 files checked, no problems\n');
  expect(libcc(['compile', 'flow.lcp'], demo).stdout).toMatch(/^wrote demo: \d+ files .*, 6 jobs\n$/);
  expect(existsSync(join(demo, 'demo/submit.sh'))).toBe(true);
  expect(libcc(['explain', 'LCP2001'], demo).stdout).toMatch(/^# LCP2001/);
  return demo;
}

describe('the packed tarball', () => {
  it('holds the bundle, templates, docs, grammar and LICENSE; no sources, no source maps, no runtime dependencies', () => {
    const files = JSON.parse(readFileSync(join(tmp, 'files.json'), 'utf8')) as string[];
    expect(tarball.endsWith(`libcc-${pkg.version}.tgz`)).toBe(true);
    for (const file of ['LICENSE', 'README.md', 'package.json', 'bin/libcc.js', 'bin/load-cli.js', 'bin/package.json', 'dist/bundle/libcc.cjs', 'dist/bundle/libcc.cjs.cache', 'templates/init/flow.lcp.hbs', 'docs/errors/LCP2001.md', 'grammar/lcp.tmLanguage.json']) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => f.endsWith('.map') || f.startsWith('src/') || f.startsWith('tests/') || (f.startsWith('dist/') && !f.startsWith('dist/bundle/')))).toEqual([]);
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.license).toBe('MIT');
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the libcc authors\n/);
    // No invented URLs: internal errors point to `libcc --version` and the README instead.
    expect(pkg.repository).toBeUndefined();
    expect(readFileSync('README.md', 'utf8')).toContain('\n## Reporting problems\n');
  });

  it('installs globally (offline) and runs from another directory', () => {
    const prefix = join(tmp, 'prefix');
    run('npm', ['install', '-g', tarball, '--prefix', prefix, '--offline', '--no-audit', '--no-fund'], tmp);
    const bin = join(prefix, process.platform === 'win32' ? 'libcc.cmd' : 'bin/libcc');
    const elsewhere = join(tmp, 'elsewhere');
    mkdirSync(elsewhere);
    smokeTest((args, cwd) => run(bin, args, cwd), elsewhere);
  });

  it("installs as a devDependency (offline) of the project `libcc init` scaffolds, and runs through npm's scripts", () => {
    const home = join(tmp, 'project-home');
    mkdirSync(home);
    const demo = join(home, 'demo');
    run(process.execPath, [join(root, 'bin/libcc.js'), 'init', 'demo'], home);
    expect(JSON.parse(readFileSync(join(demo, 'package.json'), 'utf8')).devDependencies).toEqual({ libcc: pkg.version });
    run('npm', ['install', '--save-dev', tarball, '--offline', '--no-audit', '--no-fund'], demo);
    expect(readFileSync(join(demo, 'node_modules/libcc/package.json'), 'utf8')).toContain(`"version": "${pkg.version}"`);
    expect(run('npm', ['run', '--silent', 'check'], demo).stdout).toBe('ok: 2 files checked, no problems\n');
    expect(run('npm', ['run', '--silent', 'compile'], demo).stdout).toMatch(/^wrote demo: \d+ files/);
    expect(run('npx', ['--offline', 'libcc', '--version'], demo).stdout).toBe(`${pkg.version}\n`);
  });
});

describe.runIf(process.env.LIBCC_TEST_GIT_INSTALL === '1')('a git URL', () => {
  it('installs as a devDependency: npm clones the committed HEAD and builds it', () => {
    const head = run('git', ['rev-parse', 'HEAD'], root).stdout.trim();
    const project = join(tmp, 'git-project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "name": "git-project", "version": "1.0.0", "private": true }\n');
    run('npm', ['install', '--save-dev', `git+file://${root}#${head}`, '--offline', '--no-audit', '--no-fund'], project);
    expect(run('npx', ['--offline', 'libcc', '--version'], project).stdout).toBe(`${pkg.version}\n`);
    const bin = join(project, 'node_modules/.bin/libcc');
    smokeTest((args, cwd) => run(bin, args, cwd), project);
  }, 300_000);
});
