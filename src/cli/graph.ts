/**
 * `libcc graph <file.lcp> [--format dot|mermaid|svg|html] [--stages|--jobs] [--max-jobs N]
 * [--rankdir LR|TB] [--slots N] [-o FILE]`: check, plan, and draw the plan
 * (src/emit/view). Wiring in main.ts:
 *
 *   colorOptions(configureGraphCommand(program.command('graph')))
 *     .action((file: string, options: GraphCliOptions) => {
 *       exitCode = graphCommand(analyseProgram(load(file), options), { ...options, color: … }, output);
 *     });
 */
import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { renderJson, renderRich, renderShort } from '../diagnostics/render.js';
import type { Analysis } from '../driver/analyse.js';
import type { LoadedProgram } from '../syntax/load.js';
import { DEFAULT_MAX_JOBS, GRAPH_FORMATS, renderGraph, type GraphFormat, type Rankdir } from '../emit/view/index.js';

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
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** Adds the `graph` command's description, argument and options (not `--color`). */
export function configureGraphCommand(command: Command): Command {
  return command
    .description('draw the plan: stage or job DAG with the critical path, as DOT, Mermaid, SVG or a self-contained HTML report')
    .argument('<file>', 'the pipeline (.lcp)')
    .addOption(new Option('--format <format>', 'output format').choices([...GRAPH_FORMATS]).default('mermaid'))
    .addOption(new Option('--stages', 'one node per stage (the default)').conflicts('jobs'))
    .addOption(new Option('--jobs', 'one node per job; grouped by array above --max-jobs jobs').conflicts('stages'))
    .option('--max-jobs <n>', `with --jobs, group jobs when there are more than N (default ${DEFAULT_MAX_JOBS})`, wholeNumber)
    .addOption(new Option('--rankdir <dir>', 'layout direction').choices(['LR', 'TB']).default('LR'))
    .option('--slots <n>', 'also compute the makespan when at most N slots run at once (shown in the HTML summary)', wholeNumber)
    .option('-o, --output <file>', 'write to FILE instead of standard output')
    .option('--templates <dir>', "site templates that override libcc's own (as for `compile`)")
    .addOption(new Option('--diagnostics <format>', 'format of diagnostics (on stderr)').choices(['rich', 'short', 'json']).default('rich'));
}

function renderDiagnostics(diagnostics: readonly Diagnostic[], loaded: LoadedProgram, format: DiagnosticFormat, color: boolean): string {
  if (format === 'json') return renderJson(diagnostics, loaded.sources);
  if (format === 'short') return renderShort(diagnostics, loaded.sources);
  return renderRich(diagnostics, loaded.sources, { color });
}

/** Renders the analysed plan; returns the exit code (0 ok, 1 diagnostics with errors, 2 cannot write). */
export function graphCommand(analysis: Analysis, options: GraphCommandOptions, output: GraphOutput): number {
  const { diagnostics, loaded } = analysis;
  const text =
    analysis.ok && analysis.plan !== undefined
      ? renderGraph(analysis.plan, {
          format: options.format,
          level: options.jobs === true ? 'jobs' : 'stages',
          ...(options.maxJobs === undefined ? {} : { maxJobs: options.maxJobs }),
          ...(options.rankdir === undefined ? {} : { rankdir: options.rankdir }),
        })
      : undefined;
  if (diagnostics.length > 0) output.stderr(renderDiagnostics(diagnostics, loaded, options.diagnostics, options.color));
  if (text === undefined) return 1;
  if (options.output === undefined) {
    output.stdout(text);
    return 0;
  }
  try {
    writeFileSync(options.output, text);
  } catch (error) {
    output.stderr(`libcc: error: cannot write \`${options.output}\`: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  output.stdout(`wrote ${options.output}\n`);
  return 0;
}
