// Writes a valid done-marker for every job of a generated directory (as if a run had finished
// them all), from lib/jobs.tsv, so submit.sh and status.sh can be timed on a finished run:
// each marker holds the job's fingerprint, an id, and its parents' `stage/key=id`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeDoneMarkers(generatedDir, runDir) {
  const rows = readFileSync(join(generatedDir, 'lib/jobs.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split('\t'));
  const byNum = new Map(rows.map((r) => [r[0], r]));
  const made = new Set();
  for (const [num, stage, , , key, fingerprint, parents] of rows) {
    const dir = join(runDir, 'state', stage);
    if (!made.has(dir)) mkdirSync(dir, { recursive: true });
    made.add(dir);
    const consumed = parents === '-' ? '' : parents.split(',').map((p) => `${byNum.get(p)[1]}/${byNum.get(p)[4]}=id${p}`).join(' ');
    writeFileSync(join(dir, `${key}.done`), `fingerprint=${fingerprint}\nid=id${num}\nparents=${consumed}\nhost=bench\nattempts=1\njob_id=\n`);
  }
  return rows.length;
}

if (process.argv[1] && process.argv[1].endsWith('markers.js')) console.log(writeDoneMarkers(process.argv[2], process.argv[3]));
