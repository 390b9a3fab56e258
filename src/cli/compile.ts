/**
 * `libcc compile` (and what `diff` shares with it, `generate`): load, check, plan and emit, then
 * write the generated directory as a whole (write-generated.ts, early-write.ts) or, with
 * `--check`, say how it differs (up-to-date.ts). A re-compile whose inputs are unchanged only
 * verifies the files (the no-change fast path); a big one verifies on a thread during the
 * analysis, and a big first compile writes its decks on a thread as they are rendered.
 */
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { CheckedProgram } from '../check/model.js';
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import { renderForWriting } from '../driver/analyse.js';
import { deckFileParts, emitBytes, generatedHeader } from '../emit/emit.js';
import type { Plan } from '../graph/plan.js';
import type { SchedulerName } from '../schedulers/index.js';
import type { LoadedProgram } from '../syntax/load.js';
import { collectGarbage } from './collect-garbage.js';
import { abandonEarlyWrite, beginEarlyWrite, type EarlyWrite, finishEarlyWrite } from './early-write.js';
import { ThreadedFingerprints } from './fingerprint-hasher.js';
import { MANIFEST } from './generated-dir.js';
import { interrupted } from './journal.js';
import { inputsDigest, libccIdentity, newInputReads, recordingTemplates, type InputReads } from './inputs.js';
import { packageRoot, packageVersion, terminalSafe, useColor } from './io.js';
import { analyseProgram, errorsOnly, load, renderDiagnostics, repositoryRoots, templatesFor, type DiagnosticFormat } from './load-pipeline.js';
import { hasManifestOrigin } from './manifest-origin.js';
import { pendingManifest } from './manifest.js';
import { acquireLock } from './output-lock.js';
import { planWithHistory } from './report.js';
import { checkOutputDir, lstatOrUndefined } from './safe-fs.js';
import { staleness, verifyUnchanged } from './up-to-date.js';
import { EXIT_DIAGNOSTICS, EXIT_OK, refusalsAsUsageErrors, refusalsAsUsageErrorsAsync, type Output } from './usage.js';
import { Verifier } from './verifier.js';
import { writeGenerated } from './write-generated.js';

export interface CompileOptions {
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

export async function compileCommand(file: string, options: CompileOptions, output: Output): Promise<number> {
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
 * `libcc diff`: the generated directory against a fresh compile, as a unified diff (diff.ts). Every
 * file is compared (every refusal found) before any of the diff is printed.
 */
export async function diffCommand(file: string, options: CompileOptions & { exitCode?: boolean }, output: Output): Promise<number> {
  let generated: Generated | number | undefined = await generate(file, options, output);
  if (typeof generated === 'number') return generated;
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
  return options.exitCode && printed ? EXIT_DIAGNOSTICS : EXIT_OK;
}
