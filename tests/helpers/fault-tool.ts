/**
 * The pipeline and the tool the fault-injection suites share (tests/e2e/faults.test.ts on the
 * LSF stand-in and run-local.sh, tests/slurm/faults.test.ts on a real Slurm): two libraries × two
 * corners of `make`, then a `gather` per library, each running the tool below.
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * The fault pipeline, named `name`; `site` (e.g. `site { scheduler = slurm }`) goes after the
 * name, `makeResources` (e.g. `requeue = [75]`) into the `make` stage's `resources { … }`,
 * `makeProperties` (e.g. `array_limit = 2`) into its body.
 */
export function faultFlow(name: string, site = '', makeResources = '', makeProperties = ''): string {
  return `pipeline ${name}
${site === '' ? '' : `${site}\n`}
env FAULT_HOOK: path  // the test tool

node n5 { vdd = 0.5V .. 0.9V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical] }
corner tt_0p75v_25c_typical {}
corner ss_0p675v_m40c_typical {}
library a : n5 { corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical] }
library b : n5 { corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical] }

stage make for each library, corner {
  run = shell """"\${FAULT_HOOK}" make "\${library.id}.\${corner.name}" "\${out}" """
  expect "\${out}/result" == 1${makeResources === '' ? '' : `\n  resources { ${makeResources} }`}${makeProperties === '' ? '' : `\n  ${makeProperties}`}
}
stage gather for each library after make {
  run = shell """"\${FAULT_HOOK}" gather "\${library.id}" "\${out}" """
  expect "\${out}/result" == 1
}
`;
}

/**
 * The tool (FAULT_HOOK, with FAULT_DIR): records each run in $FAULT_DIR/ran, its pid in
 * pid.<stage>.<key>, and touches running.<stage>.<key>; then, per file in $FAULT_DIR:
 * gate.<stage>.<key> waits for `open` (or for the directory to go), exit.<stage>.<key> is removed
 * and the tool exits with the code it holds (once), noout.<stage>.<key> exits 0 without writing its output, fill.<stage>.<key> fills the file system its content names; then
 * it writes `result`.
 */
export const FAULT_TOOL = `#!/bin/bash
stage=$1 key=$2 out=$3 d=$FAULT_DIR
mkdir -p "$out"
echo "$stage $key" >>"$d/ran"
echo $$ >"$d/pid.$stage.$key"
touch "$d/running.$stage.$key"
if [ -e "$d/gate.$stage.$key" ]; then while [ ! -e "$d/open" ] && [ -d "$d" ]; do sleep 0.05; done; fi
if [ -e "$d/exit.$stage.$key" ]; then code=$(cat "$d/exit.$stage.$key"); rm "$d/exit.$stage.$key"; echo "exiting with $code"; exit "$code"; fi
if [ -e "$d/noout.$stage.$key" ]; then echo "finished, wrote nothing"; exit 0; fi
if [ -e "$d/fill.$stage.$key" ]; then head -c 64M /dev/zero >"$(cat "$d/fill.$stage.$key")" 2>/dev/null || true; fi
echo ok >"$out/result"
`;

/**
 * Makes `site`'s jobs run through FAULT_TOOL: `<root>/faults` (the gates and records the tool
 * uses, returned) and the hook, both passed in the site's environment.
 */
export function installFaultTool(site: { readonly root: string; readonly env: Record<string, string> }): string {
  const faults = path.join(site.root, 'faults');
  fs.mkdirSync(faults);
  const hook = path.join(site.root, 'hook.sh');
  fs.writeFileSync(hook, FAULT_TOOL, { mode: 0o755 });
  Object.defineProperty(site, 'env', { value: { ...site.env, FAULT_HOOK: hook, FAULT_DIR: faults } });
  return faults;
}
