// CLI startup: CPU time of whole `libcc` processes (`--version`, `check` on the n2 example)
// against bare `node -e 0`, measured in the same run. Each command runs `runs` times, interleaved
// with the others; CPU time (user + system) is what bash's `times` reports for its children, so
// the whole process is counted, module loading and exit included.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const STARTUP_COMMANDS = [
  { label: 'node -e 0', args: ['-e', '0'] },
  { label: 'libcc --version', args: ['bin/libcc.js', '--version'] },
  { label: 'libcc check examples/n2_tanager/flow.lcp', args: ['bin/libcc.js', 'check', 'examples/n2_tanager/flow.lcp'] },
];

const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/** CPU milliseconds (user + system) of one process running `node …args` in the package root. */
export function cpuMs(args) {
  const script = `${[process.execPath, ...args].map(quote).join(' ')} >/dev/null 2>&1; times`;
  const out = execFileSync('bash', ['-c', script], { cwd: root, encoding: 'utf8' });
  // `times` prints the shell's own times, then its children's: "0m0.190s 0m0.021s".
  const children = out.trim().split('\n').pop() ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (seconds.length !== 2) throw new Error(`unexpected output of bash's times: ${out}`);
  return (seconds[0] + seconds[1]) * 1000;
}

/** Median and minimum CPU ms per command over `runs` interleaved runs (after one warm-up each). */
export function measureStartup(runs = 10, commands = STARTUP_COMMANDS) {
  const samples = commands.map(() => []);
  for (const command of commands) cpuMs(command.args); // warm the file cache
  for (let i = 0; i < runs; i++) commands.forEach((command, j) => samples[j].push(cpuMs(command.args)));
  return commands.map((command, j) => {
    const sorted = [...samples[j]].sort((a, b) => a - b);
    return { label: command.label, medianMs: sorted[Math.floor(sorted.length / 2)], minMs: sorted[0], runs };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const row of measureStartup(Number(process.argv[2] ?? 10))) console.log(`${row.label.padEnd(45)} cpu median ${row.medianMs.toFixed(0)} ms, min ${row.minMs.toFixed(0)} ms`);
}
