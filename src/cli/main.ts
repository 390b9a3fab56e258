/**
 * `libcc` command line. Exit codes: 0 ok (warnings allowed), 1 diagnostics with errors,
 * 2 usage or internal error. User mistakes never produce a stack trace.
 */
import { readFileSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { dedupeDiagnostics } from '../driver/analyse.js';
import { SCHEDULER_NAMES, type SchedulerName } from '../schedulers/index.js';
import { programRoots } from '../driver/roots.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { explainCode } from '../diagnostics/explain.js';
import { ALL_CODES } from '../diagnostics/codes.js';
import { renderGithub } from '../diagnostics/github.js';
import { renderSarif } from '../diagnostics/sarif.js';
import type { SourceFile } from '../diagnostics/source.js';
import { formatPlanJson, formatPlanText } from '../graph/format-plan.js';
import { expandCheckPaths } from './check-paths.js';
import { compileCommand, diffCommand, type CompileOptions } from './compile.js';
import { completionModel, completionScript, SHELLS, type Shell } from './completion.js';
import { fmtCommand, STDIN_NAME } from './fmt.js';
import { initCommand } from './init.js';
import { configureGraphCommand, type GraphCliOptions } from './graph-options.js';
import { fileSystemHost, linkLeavesDirectory, packageRoot, packageVersion, REPORT_BUG, terminalSafe, useColor } from './io.js';
import { analyseProgram, errorsOnly, load, renderDiagnostics, type DiagnosticFormat } from './load-pipeline.js';
import { configureReportCommand, planWithHistory, reportCommand, type ReportCliOptions } from './report.js';
import { writeAtomically } from './write-atomically.js';
import { EXIT_DIAGNOSTICS, EXIT_OK, EXIT_USAGE, processOutput, UsageError, type Output } from './usage.js';

function version(): string {
  return packageVersion();
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** Runs the CLI; returns the exit code. `argv` is `process.argv`-shaped. */
export async function main(argv: readonly string[], output: Output = processOutput): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command();
  program
    .name('libcc')
    .description('Library Characterization Compiler: type-check, plan and compile .lcp characterization pipelines')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run `libcc --help` for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.stdout(text),
      // Commander's messages quote the arguments (`unknown option '…'`).
      writeErr: (text) => output.stderr(terminalSafe(text)),
    });

  /** `--scheduler`: overrides the site's `scheduler` (check and plan validate for it too). */
  const schedulerOption = () => new Option('--scheduler <name>', "scheduler to generate for (default: the site's `scheduler`, else lsf)").choices([...SCHEDULER_NAMES]);
  const colorOptions = (command: Command) =>
    command
      .option('--color', 'force colour on')
      .option('--no-color', 'turn colour off (also NO_COLOR=1, FORCE_COLOR=0, TERM=dumb)')
      .option('-q, --quiet', 'print errors only: no warnings or notes, no success line');
  /** `--diagnostic-format` (every command), with the command's older name kept as a hidden alias. */
  const diagnosticFormatOptions = (command: Command, alias: '--format' | '--diagnostics', choices: readonly string[], description = 'format of diagnostics') => {
    command.addOption(new Option('--diagnostic-format <format>', `${description} (also \`${alias}\`)`).choices(choices).default('rich'));
    // graph-options.ts declares graph's `--diagnostics` itself (hidden there).
    if (!command.options.some((option) => option.long === alias)) {
      command.addOption(new Option(`${alias} <format>`, 'the same as --diagnostic-format').choices(choices).hideHelp());
    }
    return command;
  };

  colorOptions(
    diagnosticFormatOptions(
      program.command('check'),
      '--format',
      CHECK_FORMATS,
      'diagnostic format (`text` is `rich`; `sarif` for code scanning, `github` for workflow annotations)',
    )
      .description('type-check pipelines and print every diagnostic')
      .argument('<paths...>', '.lcp files, directories (every *.lcp under them) or globs (`flows/**/*.lcp`); `-` reads standard input')
      .option('--stdin-filename <path>', 'the name of standard input (`-`) in diagnostics; its imports resolve next to it')
      .option('--max-warnings <n>', 'exit 1 when there are more than N warnings', nonNegativeInteger)
      .option('--strict', 'warnings fail the check too (exit 1)')
      .option('--templates <dir>', "site templates that override libcc's own (as for `compile`)")
      .addOption(schedulerOption()),
  ).action((paths: string[], options: CheckOptions, command: Command) => {
    const named = paths.filter((path) => path !== '-');
    const expansion = named.length === 0 ? { files: [] } : expandCheckPaths(named);
    if ('problem' in expansion) throw new UsageError(expansion.problem);
    // `-`: standard input, named --stdin-filename (imports resolve next to that name).
    const stdinName = options.stdinFilename ?? STDIN_NAME;
    const stdinText = paths.includes('-') ? readStdin() : undefined;
    if (paths.includes('-') && stdinText === undefined) throw new UsageError('cannot read standard input');
    const files = stdinText === undefined ? expansion.files : [stdinName, ...expansion.files.filter((file) => file !== stdinName)];
    const programs = files.map((file) => load(file, file === stdinName ? stdinText : undefined));
    const all: Diagnostic[] = [];
    const sources = new Map<string, SourceFile>();
    for (const loaded of programRoots(programs)) {
      all.push(...analyseProgram(loaded, options).diagnostics);
      for (const [path, source] of loaded.sources) sources.set(path, source);
    }
    const everything = sortDiagnostics(dedupeDiagnostics(all));
    const warnings = everything.filter((d) => d.severity === 'warning').length;
    const warningsFail = (options.strict === true && warnings > 0) || (options.maxWarnings !== undefined && warnings > options.maxWarnings);
    // `--quiet` hides warnings, but not those that fail the check: a failure shows its cause.
    const diagnostics = options.quiet && !warningsFail ? errorsOnly(everything) : everything;
    const chosen = diagnosticFormat(command, 'format') as CheckFormat;
    const format = chosen === 'text' ? 'rich' : chosen;
    if (format === 'sarif') {
      output.stdout(renderSarif(diagnostics, sources, { toolVersion: version(), pages: errorPages() }));
    } else if (format === 'github') {
      output.stdout(renderGithub(diagnostics, sources));
    } else {
      output.stdout(renderDiagnostics(diagnostics, sources, format, useColor(process.stdout, options.color)));
      if (format === 'rich' && everything.length === 0 && !options.quiet) output.stdout(terminalSafe(`ok: ${files.length === 1 ? files[0] : `${files.length} files`} checked, no problems\n`));
    }
    const plural = `${warnings} warning${warnings === 1 ? '' : 's'}`;
    if (hasErrors(everything)) exitCode = EXIT_DIAGNOSTICS;
    else if (options.strict && warnings > 0) {
      output.stderr(`libcc: ${plural}, and --strict makes warnings fail the check\n`);
      exitCode = EXIT_DIAGNOSTICS;
    } else if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
      output.stderr(`libcc: ${plural}, more than --max-warnings ${options.maxWarnings} allows\n`);
      exitCode = EXIT_DIAGNOSTICS;
    } else exitCode = EXIT_OK;
  });

  colorOptions(
    diagnosticFormatOptions(program.command('plan'), '--diagnostics', DIAGNOSTIC_FORMATS, 'format of diagnostics (on stderr)')
      .description('expand a pipeline into its job graph: jobs per stage, critical path, makespan, slot-hours')
      .argument('<file>', 'the pipeline (.lcp)')
      .option('--slots <n>', 'also compute the makespan when at most N slots run at once', positiveInteger)
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .option('--templates <dir>', "site templates that override libcc's own (as for `compile`)")
      .option('--history <dirs...>', 'estimate each job from the measured times of earlier runs (run or generated directories; docs/report.md)')
      .addOption(schedulerOption()),
  ).action((file: string, options: { slots?: number; format: 'text' | 'json'; color?: boolean; templates?: string; quiet?: boolean; scheduler?: SchedulerName; history?: string[] }, command: Command) => {
    const loaded = load(file);
    const analysis = analyseProgram(loaded, options);
    const color = useColor(process.stderr, options.color);
    const shown = options.quiet ? errorsOnly(analysis.diagnostics) : analysis.diagnostics;
    if (shown.length > 0) output.stderr(renderDiagnostics(shown, loaded.sources, diagnosticFormat(command, 'diagnostics') as DiagnosticFormat, color));
    if (!analysis.ok || analysis.plan === undefined) {
      exitCode = EXIT_DIAGNOSTICS;
      return;
    }
    let plan = analysis.plan;
    if (options.history !== undefined && analysis.program !== undefined) {
      const learned = planWithHistory(analysis.program, plan, options.history, options.slots);
      for (const p of learned.problems) output.stderr(terminalSafe(`libcc: warning: ${p}\n`));
      plan = learned.plan;
      // The estimates' errors: after a text plan on stdout, on stderr beside JSON.
      if (options.format === 'json') output.stderr(learned.text);
      else output.stdout(`${formatPlanText(plan)}\n${learned.text}`);
      if (options.format === 'json') output.stdout(formatPlanJson(plan));
      exitCode = EXIT_OK;
      return;
    }
    output.stdout(options.format === 'json' ? formatPlanJson(plan) : formatPlanText(plan));
    exitCode = EXIT_OK;
  });

  configureReportCommand(program.command('report')).action((dir: string, options: ReportCliOptions) => {
    exitCode = reportCommand(dir, options, output);
  });

  colorOptions(
    diagnosticFormatOptions(program.command('compile'), '--diagnostics', DIAGNOSTIC_FORMATS)
      .description('check, plan and write the generated scripts: LSF or Slurm submission, job wrappers, decks, local runner')
      .argument('<file>', 'the pipeline (.lcp)')
      .option('-o, --output <dir>', 'output directory (default: <pipeline> next to the .lcp file)')
      .option('--templates <dir>', 'site templates that override libcc\'s own (same relative names)')
      .option('--check', 'write nothing; exit 1 when the output directory is not up to date')
      .option('--force', 'overwrite files that libcc did not generate or that were edited')
      .option('--history <dirs...>', "plan.json's estimates from the measured times of earlier runs (docs/report.md)")
      .addOption(schedulerOption()),
  ).action(async (file: string, options: CompileOptions, command: Command) => {
    exitCode = await compileCommand(file, { ...options, diagnostics: diagnosticFormat(command, 'diagnostics') as DiagnosticFormat }, output);
  });

  colorOptions(
    diagnosticFormatOptions(program.command('diff'), '--diagnostics', DIAGNOSTIC_FORMATS)
      .description('print what a re-compile would change in the generated directory, as a unified diff')
      .argument('<file>', 'the pipeline (.lcp)')
      .option('-o, --output <dir>', 'output directory (default: <pipeline> next to the .lcp file)')
      .option('--templates <dir>', 'site templates that override libcc\'s own')
      .option('--exit-code', 'exit 1 when there are differences')
      .option('--history <dirs...>', "plan.json's estimates from the measured times of earlier runs, as compile")
      .addOption(schedulerOption()),
  ).action(async (file: string, options: CompileOptions & { exitCode?: boolean }, command: Command) => {
    exitCode = await diffCommand(file, { ...options, diagnostics: diagnosticFormat(command, 'diagnostics') as DiagnosticFormat }, output);
  });

  program
    .command('init')
    .description('scaffold a small working pipeline in a new or empty directory')
    .argument('[dir]', 'directory to create or fill (default: the current directory)')
    .option('--name <name>', 'pipeline name (default: from the directory name)')
    .action((dir: string | undefined, options: { name?: string }) => {
      exitCode = initCommand(dir, options, output);
    });

  colorOptions(diagnosticFormatOptions(configureGraphCommand(program.command('graph')), '--diagnostics', DIAGNOSTIC_FORMATS, 'format of diagnostics (on stderr)')).action(async (file: string, cliOptions: GraphCliOptions & { quiet?: boolean }, command: Command) => {
    const options = { ...cliOptions, diagnostics: diagnosticFormat(command, 'diagnostics') as DiagnosticFormat };
    const loaded = load(file);
    // Loaded here, not at startup: only `graph` needs the layout library (startup time, issue 10).
    const { graphCommand } = await import('./graph.js');
    const analysis = analyseProgram(loaded, options);
    exitCode = graphCommand(options.quiet ? { ...analysis, diagnostics: errorsOnly(analysis.diagnostics) } : analysis, { ...options, color: useColor(process.stderr, options.color) }, output);
  });

  program
    .command('fmt')
    .description('format .lcp files in the canonical style (docs/formatting.md)')
    .argument('<paths...>', '.lcp files, directories (every *.lcp under them) or globs to format in place; `-` formats standard input to standard output')
    .option('--check', 'write nothing; exit 1 when a file is not formatted')
    .option('--diff', 'write nothing; print a unified diff of the changes; exit 1 when there are any')
    .option('--stdin-filename <path>', 'the name of standard input (`-`) in messages')
    .action(async (paths: string[], options: { check?: boolean; diff?: boolean; stdinFilename?: string }) => {
      const named = paths.filter((path) => path !== '-');
      const expansion = named.length === 0 ? { files: [] } : expandCheckPaths(named);
      if ('problem' in expansion) throw new UsageError(expansion.problem);
      const all = paths.includes('-') ? ['-', ...expansion.files] : expansion.files;
      // Loaded here, not at startup: only `fmt --diff` needs jsdiff.
      const patch = options.diff ? await fmtPatcher() : undefined;
      exitCode = fmtCommand(all, { check: options.check ?? false, diff: options.diff ?? false, ...(options.stdinFilename === undefined ? {} : { stdinFilename: options.stdinFilename }) }, {
        read: (path) => fileSystemHost.readFile(path),
        refuse: linkLeavesDirectory,
        readStdin,
        write: (path, text) => writeAtomically(path, text),
        stdout: (text) => output.stdout(text),
        stderr: (text) => output.stderr(text),
        ...(patch === undefined ? {} : { patch }),
      });
    });

  program
    .command('lsp')
    .description('run the language server on stdin/stdout (diagnostics, hover, completion, definitions, references, rename, formatting, quick fixes)')
    .option('--stdio', 'use stdin/stdout (the default and only transport)')
    .allowUnknownOption() // editor clients may add e.g. --clientProcessId=<pid>
    .allowExcessArguments()
    .action(async () => {
      // Loaded here, not at startup: only `lsp` needs the protocol library (startup time, issue 10).
      const { lspCommand } = await import('../lsp/server.js');
      lspCommand();
    });

  program
    .command('explain')
    .description('explain a diagnostic code, e.g. `libcc explain LCP2001`')
    .argument('<code>', 'diagnostic code')
    .action((code: string) => {
      const result = explainCode(code, join(packageRoot(), 'docs', 'errors'));
      if (!result.ok) throw new UsageError(result.message);
      output.stdout(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
    });

  program
    .command('completion')
    .description('print a shell completion script: `source <(libcc completion bash)`; zsh and fish in the README')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .action((shell: Shell) => {
      output.stdout(completionScript(shell, completionModel(program, { explain: ALL_CODES, completion: SHELLS })));
    });

  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      output.stderr(terminalSafe(`libcc: error: ${error.message}\n${error.help === undefined ? '' : `help: ${error.help}\n`}`));
      return EXIT_USAGE;
    }
    if (isEnvironmentError(error)) {
      output.stderr(terminalSafe(`libcc: error: ${error.message} (the file system refused; not a problem of the pipeline or of libcc)\n`));
      return EXIT_USAGE;
    }
    const detail = process.env.LIBCC_DEBUG && error instanceof Error ? `\n${error.stack}` : '';
    output.stderr(terminalSafe(`libcc: internal error: ${error instanceof Error ? error.message : String(error)}${detail}\n`) + REPORT_BUG);
    return EXIT_USAGE;
  }
}

/**
 * The file system's refusals that are the machine's state, not libcc's mistakes: a full disk or
 * quota, permissions, a read-only or failing device, too many open files. A compile that meets
 * one leaves the directory as the guarantees of `writeGenerated` say (the old tree, or a
 * stage the next compile removes).
 */
const ENVIRONMENT_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EIO', 'EMFILE', 'ENFILE']);

function isEnvironmentError(error: unknown): error is Error {
  return error instanceof Error && ENVIRONMENT_ERRORS.has(String((error as NodeJS.ErrnoException).code));
}

// ---------------------------------------------------------------------------------------------
// `check`: formats, `--max-warnings`, error pages for SARIF (inputs are in check-paths.ts)
// ---------------------------------------------------------------------------------------------

const CHECK_FORMATS = ['rich', 'text', 'short', 'json', 'sarif', 'github'] as const;
type CheckFormat = (typeof CHECK_FORMATS)[number];
const DIAGNOSTIC_FORMATS = ['rich', 'short', 'json'] as const;

interface CheckOptions {
  stdinFilename?: string;
  maxWarnings?: number;
  strict?: boolean;
  color?: boolean;
  templates?: string;
  quiet?: boolean;
  scheduler?: SchedulerName;
}

/**
 * The diagnostic format asked for: `--diagnostic-format`, or the command's older name for it
 * (`--format` for check, `--diagnostics` elsewhere) when only that one was given.
 */
function diagnosticFormat(command: Command, alias: 'format' | 'diagnostics'): string {
  const options = command.opts<Record<string, string | undefined>>();
  if (command.getOptionValueSource('diagnosticFormat') === 'default' && options[alias] !== undefined) return options[alias];
  return options.diagnosticFormat ?? 'rich';
}

/** Standard input, read whole (for `-`); undefined when it cannot be read. */
function readStdin(): string | undefined {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * `fmt --diff`'s unified diff of one file (jsdiff, loaded on demand), `a/` and `b/` as git writes
 * them; an absolute path without its leading `/`, as `git diff --no-index` writes it (`a/tmp/f.lcp`,
 * not `a//tmp/f.lcp`, which `patch -p1` would read as absolute).
 */
async function fmtPatcher(): Promise<(path: string, before: string, after: string) => string> {
  const { createTwoFilesPatch, FILE_HEADERS_ONLY } = await import('diff');
  return (path, before, after) => {
    const name = posix.normalize(path.split(sep).join('/')).replace(/^\/+/, '');
    const text = createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
    return text.endsWith('\n') ? text : `${text}\n`;
  };
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number (0 or more)');
  return n;
}

/** The pages `docs/errors/<code>.md` (for SARIF rule help), read like `libcc explain` does. */
function errorPages(): Map<string, string> {
  const dir = join(packageRoot(), 'docs', 'errors');
  const pages = new Map<string, string>();
  for (const code of ALL_CODES) {
    try {
      pages.set(code, readFileSync(join(dir, `${code}.md`), 'utf8'));
    } catch {
      // A missing page only costs the rule its description.
    }
  }
  return pages;
}

