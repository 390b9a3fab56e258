/**
 * `libcc graph <file.lcp> [--format dot|mermaid|svg|html] [--stages|--jobs] [--max-jobs N]
 * [--rankdir LR|TB] [--slots N] [-o FILE]`: check, plan, and draw the plan
 * (src/emit/view). Wiring in main.ts:
 *
 *   colorOptions(configureGraphCommand(program.command('graph')))
 *     .action((file: string, options: GraphCliOptions) => {
 *       const { graphCommand } = await import('./graph.js');
 *       exitCode = graphCommand(analyseProgram(load(file), options), { ...options, color: … }, output);
 *     });
 *
 * The options live in graph-options.ts, which does not load the layout library (dagre): main.ts
 * imports this module only when `graph` runs (startup time, issue 10).
 */
import { dirname } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { renderJson, renderRich, renderShort } from '../diagnostics/render.js';
import type { Analysis } from '../driver/analyse.js';
import type { LoadedProgram } from '../syntax/load.js';
import { GraphTooLargeError, renderGraph } from '../emit/view/index.js';
import type { GraphCommandOptions, GraphOutput } from './graph-options.js';
import { writeAtomically } from './write-atomically.js';
import { markupOnTerminal, terminalSafe } from './io.js';
import { committedLinkRefusal } from './safe-fs.js';

export { configureGraphCommand, type GraphCliOptions, type GraphCommandOptions, type GraphOutput } from './graph-options.js';

type DiagnosticFormat = 'rich' | 'short' | 'json';

function renderDiagnostics(diagnostics: readonly Diagnostic[], loaded: LoadedProgram, format: DiagnosticFormat, color: boolean): string {
  if (format === 'json') return renderJson(diagnostics, loaded.sources);
  if (format === 'short') return renderShort(diagnostics, loaded.sources);
  return renderRich(diagnostics, loaded.sources, { color });
}

/**
 * Renders the analysed plan; returns the exit code (0 ok, 1 diagnostics with errors, 2 cannot
 * write, `-o` reached through a symbolic link below the working directory or the pipeline's
 * directory, too big to lay out, or SVG or HTML asked for on a terminal).
 */
export function graphCommand(analysis: Analysis, options: GraphCommandOptions, output: GraphOutput): number {
  const { diagnostics, loaded } = analysis;
  if (options.output === undefined && (options.format === 'svg' || options.format === 'html')) {
    const refused = markupOnTerminal(
      output,
      options.format === 'svg' ? 'an SVG picture' : 'an HTML page',
      `write it to a file with \`-o graph.${options.format}\`, or pipe it; \`--format mermaid\` and \`--format dot\` draw the graph as text`,
    );
    if (refused !== undefined) {
      output.stderr(refused);
      return 2;
    }
  }
  if (options.output !== undefined) {
    // The rule of `compile -o` (safe-fs.ts): `-o site/graph.html` with a committed `site -> /elsewhere` is refused.
    const refused = committedLinkRefusal(options.output, [process.cwd(), dirname(loaded.rootPath)], `to write ${options.output}`, 'give the real path with -o');
    if (refused !== undefined) {
      output.stderr(terminalSafe(`libcc: error: ${refused}\n`));
      return 2;
    }
  }
  let text: string | undefined;
  let tooLarge: GraphTooLargeError | undefined;
  try {
    text =
      analysis.ok && analysis.plan !== undefined
        ? renderGraph(analysis.plan, {
            format: options.format,
            level: options.jobs === true ? 'jobs' : 'stages',
            ...(options.maxJobs === undefined ? {} : { maxJobs: options.maxJobs }),
            ...(options.rankdir === undefined ? {} : { rankdir: options.rankdir }),
          })
        : undefined;
  } catch (error) {
    if (!(error instanceof GraphTooLargeError)) throw error;
    tooLarge = error;
  }
  if (diagnostics.length > 0) output.stderr(renderDiagnostics(diagnostics, loaded, options.diagnostics, options.color));
  if (tooLarge !== undefined) {
    // Options that ask for a picture no layout makes in reasonable time or memory: a usage error.
    output.stderr(
      terminalSafe(`libcc: error: ${tooLarge.message}\n`) +
        'help: group the jobs with a smaller --max-jobs (arrays, then stages, become one node each), or draw every job with --format dot or --format mermaid, which libcc does not lay out\n',
    );
    return 2;
  }
  if (text === undefined) return 1;
  if (options.output === undefined) {
    output.stdout(text);
    return 0;
  }
  try {
    // Never through a link at that name (a repository can commit `graph.html -> ~/.bashrc`): replaced instead.
    writeAtomically(options.output, text);
  } catch (error) {
    output.stderr(terminalSafe(`libcc: error: cannot write \`${options.output}\`: ${error instanceof Error ? error.message : String(error)}\n`));
    return 2;
  }
  output.stdout(terminalSafe(`wrote ${options.output}\n`));
  return 0;
}
