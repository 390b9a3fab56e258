// End to end: a tool's `setup` and `env` (docs/language.md §2.1, "tool") are applied when a job
// runs the tool — in the command's subshell, setup first, env over it — and to no other stage;
// a missing setup fails the preflight, a failing one fails the job with its name. Per-stage work
// directories: a stage reads its upstream's files through `${S.work}` / `${S.work_root}`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const FLOW = `pipeline toolenv
env TOOLS: path
env LIC: string = "1@lic"
node n { processes = [tt] }
corner tt_0p80v_25c {}
corner tt_0p90v_25c {}
library lib : n { corners = [tt_0p80v_25c, tt_0p90v_25c] }
tool probe {
  path = "\${TOOLS}/probe"
  version = "3.1"
  setup = "\${TOOLS}/setup.sh"
  env { PROBE_MODE = "fast"  FROM_SETUP = "env wins"  CDS_LIC_FILE = "\${LIC}" }
}
stage seed for each library, corner { run = shell """echo "\${corner.name}" > "\${work}/seed.txt" """  expect "\${work}/seed.txt" == 1 }
stage run_probe for each library, corner after seed {
  run = probe ["\${seed.work}/seed.txt"]
  expect "\${work}/probe.txt" == 1
}
stage plain for each library, corner after run_probe {
  run = shell """printf '%s|%s|%s|%s\\n' "$\${PROBE_MODE:-unset}" "$\${SETUP_RAN:-unset}" "\${tool.probe.version}" "\${tool.probe.path}" > "\${work}/plain.txt" """
  expect "\${work}/plain.txt" == 1
}
stage gather for each library after run_probe {
  run = shell """cat "\${run_probe.work_root}"/*/*/*/probe.txt > "\${out}/all.txt" """
  expect "\${out}/all.txt" == 1
}
`;

// The tool records what it sees; the setup exports variables and reads an unset one (as vendor
// scripts do) without failing the job.
const PROBE = `#!/usr/bin/env bash
set -euo pipefail
printf '%s|%s|%s|%s|%s|%s\\n' "$PROBE_MODE" "$SETUP_RAN" "$FROM_SETUP" "$CDS_LIC_FILE" "$(cat "$1")" "$(basename "$PWD")" > probe.txt
`;
const SETUP = `export SETUP_RAN=yes
export FROM_SETUP="setup value"
: "$UNSET_IN_VENDOR_SCRIPT"
if [[ -n \${PROBE_SETUP_FAIL:-} ]]; then false; fi
`;

let root = '';
let out = '';
let tools = '';

function runLocal(runDir: string, env: Record<string, string> = {}) {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(LIBCC_|PROBE_|SETUP_RAN|FROM_SETUP|CDS_LIC_FILE)/.test(k)) clean[k] = v;
  const r = spawnSync('bash', [path.join(out, 'run-local.sh'), '-j', '2'], {
    cwd: root,
    env: { ...clean, TOOLS: tools, LIBCC_RUN_DIR: runDir, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'libcc-tool-env-'));
  tools = path.join(root, 'tools');
  fs.mkdirSync(tools);
  fs.writeFileSync(path.join(tools, 'probe'), PROBE, { mode: 0o755 });
  fs.writeFileSync(path.join(tools, 'setup.sh'), SETUP);
  fs.writeFileSync(path.join(root, 'flow.lcp'), FLOW);
  out = path.join(root, 'out');
  const r = await runCli('compile', path.join(root, 'flow.lcp'), '-o', out, '--no-color');
  expect(r.code, r.stdout + r.stderr).toBe(0);
}, 60_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('tool setup and env, per-stage work directories', () => {
  it('the tool runs with its setup sourced and its env exported; other stages see neither', () => {
    const runDir = path.join(root, 'run-ok');
    const r = runLocal(runDir);
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    const work = (stage: string, corner: string, file: string) => path.join(runDir, 'work', stage, 'n', 'lib', corner, file);
    // env over setup (FROM_SETUP), env values read env variables (LIC's default), the input
    // comes from seed's directory, and the tool runs in its own stage's directory.
    expect(fs.readFileSync(work('run_probe', 'tt_0p80v_25c', 'probe.txt'), 'utf8')).toBe('fast|yes|env wins|1@lic|tt_0p80v_25c|tt_0p80v_25c\n');
    expect(fs.readFileSync(work('run_probe', 'tt_0p90v_25c', 'probe.txt'), 'utf8')).toBe('fast|yes|env wins|1@lic|tt_0p90v_25c|tt_0p90v_25c\n');
    // A shell stage gets no tool environment, but reads the tool's version and path.
    expect(fs.readFileSync(work('plain', 'tt_0p80v_25c', 'plain.txt'), 'utf8')).toBe(`unset|unset|3.1|${tools}/probe\n`);
    // Stages do not share directories: seed's file is only in seed's.
    expect(fs.existsSync(work('run_probe', 'tt_0p80v_25c', 'seed.txt'))).toBe(false);
    // A gather reads every job of the finer stage through its work_root.
    expect(fs.readFileSync(path.join(runDir, 'out', 'n', 'lib', 'all.txt'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('a setup that fails fails the job, with the setup named', () => {
    const runDir = path.join(root, 'run-fail');
    const r = runLocal(runDir, { PROBE_SETUP_FAIL: '1' });
    expect(r.code).not.toBe(0);
    const failed = fs.readFileSync(path.join(runDir, 'state', 'run_probe', 'n.lib.tt_0p80v_25c.failed'), 'utf8');
    expect(failed).toMatch(/^reason=command exited with code 1/m);
    expect(failed).toContain(`tool setup failed: ${tools}/setup.sh`);
  });

  it('a missing setup fails the preflight, before the tool runs', () => {
    const runDir = path.join(root, 'run-missing');
    const elsewhere = path.join(root, 'tools-without-setup');
    fs.mkdirSync(elsewhere);
    fs.copyFileSync(path.join(tools, 'probe'), path.join(elsewhere, 'probe'));
    fs.chmodSync(path.join(elsewhere, 'probe'), 0o755);
    const r = runLocal(runDir, { TOOLS: elsewhere });
    expect(r.code).not.toBe(0);
    const failed = fs.readFileSync(path.join(runDir, 'state', 'run_probe', 'n.lib.tt_0p80v_25c.failed'), 'utf8');
    expect(failed).toContain(`reason=preflight: tool setup not found: ${elsewhere}/setup.sh`);
    expect(fs.existsSync(path.join(runDir, 'work', 'run_probe', 'n', 'lib', 'tt_0p80v_25c', 'probe.txt'))).toBe(false);
  });
});
