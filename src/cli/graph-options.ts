/**
 * The `graph` command's options (src/cli/graph.ts draws). Kept apart from graph.ts so that
 * declaring the command does not load the picture renderers and their layout library.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { GraphFormat, Rankdir } from '../emit/view/index.js';
import { DEFAULT_MAX_JOBS, MAX_LAID_OUT_NODES } from '../emit/view/model.js';

/** As `GRAPH_FORMATS` of src/emit/view (tests/cli/main.test.ts keeps the two equal). */
export const GRAPH_FORMATS: readonly GraphFormat[] = ['dot', 'mermaid', 'svg', 'html'];

type DiagnosticFormat = 'rich' | 'short' | 'json';

/** What commander hands the action (before the colour decision). */
export interface GraphCliOptions {
  readonly format: GraphFormat;
  readonly stages?: boolean;
  readonly jobs?: boolean;
  readonly maxJobs?: number;
  readonly rankdir?: Rankdir;
  readonly slots?: number;
  readonly output?: string;
  readonly templates?: string;
  readonly diagnostics: DiagnosticFormat;
  readonly color?: boolean;
}

export interface GraphCommandOptions extends Omit<GraphCliOptions, 'color'> {
  /** Colour in diagnostics (decided by the caller: `useColor(process.stderr, …)`). */
  readonly color: boolean;
}

export interface GraphOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  stdoutIsTerminal?(): boolean;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** Adds the `graph` command's description, argument and options (not `--color`, `--quiet` and `--diagnostic-format`, which main.ts adds to every command; `--diagnostics` is its hidden alias). */
export function configureGraphCommand(command: Command): Command {
  return command
    .description('draw the plan: stage or job DAG with the critical path, as DOT, Mermaid, SVG or a self-contained HTML report')
    .argument('<file>', 'the pipeline (.lcp)')
    .addOption(new Option('--format <format>', 'output format').choices([...GRAPH_FORMATS]).default('mermaid'))
    .addOption(new Option('--stages', 'one node per stage (the default)').conflicts('jobs'))
    .addOption(new Option('--jobs', 'one node per job; grouped by array above --max-jobs jobs').conflicts('stages'))
    .option('--max-jobs <n>', `with --jobs, group jobs when there are more than N (default ${DEFAULT_MAX_JOBS}; svg and html draw at most ${MAX_LAID_OUT_NODES} nodes)`, wholeNumber)
    .addOption(new Option('--rankdir <dir>', 'layout direction').choices(['LR', 'TB']).default('LR'))
    .option('--slots <n>', 'also compute the makespan when at most N slots run at once (shown in the HTML summary)', wholeNumber)
    .option('-o, --output <file>', 'write to FILE instead of standard output')
    .option('--templates <dir>', "site templates that override libcc's own (as for `compile`)")
    // The older name of main.ts's `--diagnostic-format`, kept as an alias.
    .addOption(new Option('--diagnostics <format>', 'the same as --diagnostic-format').choices(['rich', 'short', 'json']).default('rich').hideHelp());
}

