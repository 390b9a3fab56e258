// Generates a synthetic pipeline with about `jobs` jobs: 8 element-wise stages per library and
// corner, a gather per library, and a final gather over everything.
export function generatePipeline(targetJobs) {
  const elementStages = 8;
  const corners = Math.max(2, Math.min(100, Math.round(Math.sqrt(targetJobs / elementStages))));
  const libraries = Math.max(1, Math.round(targetJobs / elementStages / corners));
  const lines = [];
  lines.push(`pipeline bench_${targetJobs}`, '', 'env KIT_ROOT: path', '');
  lines.push('queue normal { max_mem = 256GB  max_runtime = 72h  max_slots = 64 }', '');
  lines.push('node n3 { vdd = 0.3V .. 1.2V  temperature = -40C .. 150C  processes = [ss, tt, ff]  rc_corners = [typical, cworst_CCworst_T] }', '');
  const cornerNames = [];
  for (let i = 0; i < corners; i++) {
    const millivolts = 400 + (i % 50) * 10;
    const volts = `0p${String(millivolts).padStart(3, '0')}v`;
    const temperature = i < 50 ? 'm40c' : '125c';
    const name = `${['ss', 'tt', 'ff'][i % 3]}_${volts}_${temperature}_typical`;
    cornerNames.push(name);
    lines.push(`corner ${name} { mc_samples = 100 }`);
  }
  lines.push('', `corners all_corners = [${cornerNames.join(', ')}]`, '');
  for (let l = 0; l < libraries; l++) {
    lines.push(`library lib${l} : n3 { kit = "\${KIT_ROOT}/lib${l}"  corners = all_corners }`);
  }
  lines.push('');
  for (let s = 0; s < elementStages; s++) {
    const after = s === 0 ? '' : ` after s${s - 1}`;
    lines.push(
      `stage s${s} for each library, corner${after} {`,
      `  run = shell """echo "\${library.name} \${corner.name}" > "\${work}/s${s}.out" """`,
      `  expect "\${work}/s${s}.out" == 1`,
      `  resources { cpus = ${1 + (s % 4)}  mem = 8GB  runtime = 12h }`,
      `  estimate = ${30 + s * 15}m`,
      '}',
    );
  }
  lines.push(
    `stage gather for each library after s${elementStages - 1} {`,
    '  run = shell """cat "${work}"/*/s7.out > "${out}/all.txt" """',
    '  expect "${out}/all.txt" == 1',
    '  estimate = 20m',
    '}',
    'stage release after gather {',
    '  run = shell """echo done > "${out}/release.txt" """',
    '  expect "${out}/release.txt" == 1',
    '  estimate = 5m',
    '}',
  );
  return { text: lines.join('\n') + '\n', expectedJobs: elementStages * libraries * corners + libraries + 1 };
}
