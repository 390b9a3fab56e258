/**
 * `libcc` command line. Exit codes: 0 ok (warnings allowed), 1 diagnostics with errors,
 * 2 usage or internal error. User mistakes never produce a stack trace.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { analyse, dedupeDiagnostics, renderForWriting, type Analysis } from '../driver/analyse.js';
import { SCHEDULER_NAMES, type SchedulerName } from '../schedulers/index.js';
import { programRoots } from '../driver/roots.js';
import { fileSystemTemplates } from '../driver/templates.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { explainCode } from '../diagnostics/explain.js';
import { ALL_CODES } from '../diagnostics/codes.js';
import { renderGithub } from '../diagnostics/github.js';
import { renderJson, renderRich, renderShort } from '../diagnostics/render.js';
import { renderSarif } from '../diagnostics/sarif.js';
import type { SourceFile } from '../diagnostics/source.js';
import type { TemplateHost } from '../check/template-host.js';
import { displayPath, loadProgram, MAX_SOURCE_LENGTH, type LoadedProgram } from '../syntax/load.js';
import { deckFileParts, emitBytes, generatedHeader } from '../emit/emit.js';
import { formatPlanJson, formatPlanText } from '../graph/format-plan.js';
import type { Plan } from '../graph/plan.js';
import type { CheckedProgram } from '../check/model.js';
import { expandCheckPaths } from './check-paths.js';
import { abandonEarlyWrite, beginEarlyWrite, type EarlyWrite, finishEarlyWrite } from './early-write.js';
import { ClobberError, MANIFEST, ManifestError } from './generated-dir.js';
import { interrupted } from './journal.js';
import { pendingManifest } from './manifest.js';
import { acquireLock } from './output-lock.js';
import { staleness, verifyUnchanged } from './up-to-date.js';
import { writeAtomically } from './write-atomically.js';
import { writeGenerated } from './write-generated.js';
import { inputsDigest, libccIdentity, newInputReads, recordingLoaderHost, recordingTemplates, type InputReads } from './inputs.js';
import { checkOutputDir, committedLinkRefusal, lstatOrUndefined, UnsafePathError } from './safe-fs.js';
import { hasManifestOrigin } from './manifest-origin.js';
import { collectGarbage } from './collect-garbage.js';
import { Verifier } from './verifier.js';
import { ThreadedFingerprints } from './fingerprint-hasher.js';
import { completionModel, completionScript, SHELLS, type Shell } from './completion.js';
import { fmtCommand, STDIN_NAME } from './fmt.js';
import { initCommand } from './init.js';
import { configureGraphCommand, type GraphCliOptions } from './graph-options.js';
import { drained, fileSystemHost, linkLeavesDirectory, packageRoot, packageVersion, REPORT_BUG, terminalSafe, userPath, useColor, write } from './io.js';
import { configureReportCommand, planWithHistory, reportCommand, type ReportCliOptions } from './report.js';

export const EXIT_OK = 0;
export const EXIT_DIAGNOSTICS = 1;
export const EXIT_USAGE = 2;

type DiagnosticFormat = 'rich' | 'short' | 'json';

interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * Settles once what was given to `stdout` is written (or cannot be); undefined when nothing
   * waits. A long output waits on it piece by piece instead of queueing all of it.
   */
  drained?(): Promise<void> | undefined;
}

const processOutput: Output = {
  stdout: (text) => write(process.stdout, text),
  stderr: (text) => write(process.stderr, text),
  drained: () => drained(process.stdout),
};

/** A mistake in how libcc was called: exit 2, its message and, when a fix is known, a `help:` line. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly help?: string,
  ) {
    super(message);
  }
}

function version(): string {
  return packageVersion();
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** Loads a pipeline from disk; `text`, when given, is the root file's text (standard input). */
function load(path: string, text?: string, reads?: InputReads): LoadedProgram {
  const root = displayPath(userPath(path));
  const refused = text === undefined ? linkLeavesDirectory(path) : undefined;
  if (refused !== undefined) throw new UsageError(refused);
  // Read as a file, a directory was "no such file, or not readable".
  if (text === undefined && isDirectory(path)) throw new UsageError(`\`${path}\` is a directory, not a pipeline file`, pipelineInDirectoryHelp(path));
  const readFile = text === undefined ? fileSystemHost.readFile : (file: string) => (file === root ? text : fileSystemHost.readFile(file));
  const host = { readFile, realPath: fileSystemHost.realPath };
  const loaded = loadProgram(userPath(path), reads === undefined ? host : recordingLoaderHost(host, dirname(root), reads));
  if (loaded === undefined) throw new UsageError(`cannot read \`${path}\`: ${whyUnreadable(path)}`);
  return loaded;
}

/** Why a pipeline file could not be read, in a user's words (the loader says only that it could not). */
function whyUnreadable(path: string): string {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return 'not a regular file (a FIFO, a device or a socket is never read)';
    if (stat.size > MAX_SOURCE_LENGTH) return `${(stat.size / 2 ** 20).toFixed(1)} MiB, over the limit of ${(MAX_SOURCE_LENGTH / 2 ** 20).toFixed(0)} MiB for a source file`;
    return 'not readable';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'not readable';
  }
}

/** What to give instead of a directory: the one pipeline file in it, if it has exactly one. */
function pipelineInDirectoryHelp(dir: string): string {
  let names: string[] = [];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.lcp'))
      .map((entry) => entry.name);
  } catch {
    // Unreadable: the general help.
  }
  if (names.length === 1) return `did you mean \`${join(dir, names[0]!)}\`?`;
  const others = '(`check` and `fmt` take directories)';
  return names.length === 0 ? `give the pipeline's .lcp file ${others}` : `it holds ${names.length} .lcp files: give one of them ${others}`;
}

/** Templates from disk: next to the pipeline, the site's (`--templates`), libcc's own. */
function templatesFor(loaded: LoadedProgram, options: { templates?: string }): TemplateHost {
  if (options.templates !== undefined) {
    const refused = committedLinkRefusal(options.templates, repositoryRoots(loaded), `to read templates from ${options.templates}`, 'give the real path with --templates', { last: true });
    if (refused !== undefined) throw new UsageError(refused);
    if (!isDirectory(options.templates)) throw new UsageError(`no templates directory \`${options.templates}\``);
  }
  return fileSystemTemplates({
    flowDir: dirname(loaded.rootPath),
    ...(options.templates === undefined ? {} : { siteDir: options.templates }),
    builtinDir: join(packageRoot(), 'templates'),
  });
}

/** The one analysis (src/driver) of a loaded program, with templates from disk (or `templates`). */
function analyseProgram(
  loaded: LoadedProgram,
  options: { templates?: string; slots?: number; scheduler?: SchedulerName } = {},
  templates: TemplateHost = templatesFor(loaded, options),
  decksRenderedLater = false,
): Analysis {
  return analyse(loaded, {
    templates,
    decksRenderedLater,
    ...(options.slots === undefined ? {} : { slots: options.slots }),
    ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, SourceFile>,
  format: DiagnosticFormat,
  color: boolean,
): string {
  if (format === 'json') return renderJson(diagnostics, sources);
  if (format === 'short') return renderShort(diagnostics, sources);
  return renderRich(diagnostics, sources, { color });
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
    let generated: Generated | number | undefined = await generate(file, { ...options, diagnostics: diagnosticFormat(command, 'diagnostics') as DiagnosticFormat }, output);
    if (typeof generated === 'number') {
      exitCode = generated;
      return;
    }
    // Loaded here, not at startup: only `diff` needs jsdiff (startup time, issue 10).
    const { diffGenerated } = await import('./diff.js');
    const { outDir } = generated;
    const big = generated.files !== undefined && generated.jobs >= LONG_RUN_JOBS;
    collectAnalysis(generated);
    // Every file is compared (every refusal found) before any of the diff is printed; the
    // patches are made and printed a piece at a time. No files: the fast path found the
    // directory up to date. The files are not held here: the patches keep only those that
    // differ, and the rest (at 100k jobs, 130 MB of decks when only plan.json changed) is let
    // go before they are made.
    const parts = generated.files === undefined ? [] : refusalsAsUsageErrors(() => diffGenerated(outDir, (generated as Generated).files!));
    generated = undefined;
    if (big) collectGarbage();
    if (interrupted(outDir)) {
      output.stderr(terminalSafe(`libcc: note: a compile into ${outDir} was interrupted; the next compile completes it\n`));
    }
    let printed = false;
    await refusalsAsUsageErrorsAsync(async () => {
      for (const part of parts) {
        output.stdout(part);
        printed = true;
        const waiting = output.drained?.();
        if (waiting !== undefined) await waiting;
      }
    });
    exitCode = options.exitCode && printed ? EXIT_DIAGNOSTICS : EXIT_OK;
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

interface CompileOptions {
  output?: string;
  templates?: string;
  check?: boolean;
  force?: boolean;
  diagnostics: DiagnosticFormat;
  color?: boolean;
  scheduler?: SchedulerName;
  quiet?: boolean;
  history?: string[];
}

/**
 * First compiles of at least this many decks write each on a thread as it is rendered, while the
 * rest is made (`beginEarlyWrite`); from as many, the deck jobs' fingerprints are hashed on a thread.
 */
const EARLY_WRITE_MIN_DECKS = 1000;

/** How many jobs run a tool on a deck: the decks a compile renders. */
function countDeckJobs(program: CheckedProgram, plan: Plan): number {
  const stages = new Set(program.stages.filter((stage) => stage.run.kind === 'tool' && stage.run.deck !== undefined).map((stage) => stage.name));
  let count = 0;
  for (const job of plan.jobs) if (stages.has(job.stage)) count++;
  return count;
}

/** A re-compile whose manifest is at least this big (about 3 000 files) verifies them on a thread during the analysis (`Verifier`). */
const VERIFY_THREAD_MIN_MANIFEST_BYTES = 256 * 1024;

/** What a compile would write: the generated files (manifest included), or an exit code. */
interface Generated {
  readonly outDir: string;
  readonly rootPath: string;
  /** Undefined when the fast path found the directory up to date: nothing was rendered. */
  readonly files: ReadonlyMap<string, Buffer | (() => Buffer)> | undefined;
  readonly fileCount: number;
  readonly jobs: number;
}

/**
 * Load, check, plan and emit — the part `compile`, `compile --check` and `diff` share.
 * Diagnostics go to stderr; progress too, but only on a terminal (never in pipes or CI logs).
 *
 * The analysis always runs whole (its diagnostics are printed as always). Emission is skipped
 * when the manifest's `# inputs` digest (inputs.ts) is the current one and every file it lists
 * is on disk as listed (`verifyUnchanged`): the output would be the same bytes. Not with
 * `--history` (the run directories' times are inputs too). `LIBCC_DEBUG_FASTPATH=1` says on
 * stderr whether it was taken, and why not.
 */
async function generate(file: string, options: CompileOptions, output: Output, lockForFastPath = false, early?: { begun?: EarlyWrite }): Promise<Generated | number> {
  const progress = progressReporter();
  progress('checking');
  const reads = newInputReads();
  const loaded = load(file, undefined, reads);
  // A big re-compile verifies its directory on a thread while the analysis runs (verifier.ts).
  const verifier = options.history === undefined ? startVerifier(loaded, options.output, lockForFastPath) : undefined;
  if (verifier !== undefined && process.env.LIBCC_DEBUG_FASTPATH === '1') output.stderr(`libcc: note: verifying ${verifier.dir} on a thread during the analysis\n`);
  try {
    return await generateLoaded({ loaded, reads, progress, options, output, lockForFastPath, early, verifier });
  } finally {
    await verifier?.close();
  }
}

/** Starts a `Verifier` when the directory a compile of `loaded` writes has a manifest listing thousands of files. */
function startVerifier(loaded: LoadedProgram, output: string | undefined, record: boolean): Verifier | undefined {
  const pipeline = loaded.declarations.find((d) => d.kind === 'PipelineDecl');
  if (pipeline === undefined) return undefined;
  const outDir = output ?? join(dirname(loaded.rootPath), pipeline.name.name);
  try {
    checkOutputDir(outDir, repositoryRoots(loaded));
  } catch {
    return undefined; // refused after the analysis, as always
  }
  const manifest = lstatOrUndefined(join(outDir, MANIFEST));
  if (manifest === undefined || !manifest.isFile() || manifest.size < VERIFY_THREAD_MIN_MANIFEST_BYTES) return undefined;
  // A manifest libcc did not write here is rendered to compare (manifest-origin.ts): nothing to verify.
  if (!hasManifestOrigin(outDir)) return undefined;
  return Verifier.start(outDir, record);
}

/**
 * The directories whose content the repository decides, for `checkOutputDir`: the working
 * directory (a checkout) and the directory of the root pipeline file (where the default output
 * goes). A symbolic link below them on the way to the output directory was committed.
 */
function repositoryRoots(loaded: LoadedProgram): string[] {
  return [process.cwd(), dirname(loaded.rootPath)];
}

/** `generate` once the pipeline is loaded (and its directory perhaps being verified on a thread). */
interface Generation {
  readonly loaded: LoadedProgram;
  readonly reads: InputReads;
  readonly progress: (message: string | undefined) => void;
  readonly options: CompileOptions;
  readonly output: Output;
  readonly lockForFastPath: boolean;
  /** A writing compile's early write, once begun (big first compiles). */
  readonly early: { begun?: EarlyWrite } | undefined;
  readonly verifier: Verifier | undefined;
}

async function generateLoaded({ loaded, reads, progress, options, output, lockForFastPath, early, verifier }: Generation): Promise<Generated | number> {
  const templates = recordingTemplates(templatesFor(loaded, options), reads);
  // Decks are not checked here: they are rendered below when the compile writes (reporting a
  // render that fails), and not at all when the fast path finds the output up to date.
  const analysis = analyseProgram(loaded, options, templates, true);
  const color = useColor(process.stderr, options.color);
  let diagnostics = analysis.diagnostics;
  const report = () => {
    progress(undefined);
    const shown = options.quiet ? errorsOnly(diagnostics) : diagnostics;
    if (shown.length > 0) output.stderr(renderDiagnostics(sortDiagnostics(shown), loaded.sources, options.diagnostics, color));
  };
  const { program } = analysis;
  let plan = analysis.plan;
  if (!analysis.ok || program === undefined || plan === undefined) {
    report();
    return EXIT_DIAGNOSTICS;
  }
  if (options.history !== undefined) {
    const learned = planWithHistory(program, plan, options.history);
    for (const p of learned.problems) output.stderr(terminalSafe(`libcc: warning: ${p}\n`));
    output.stderr(learned.text);
    plan = learned.plan;
  }
  const outDir = options.output ?? join(dirname(loaded.rootPath), program.pipeline.name);
  refusalsAsUsageErrors(() => checkOutputDir(outDir, repositoryRoots(loaded)));
  const source = relativeFrom(outDir, loaded.rootPath);
  const header = generatedHeader(source);
  const libccSource = join(packageRoot(), 'src');
  const libcc = libccIdentity(packageVersion(), join(packageRoot(), 'templates'), existsSync(libccSource) ? libccSource : undefined);
  const digest = () =>
    inputsDigest({
      libcc,
      reads,
      options: { source, scheduler: program.site.scheduler ?? 'lsf' },
    });
  const debug = process.env.LIBCC_DEBUG_FASTPATH === '1' ? (note: string) => output.stderr(`libcc: note: ${note}\n`) : () => {};
  if (options.history === undefined) {
    const verify = () => verifyUnchanged(outDir, header, digest(), { record: lockForFastPath, note: debug });
    const threaded = verifier?.dir === outDir ? await verifier.outcome(header, digest, debug) : undefined;
    if (threaded !== undefined) debug('the directory was verified on a thread during the analysis');
    await verifier?.close();
    const unchanged = threaded ?? refusalsAsUsageErrors(() => (lockForFastPath && existsSync(join(outDir, MANIFEST)) ? locked(outDir, verify) : verify()));
    // Emission adds diagnostics only when it fails (LCP6002, an error): none are missed here.
    if ('files' in unchanged) {
      debug(`fast path: inputs unchanged, ${unchanged.files} files verified (${unchanged.trusted} by the stat index), nothing rendered`);
      report();
      return { outDir, rootPath: loaded.rootPath, files: undefined, fileCount: unchanged.files, jobs: plan.jobs.length };
    }
    debug(`fast path not taken: ${unchanged.reason}`);
  } else {
    debug('fast path not taken: --history');
  }
  progress(`generating scripts for ${plan.jobs.length} jobs`);
  if (plan.jobs.length >= LONG_RUN_JOBS) optimiseSooner();
  // A big first compile writes each deck on a thread as soon as it is rendered, while the rest is made.
  const deckCount = countDeckJobs(program, plan);
  const begun = early !== undefined && deckCount >= EARLY_WRITE_MIN_DECKS ? (early.begun = beginEarlyWrite(outDir)) : undefined;
  if (early !== undefined && deckCount >= EARLY_WRITE_MIN_DECKS) debug(begun === undefined ? 'decks written with the rest: not a first compile' : `first compile: ${deckCount} decks written on a thread while the rest is made`);
  const deckFile = deckFileParts(source);
  const rendered = refusalsAsUsageErrors(() => renderForWriting(analysis, templates, begun === undefined ? undefined : (deck) => begun.put(...deckFile(deck))));
  if (rendered.decks === undefined) {
    diagnostics = [...diagnostics, ...rendered.diagnostics];
    report();
    return EXIT_DIAGNOSTICS;
  }
  // The fingerprints of many decks' jobs are hashed on a thread while the tables are made (a
  // compile's, and `diff`'s and `compile --check`'s, which make the same files to compare them).
  const fingerprints = deckCount >= EARLY_WRITE_MIN_DECKS ? startFingerprints(plan.jobs.length) : undefined;
  let emitted;
  try {
    emitted = emitBytes({ program, plan, decks: rendered.decks, source, templates, ...(fingerprints === undefined ? {} : { fingerprints }) });
  } finally {
    await fingerprints?.close();
  }
  diagnostics = [...diagnostics, ...emitted.diagnostics];
  report();
  if (emitted.files === undefined) return EXIT_DIAGNOSTICS;
  const files = new Map(emitted.files);
  // The digest after emission: it covers every template the emitter read too.
  // Made when read; a compile into an empty directory makes it from the hashes it takes while writing.
  files.set(MANIFEST, pendingManifest(emitted.files, header, options.history === undefined ? digest() : undefined));
  return { outDir, rootPath: loaded.rootPath, files, fileCount: files.size, jobs: plan.jobs.length };
}

/**
 * `from` as seen from `dir`, with `/` separators, for header comments: control characters (a
 * newline in a file name would end the comment and start code) become `?`.
 */
function relativeFrom(dir: string, from: string): string {
  return relative(resolve(dir), resolve(from)).split(sep).join('/').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/**
 * After a big plan's files are made, the analysis behind them is garbage: collected before the
 * write or the comparison makes garbage of its own (collect-garbage.ts).
 */
function collectAnalysis(generated: Generated): void {
  if (generated.files !== undefined && generated.jobs >= LONG_RUN_JOBS) collectGarbage();
}

/** Plans of at least this many jobs take seconds to emit (about 0.3 s at 10k jobs, 3 s at 100k). */
const LONG_RUN_JOBS = 5000;

/**
 * bin/load-cli.js delays V8's optimising compiles: most libcc runs last a fraction of a second,
 * over before optimised code would pay for itself. Emitting a big plan runs for seconds, most
 * of it in a few hot loops: from here on V8 optimises as soon as it does by default (Node 20's
 * V8: `--interrupt-budget=67584`, `node --v8-options`). At 100k jobs, about 0.3–0.4 s less CPU
 * on the main thread (docs/performance.md). Only this integer changes; the code cache, which
 * depends on the flags, was read when the CLI loaded.
 */
function optimiseSooner(): void {
  setFlagsFromString('--interrupt-budget=67584');
}

/** The fingerprint thread, or none when no thread is to be had (a resource limit): then they are hashed in line. */
function startFingerprints(jobs: number): ThreadedFingerprints | undefined {
  try {
    return new ThreadedFingerprints(jobs);
  } catch {
    return undefined;
  }
}

/** Runs `action` holding the output directory's lock (as a writing compile would). */
function locked<T>(dir: string, action: () => T): T {
  const release = acquireLock(dir);
  try {
    return action();
  } finally {
    release();
  }
}

/** A one-line progress display on a terminal's stderr; silent elsewhere and under CI. */
function progressReporter(): (message: string | undefined) => void {
  const enabled = process.stderr.isTTY === true && !process.env.CI;
  let shown = false;
  return (message) => {
    if (!enabled) return;
    if (message === undefined) {
      if (shown) process.stderr.write('\r\u001b[K');
      shown = false;
      return;
    }
    process.stderr.write(`\r\u001b[Klibcc: ${message}…`);
    shown = true;
  };
}

async function compileCommand(file: string, options: CompileOptions, output: Output): Promise<number> {
  const early: { begun?: EarlyWrite } = {};
  try {
    return await compileWith(file, options, output, early);
  } finally {
    // Given up (the compile failed after it began): finishEarlyWrite clears `begun` when it takes over.
    if (early.begun !== undefined) await abandonEarlyWrite(early.begun);
  }
}

async function compileWith(file: string, options: CompileOptions, output: Output, early: { begun?: EarlyWrite }): Promise<number> {
  const generated = await generate(file, options, output, !options.check, options.check ? undefined : early);
  if (typeof generated === 'number') return generated;
  const { outDir, rootPath, files } = generated;
  collectAnalysis(generated);
  if (options.check) {
    const stale = files === undefined ? { interrupted: false, changed: [], missing: [], extra: [] } : refusalsAsUsageErrors(() => staleness(outDir, files));
    const problems = [
      ...(stale.interrupted ? ['interrupted: a compile was interrupted; the next compile completes it'] : []),
      ...stale.changed.map((p) => `changed: ${p}`),
      ...stale.missing.map((p) => `missing: ${p}`),
      ...stale.extra.map((p) => `no longer generated: ${p}`),
    ];
    if (problems.length === 0) {
      if (!options.quiet) output.stdout(terminalSafe(`ok: ${outDir} is up to date with ${rootPath}\n`));
      return EXIT_OK;
    }
    output.stdout(terminalSafe(`${outDir} is stale: run \`libcc compile ${rootPath}${options.output ? ` -o ${options.output}` : ''}\`\n${problems.map((p) => `  ${p}`).join('\n')}\n`));
    return EXIT_DIAGNOSTICS;
  }
  let result = { written: 0, removed: 0 };
  if (files !== undefined && early.begun !== undefined) {
    const begun = early.begun;
    early.begun = undefined;
    result = await refusalsAsUsageErrorsAsync(() => finishEarlyWrite(begun, files));
  } else if (files !== undefined) result = refusalsAsUsageErrors(() => writeGenerated(outDir, files, { force: options.force ?? false }));
  const { written, removed } = result;
  // `--quiet`: errors only, so no success line.
  if (!options.quiet) output.stdout(terminalSafe(`wrote ${outDir}: ${generated.fileCount} files (${written} changed${removed > 0 ? `, ${removed} removed` : ''}), ${generated.jobs} jobs\n`));
  return EXIT_OK;
}

/**
 * Runs `action`; a refusal to touch the generated directory (a file libcc did not generate, a
 * hostile manifest, a planted link, an output directory it must not use, a lock) is a usage
 * error: exit 2 with its message, nothing written.
 */
function refusalsAsUsageErrors<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw asUsageError(error);
  }
}

async function refusalsAsUsageErrorsAsync<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw asUsageError(error);
  }
}

function asUsageError(error: unknown): unknown {
  return error instanceof ClobberError || error instanceof ManifestError || error instanceof UnsafePathError ? new UsageError(error.message) : error;
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

/** `--quiet`: the errors only. */
function errorsOnly(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
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

