// Generates the compile-at-scale flow in a directory: copy → characterize (a Liberate deck) →
// post per library × corner, plus a per-library merge, so about `targetJobs` jobs; the corners
// are in a corners.yaml next to the .lcp. Returns the .lcp path and the exact job count.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function generateCompileFlow(dir, targetJobs) {
  const corners = Math.max(2, Math.min(100, Math.round(Math.sqrt(targetJobs / 3))));
  const libraries = Math.max(1, Math.round(targetJobs / (3 * corners + 1)));
  const yaml = ['corners:'];
  const names = [];
  for (let i = 0; i < corners; i++) {
    const process = ['ss', 'tt', 'ff'][i % 3];
    const millivolts = 400 + (i % 50) * 10;
    const name = `${process}_0p${String(millivolts).padStart(3, '0')}v_${i < 50 ? 'm40c' : '125c'}_typical`;
    names.push(name);
    yaml.push(`  - name: ${name}`, '    mc_samples: 100');
  }
  yaml.push('', 'sets:', '  all:', ...names.map((n) => `    - ${n}`));
  const lines = [
    `pipeline scale_${targetJobs}`,
    '',
    'import "corners.yaml"',
    '',
    'env KIT_ROOT: path',
    'env TOOLS_ROOT: path = "/tools"',
    '',
    'site { max_array_size = 1000 }',
    'queue normal { max_mem = 256GB  max_runtime = 72h  max_slots = 64 }',
    'node n3 { vdd = 0.3V .. 1.2V  temperature = -40C .. 150C  processes = [ss, tt, ff]  rc_corners = [typical] }',
    '',
    'tool liberate { path = "${TOOLS_ROOT}/liberate/bin/liberate"  args = ["--trio"]  kind = liberate }',
    '',
  ];
  for (let l = 0; l < libraries; l++) {
    lines.push(`library lib${l} : n3 { kit = "\${KIT_ROOT}/lib${l}"  cells = "\${KIT_ROOT}/lib${l}/cells.list"  corners = all }`);
  }
  lines.push(
    '',
    'stage copy for each library, corner {',
    '  run = shell """mkdir -p "${work}/netlists" && cp -R "${library.kit}/LPE/." "${work}/netlists/" """',
    '  expect "${work}/netlists/*.spi" >= 1',
    '  resources { cpus = 1  mem = 2GB  runtime = 30m }',
    '  estimate = 10m',
    '}',
    'stage characterize for each library, corner after copy {',
    '  run = liberate deck "liberate/char.tcl.hbs"',
    '  deck { packet_clients = 0  netlist_format = hspice }',
    '  expect "${work}/char/*.lib" >= 1',
    '  resources { cpus = 8  mem = 32GB  runtime = 24h }',
    '  estimate = 4h',
    '}',
    'stage post for each library, corner after characterize {',
    '  run = shell """mkdir -p "${out}" && cp "${work}"/char/*.lib "${out}/${corner.name}.lib" """',
    '  expect "${out}/${corner.name}.lib" == 1',
    '  resources { cpus = 1  mem = 1GB  runtime = 30m }',
    '  estimate = 5m',
    '}',
    'stage merge for each library after post {',
    '  run = shell """cat "${out}"/*/*.lib > "${out}/${library.name}.lib" """',
    '  expect "${out}/${library.name}.lib" == 1',
    '  resources { cpus = 1  mem = 1GB  runtime = 30m }',
    '  estimate = 10m',
    '}',
  );
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'corners.yaml'), `${yaml.join('\n')}\n`);
  const lcp = join(dir, 'flow.lcp');
  writeFileSync(lcp, `${lines.join('\n')}\n`);
  return { lcp, jobs: 3 * libraries * corners + libraries, libraries, corners };
}

/**
 * The same DAG as a Makefile (one target per job, the same edges), for the `make -n` row: what
 * a build tool spends walking this graph when nothing exists yet. Recipes only `touch`.
 */
export function generateMakefile(dir, flow) {
  const lines = ['.PHONY: all', ''];
  const merges = [];
  for (let l = 0; l < flow.libraries; l++) {
    const posts = [];
    for (let c = 0; c < flow.corners; c++) {
      const key = `lib${l}/c${c}`;
      lines.push(`copy/${key}:`, '\tmkdir -p $(@D) && touch $@');
      lines.push(`characterize/${key}: copy/${key}`, '\tmkdir -p $(@D) && touch $@');
      lines.push(`post/${key}: characterize/${key}`, '\tmkdir -p $(@D) && touch $@');
      posts.push(`post/${key}`);
    }
    lines.push(`merge/lib${l}: ${posts.join(' ')}`, '\tmkdir -p $(@D) && touch $@');
    merges.push(`merge/lib${l}`);
  }
  lines.splice(1, 0, `all: ${merges.join(' ')}`);
  const makefile = join(dir, 'Makefile');
  writeFileSync(makefile, `${lines.join('\n')}\n`);
  return makefile;
}

/**
 * The same DAG as a Snakefile, written as a Snakemake user would (one rule per stage, wildcards
 * for library and corner, the merge gathering its library's corners with `expand`), for the
 * `snakemake -n` row. Recipes only `touch`.
 */
export function generateSnakefile(dir, flow) {
  const list = (prefix, n) => `[${Array.from({ length: n }, (_, i) => `'${prefix}${i}'`).join(', ')}]`;
  const lines = [
    `LIBRARIES = ${list('lib', flow.libraries)}`,
    `CORNERS = ${list('c', flow.corners)}`,
    '',
    'rule all:',
    '    input: expand("merge/{library}", library=LIBRARIES)',
    '',
    'rule copy:',
    '    output: "copy/{library}/{corner}"',
    '    shell: "touch {output}"',
    '',
    'rule characterize:',
    '    input: "copy/{library}/{corner}"',
    '    output: "characterize/{library}/{corner}"',
    '    shell: "touch {output}"',
    '',
    'rule post:',
    '    input: "characterize/{library}/{corner}"',
    '    output: "post/{library}/{corner}"',
    '    shell: "touch {output}"',
    '',
    'rule merge:',
    '    input: expand("post/{{library}}/{corner}", corner=CORNERS)',
    '    output: "merge/{library}"',
    '    shell: "touch {output}"',
  ];
  const snakefile = join(dir, 'Snakefile');
  writeFileSync(snakefile, `${lines.join('\n')}\n`);
  return snakefile;
}
