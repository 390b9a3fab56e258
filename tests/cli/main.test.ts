import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

describe('libcc CLI: exit codes and usage', () => {
  it('prints the version', async () => {
    const run = await runCli('--version');
    expect(run).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('prints help listing the commands', async () => {
    const run = await runCli('--help');
    expect(run.code).toBe(0);
    for (const command of ['check', 'plan', 'explain']) expect(run.stdout).toContain(command);
  });

  it('exits 0 on a clean pipeline, 1 on errors, 0 on warnings only', async () => {
    expect((await runCli('check', 'examples/minimal/flow.lcp')).code).toBe(0);
    expect((await runCli('check', 'examples/errors/units.lcp')).code).toBe(1);
    const lints = await runCli('check', 'examples/errors/lints.lcp');
    expect(lints.code).toBe(0);
    expect(lints.stdout).toContain('warning[LCP3102]');
  });

  it('exits 2 with a one-line message for usage errors', async () => {
    const missing = await runCli('check', 'no/such/file.lcp');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('libcc: error: cannot read `no/such/file.lcp`: no such file\n');
    expect((await runCli('check')).code).toBe(2);
    expect((await runCli('frobnicate')).code).toBe(2);
    expect((await runCli('plan', 'examples/minimal/flow.lcp', '--slots', '0')).code).toBe(2);
    expect((await runCli('check', 'examples/minimal/flow.lcp', '--format', 'xml')).code).toBe(2);
  });

  // A FIFO was "no such file, or not readable", though it was there.
  it('says why a pipeline file cannot be read: a FIFO is not a regular file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libcc-unreadable-'));
    try {
      execFileSync('mkfifo', [join(dir, 'p.lcp')]);
      expect(await runCli('check', join(dir, 'p.lcp'))).toEqual({
        code: 2,
        stdout: '',
        stderr: `libcc: error: cannot read \`${join(dir, 'p.lcp')}\`: not a regular file (a FIFO, a device or a socket is never read)\n`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // `libcc compile /tmp` said "cannot read `/tmp`: no such file, or not readable".
  it('says a directory given as the pipeline file is a directory, and names the one .lcp in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libcc-dir-'));
    try {
      for (const command of ['compile', 'plan', 'diff', 'graph']) {
        expect(await runCli(command, dir), command).toEqual({
          code: 2,
          stdout: '',
          stderr: `libcc: error: \`${dir}\` is a directory, not a pipeline file\nhelp: give the pipeline's .lcp file (\`check\` and \`fmt\` take directories)\n`,
        });
      }
      writeFileSync(join(dir, 'flow.lcp'), 'pipeline p\n');
      expect((await runCli('compile', dir)).stderr).toBe(`libcc: error: \`${dir}\` is a directory, not a pipeline file\nhelp: did you mean \`${join(dir, 'flow.lcp')}\`?\n`);
      writeFileSync(join(dir, 'other.lcp'), 'pipeline q\n');
      expect((await runCli('plan', dir)).stderr).toBe(`libcc: error: \`${dir}\` is a directory, not a pipeline file\nhelp: it holds 2 .lcp files: give one of them (\`check\` and \`fmt\` take directories)\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks several files at once', async () => {
    const run = await runCli('check', 'examples/minimal/flow.lcp', 'examples/errors/units.lcp', '--format', 'short');
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n').filter(Boolean).every((line) => line.startsWith('examples/errors/units.lcp:'))).toBe(true);
  });

  it('prints machine-readable JSON', async () => {
    const run = await runCli('check', 'examples/errors/queues.lcp', '--format', 'json');
    const report = JSON.parse(run.stdout) as { summary: { errors: number; warnings: number }; diagnostics: { code: string }[] };
    expect(report.summary).toEqual({ errors: 4, warnings: 0 });
    expect(report.diagnostics.map((d) => d.code)).toEqual(['LCP3015', 'LCP3013', 'LCP3014', 'LCP3013']);
  });

  it('explains codes, case-insensitively, with did-you-mean for unknown ones', async () => {
    const run = await runCli('explain', 'lcp3013');
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('# LCP3013: memory exceeds the queue limit\n')).toBe(true);
    const unknown = await runCli('explain', 'LCP3199');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^libcc: error: .*LCP3199.*\n$/);
  });

  it('plans with a slot cap and reports plan errors with exit 1', async () => {
    const ok = await runCli('plan', 'examples/minimal/flow.lcp', '--slots', '2');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('makespan with 2 slots:');
    const tooWide = await runCli('plan', 'examples/errors/slots.lcp', '--slots', '8', '--no-color');
    expect(tooWide.code).toBe(1);
    expect(tooWide.stdout).toBe('');
    expect(tooWide.stderr).toContain('error[LCP4006]');
  });
});

describe('the installed `libcc` binary', () => {
  it('runs as a real process without stack traces, honouring NO_COLOR', () => {
    const result = spawnSync(process.execPath, ['bin/libcc.js', 'check', 'examples/errors/names.lcp'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('error[LCP2001]');
    expect(result.stdout).not.toContain('\u001b[');
    expect(result.stderr).toBe('');
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });

  it('colours output when forced with --color', () => {
    const result = spawnSync(process.execPath, ['bin/libcc.js', 'check', 'examples/errors/units.lcp', '--color'], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('\u001b[');
  });
});

describe('libcc graph and fmt are wired', () => {
  it('graph prints a Mermaid stage graph with the critical path', async () => {
    const run = await runCli('graph', 'examples/minimal/flow.lcp');
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('flowchart')).toBe(true);
    expect(run.stdout).toContain('class n0,n1 critical');
  });
  it('fmt --check passes on the formatted examples', async () => {
    const run = await runCli('fmt', '--check', 'examples/minimal/flow.lcp', 'examples/n2_tanager/flow.lcp', 'examples/n2_tanager/site.lcp', 'examples/lib_char_auto/flow.lcp', 'examples/lib_char_auto/site.lcp');
    expect(run.code).toBe(0);
  });
});

describe('libcc init and diff are wired', () => {
  it('init scaffolds a pipeline that checks clean, and diff shows what a re-compile changes', async () => {
    const { mkdtempSync, readFileSync: read, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = join(mkdtempSync(join(tmpdir(), 'libcc-init-')), 'flows');
    try {
      expect((await runCli('init', dir)).code).toBe(0);
      expect((await runCli('check', dir)).code).toBe(0);
      expect((await runCli('compile', join(dir, 'flow.lcp'))).code).toBe(0);
      expect(await runCli('diff', join(dir, 'flow.lcp'), '--exit-code')).toEqual({ code: 0, stdout: '', stderr: '' });
      writeFileSync(join(dir, 'flow.lcp'), read(join(dir, 'flow.lcp'), 'utf8').replace(/estimate = (\d+)h/, 'estimate = 9h'));
      const changed = await runCli('diff', join(dir, 'flow.lcp'), '--exit-code');
      expect(changed.code).toBe(1);
      expect(changed.stdout).toContain('diff --git a/plan.json b/plan.json');
      expect((await runCli('init', dir)).code).toBe(2);
      // diff takes compile's --scheduler: compared with a Slurm compile, only the LSF view differs.
      expect((await runCli('compile', join(dir, 'flow.lcp'), '--scheduler', 'slurm')).code).toBe(0);
      expect((await runCli('diff', join(dir, 'flow.lcp'), '--scheduler', 'slurm', '--exit-code')).code).toBe(0);
      const lsf = await runCli('diff', join(dir, 'flow.lcp'), '--scheduler', 'lsf', '--exit-code');
      expect(lsf.code).toBe(1);
      expect(lsf.stdout).toContain('diff --git a/lib/scheduler.sh b/lib/scheduler.sh');
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});
