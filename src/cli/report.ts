/**
 * `libcc report <generated dir> [-o report.html] [--format html|json] [--run-dir DIR]`: the run
 * report (src/report), and the `--history` option of `plan` and `compile` (src/history).
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import type { CheckedProgram } from '../check/model.js';
import type { Plan } from '../graph/plan.js';
import type { HistoryResult, HistoryRun } from '../history/learn.js';
import { replanWithHistory } from '../history/replan.js';
import { renderReportHtml } from '../report/html.js';
import { renderReportJson } from '../report/json.js';
import { buildReport } from '../report/model.js';
import { readEvents, readRun } from '../report/read-run.js';
import { MANIFEST } from './generated-dir.js';
import { markupOnTerminal, terminalSafe } from './io.js';
import { NotWritten, writeAtomically } from './write-atomically.js';
import { committedLinkRefusal } from './safe-fs.js';

export interface ReportCliOptions {
  readonly output?: string;
  readonly format: 'html' | 'json';
  readonly runDir?: string;
}

export interface ReportOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  stdoutIsTerminal?(): boolean;
}

export function configureReportCommand(command: Command): Command {
  return command
    .description('write the run report of a generated directory: matrix, failures, timeline vs plan, critical path, slot- and licence-hours, retries')
    .argument('<dir>', 'the generated directory (with plan.json, lib/jobs.tsv and run/)')
    .option('-o, --output <file>', 'write to FILE instead of standard output')
    .addOption(new Option('--format <format>', 'output format').choices(['html', 'json']).default('html'))
    // The scripts read LIBCC_RUN_DIR too: a shell that ran them with it set reports the same run.
    .addOption(new Option('--run-dir <dir>', 'the run directory when it is not <dir>/run ($LIBCC_RUN_DIR of the run)').env('LIBCC_RUN_DIR'));
}

/**
 * Returns the exit code: 0 written (problems reading the run are warnings), 2 no such directory,
 * not a generated one, a directory or `-o` reached through a symbolic link below the working
 * directory (or, for `-o`, below the generated directory), or the HTML report asked for on a
 * terminal.
 */
export function reportCommand(dir: string, options: ReportCliOptions, output: ReportOutput): number {
  // The rule of `compile -o` (safe-fs.ts): a symbolic link below the working directory on the way
  // to a directory read (`lnk/gen`) or to the file written (`-o site/report.html`) was committed.
  const refused =
    committedLinkRefusal(dir, [process.cwd()], `to read ${dir}`, 'give the real directory') ??
    (options.runDir === undefined ? undefined : committedLinkRefusal(options.runDir, [process.cwd()], `to read the run directory ${options.runDir}`, 'give the real directory with --run-dir')) ??
    (options.output === undefined ? undefined : committedLinkRefusal(options.output, [process.cwd(), dir], `to write ${options.output}`, 'give the real path with -o'));
  if (refused !== undefined) {
    output.stderr(terminalSafe(`libcc: error: ${refused}\n`));
    return 2;
  }
  if (!isRealDirectory(dir)) {
    output.stderr(terminalSafe(`libcc: error: \`${dir}\` is not a directory (a symbolic link is refused: give the real directory)\n`));
    return 2;
  }
  const notGenerated = notGeneratedHelp(dir);
  if (notGenerated !== undefined) {
    output.stderr(terminalSafe(`libcc: error: \`${dir}\` is not a generated directory: it has no ${GENERATED_MARKS.join(', ').replace(/, ([^,]*)$/, ' or $1')}\nhelp: ${notGenerated}\n`));
    return 2;
  }
  if (options.runDir !== undefined && !isRealDirectory(options.runDir)) {
    output.stderr(terminalSafe(`libcc: error: run directory \`${options.runDir}\` is not a directory\n`));
    return 2;
  }
  if (options.output === undefined && options.format === 'html') {
    const onTerminal = markupOnTerminal(output, 'the report, an HTML page,', 'write it to a file with `-o report.html`, or pipe it; `--format json` prints its data');
    if (onTerminal !== undefined) {
      output.stderr(onTerminal);
      return 2;
    }
  }
  if (options.runDir === undefined && !isRealDirectory(join(dir, 'run'))) {
    output.stderr(terminalSafe(`libcc: warning: no run state in ${join(dir, 'run')}: nothing has run yet, or the run directory is elsewhere (--run-dir, or LIBCC_RUN_DIR as the scripts had it)\n`));
  }
  const run = readRun(dir, options.runDir === undefined ? {} : { runDir: options.runDir });
  const model = buildReport(run);
  for (const p of model.problems.slice(0, 20)) output.stderr(terminalSafe(`libcc: warning: ${p}\n`));
  if (model.problems.length > 20) output.stderr(terminalSafe(`libcc: warning: … and ${model.problems.length - 20} more (listed in the report)\n`));
  const text = options.format === 'json' ? renderReportJson(model) : renderReportHtml(model);
  if (options.output === undefined) output.stdout(text);
  else {
    try {
      writeAtomically(options.output, text);
    } catch (error) {
      if (!(error instanceof NotWritten)) throw error;
      output.stderr(terminalSafe(`libcc: error: cannot write \`${options.output}\`: ${error.message}\n`));
      return 2;
    }
  }
  return 0;
}

/** What `libcc compile` writes into every generated directory; a directory with none of them is not one. */
const GENERATED_MARKS = ['plan.json', 'lib/jobs.tsv', MANIFEST] as const;

/**
 * Undefined when `dir` is a generated directory, else what to pass instead. A directory with
 * only some of the marks is one, damaged: the report lists what it cannot read. Without this,
 * the pipeline's own directory (an easy slip: the generated one is inside it) gave an empty
 * report, two warnings and exit 0.
 */
function notGeneratedHelp(dir: string): string | undefined {
  if (isGenerated(dir)) return undefined;
  // The pipeline's directory: `libcc compile` writes `<pipeline>` next to the .lcp file.
  const inside = subdirectories(dir).filter(isGenerated);
  if (inside.length === 1) return `did you mean \`${inside[0]}\`, the directory \`libcc compile\` wrote there?`;
  if (inside.length > 1) return `did you mean one of the directories \`libcc compile\` wrote there: ${inside.map((d) => `\`${d}\``).join(', ')}?`;
  // A directory inside one (its `run/`, `lib/`, …).
  const parent = dirname(dir);
  if (parent !== dir && isGenerated(parent)) return `did you mean \`${parent}\`, the generated directory it is in?`;
  if (exists(join(dir, 'events.jsonl')) || exists(join(dir, 'state'))) {
    return `this is a run directory: pass the generated directory whose scripts ran, with \`--run-dir ${dir}\``;
  }
  return "pass the directory `libcc compile` wrote: by default the pipeline's name, next to its .lcp file (`-o DIR` if the compile had it)";
}

function isGenerated(dir: string): boolean {
  return GENERATED_MARKS.some((mark) => exists(join(dir, ...mark.split('/'))));
}

/** Whether there is an entry at `path` (a link is not followed: the reader refuses it, and says so). */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(dir, entry.name))
      .sort();
  } catch {
    return [];
  }
}

function isRealDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Learns estimates from `dirs` (read here) and plans again with them (src/history/replan.ts). */
export function planWithHistory(program: CheckedProgram, plan: Plan, dirs: readonly string[], slots?: number): { plan: Plan; history: HistoryResult; text: string; problems: string[] } {
  const { runs, problems } = readHistory(dirs);
  return { ...replanWithHistory(program, plan, runs, slots), problems };
}

/** A `--history` argument: a run directory (with events.jsonl) or a generated directory (with run/). */
export function readHistory(dirs: readonly string[]): { runs: HistoryRun[]; problems: string[] } {
  const problems: string[] = [];
  const runs: HistoryRun[] = [];
  for (const dir of dirs) {
    const refused = committedLinkRefusal(dir, [process.cwd()], `to read ${dir}`, 'give the real directory');
    if (refused !== undefined) {
      problems.push(refused);
      continue;
    }
    if (!isRealDirectory(dir)) {
      problems.push(`${dir}: not a directory`);
      continue;
    }
    const runDir = existsSync(join(dir, 'events.jsonl')) || !isRealDirectory(join(dir, 'run')) ? dir : join(dir, 'run');
    const events = readEvents(runDir, problems, `${runDir}/`);
    if (events.length === 0) problems.push(`${runDir}: no events (events.jsonl missing or empty)`);
    runs.push({ label: dir, events });
  }
  return { runs, problems };
}
