// Writes a valid done-marker for every job of a generated directory (as if a run had finished
// them all), from lib/jobs.tsv, so submit.sh and status.sh can be timed on a finished run:
// each marker holds the job's fingerprint, an id, its parents' `stage/key=id`, and one output
// (`outputs=`, as a job's `expect` records it), the same small file for every job: a job
// downstream checks its parents' outputs before its command, and must find them as recorded.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeDoneMarkers(generatedDir, runDir) {
  const rows = readFileSync(join(generatedDir, 'lib/jobs.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split('\t'));
  const byNum = new Map(rows.map((r) => [r[0], r]));
  const made = new Set();
  mkdirSync(join(runDir, 'out'), { recursive: true });
  const output = join(runDir, 'out', 'result.lib');
  writeFileSync(output, 'library(bench) { }\n');
  // Size and modification time to the nanosecond, as GNU `stat -c '%s|%.9Y'` prints them.
  const stat = statSync(output, { bigint: true });
  const outputs = `${output}|${stat.size}|${stat.mtimeNs / 1_000_000_000n}.${String(stat.mtimeNs % 1_000_000_000n).padStart(9, '0')}`;
  for (const [num, stage, , , key, fingerprint, parents] of rows) {
    const dir = join(runDir, 'state', stage);
    if (!made.has(dir)) mkdirSync(dir, { recursive: true });
    made.add(dir);
    const consumed = parents === '-' ? '' : parents.split(',').map((p) => `${byNum.get(p)[1]}/${byNum.get(p)[4]}=id${p}`).join(' ');
    writeFileSync(join(dir, `${key}.done`), `fingerprint=${fingerprint}\nid=id${num}\nparents=${consumed}\noutputs=${outputs}\nhost=bench\nattempts=1\njob_id=\n`);
  }
  return rows.length;
}

if (process.argv[1] && process.argv[1].endsWith('markers.js')) console.log(writeDoneMarkers(process.argv[2], process.argv[3]));
