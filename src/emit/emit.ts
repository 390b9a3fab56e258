/**
 * The back end: from the checked program and its plan to the files of a generated pipeline
 * directory. The submission plan (src/submission) goes to the scripts as data (lib/units.tsv,
 * lib/deps.tsv); the site's scheduler (src/schedulers) contributes its submit options and
 * lib/scheduler.sh; everything else is shared. Pure: templates come in as text, files go out as a map from relative path
 * to content; nothing here reads or writes the file system. Output is byte-for-byte
 * deterministic: sorted, LF-terminated, no timestamps, no absolute paths.
 */
import { FANOUT_KEYS, type CheckedProgram, type StageModel, type Template, type TemplatePart } from '../check/model.js';
import type { TemplateHost } from '../check/template-host.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/diagnostic.js';
import { planJsonChunks } from '../graph/format-plan.js';
import type { Plan } from '../graph/plan.js';
import { deckText } from './decks.js';
import type { RenderedDecks } from './render-decks.js';
import type { RenderedDeck } from './decks.js';
import { computeJobFacts, indexProgram, libraryTemplates, stageReadsOf, toolReadsOf, type ProgramIndex } from './jobs.js';
import { ElementTable, LinesBuilder, offsetIndex } from './tables.js';
import { compileTemplate, normaliseText, TemplateError, type TemplateFunction } from './render.js';
import { isAbsoluteTemplate, shCommand, shDoubleQuote, shGlobPattern, shQuote, templateSource, variableOf } from './shell.js';
import { schedulerOf } from '../schedulers/index.js';
import { indexSpec, planSubmission, stageOrder, type SubmissionUnit } from '../submission/plan.js';

/** The built-in templates every output needs, by name under `templates/`. */
export const DRIVER_TEMPLATES = ['sh/runtime.sh.hbs', 'sh/job.sh.hbs', 'sh/submit.sh.hbs', 'sh/run-local.sh.hbs', 'sh/status.sh.hbs', 'sh/kill.sh.hbs'] as const;

/** status.sh shows its library × corner × stage matrix by default up to this many jobs. */
export const STATUS_MATRIX_MAX = 500;

export interface EmitInput {
  readonly program: CheckedProgram;
  readonly plan: Plan;
  /** Every job's deck, rendered by the analysis (`renderDecks`). */
  readonly decks: RenderedDecks;
  /** The pipeline's source as seen from the output directory (`../flow.lcp`), for headers. */
  readonly source: string;
  /** The generated scripts' templates (`sh/…`), the site's overrides first. */
  readonly templates: Pick<TemplateHost, 'text'>;
}

export interface EmitResult<Content = string> {
  /** Relative path → content; undefined when there are errors. */
  readonly files?: ReadonlyMap<string, Content>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Executable files (mode 0755); everything else is 0644. */
export function isExecutable(path: string): boolean {
  return path.endsWith('.sh') && !path.startsWith('lib/');
}

export function emit(input: EmitInput): EmitResult {
  return emitWith(input, { text: normaliseText, chunks: (make) => [...make()].join(''), deck: (deck, header) => normaliseText(deckText(deck, header)), lines: (lines) => lines.text() });
}

/**
 * Bytes made when they are read (each call makes them again). With `pieces`, the same text can
 * be had in pieces instead, to be written and hashed as it is made (plan.json: 50 MB at 100k jobs).
 */
export type LazyBytes = (() => Buffer) & { readonly pieces?: () => Iterable<string> };

/**
 * `emit`, each file as its UTF-8 bytes: what `compile` writes. Half the memory of the text when
 * it is two-byte in V8 (any file whose header holds the `—`), and hashed and compared as it is.
 * A deck, and plan.json, are made when read (`LazyBytes`).
 */
export function emitBytes(input: EmitInput): EmitResult<Buffer | LazyBytes> {
  const deckHeads = new Map<string, Buffer>();
  return emitWith<Buffer | LazyBytes>(input, {
    text: encodeNormalised,
    chunks: (make) => Object.assign(() => encodeChunks(make), { pieces: make }),
    deck: (deck, header) => () => deckBytes(deck, header, deckHeads),
    lines: (lines) => lines.bytes(),
  });
}

/**
 * `encodeNormalised(deckText(deck, header))`, from the deck's bytes when it has them: its header,
 * then the body without the whitespace at its end, then a newline — the same bytes, unless the
 * body holds a CR or ends in other than ASCII whitespace after text that is not ASCII (a
 * U+00A0 that `trimEnd` would remove), or is only whitespace: then from the text.
 */
function deckBytes(deck: RenderedDeck, header: string, heads: Map<string, Buffer>): Buffer {
  const body = deck.bytes;
  if (body === undefined || body.includes(0x0d)) return encodeNormalised(deckText(deck, header));
  // The header lines as UTF-8, made once per template (every deck of a stage shares them).
  let head = heads.get(deck.template);
  if (head === undefined) {
    const text = `# ${header}\n# deck template: ${deck.template}\n`;
    heads.set(deck.template, (head = text.includes('\r') ? Buffer.alloc(0) : Buffer.from(text, 'utf8')));
  }
  let end = body.length;
  while (end > 0 && isAsciiWhitespace(body[end - 1]!)) end--;
  if (head.length === 0 || end === 0 || body[end - 1]! >= 0x80) return encodeNormalised(deckText(deck, header));
  const bytes = Buffer.allocUnsafeSlow(head.length + end + 1);
  bytes.set(head, 0);
  bytes.set(body.subarray(0, end), head.length);
  bytes[head.length + end] = 0x0a;
  return bytes;
}

/** The ASCII characters `String.prototype.trimEnd` removes: tab, LF, VT, FF, CR, space. */
function isAsciiWhitespace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/**
 * `normaliseText(text)` as UTF-8 bytes in a buffer of their own size (Buffer.from would slice small
 * ones from 8 KiB pool slabs, a quarter of them unused for 3 KB decks). The final newline is
 * written as a byte: appending it to the string would copy the whole text once more.
 */
function encodeNormalised(text: string): Buffer {
  const trimmed = (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).trimEnd();
  const size = Buffer.byteLength(trimmed, 'utf8');
  const bytes = Buffer.allocUnsafeSlow(size + 1);
  bytes.write(trimmed, 'utf8');
  bytes[size] = 0x0a;
  return bytes;
}

/**
 * Text in pieces (made twice: `make` is deterministic) as one buffer: the first pass only counts
 * the bytes, the second encodes into a buffer of that size. Collecting the encoded pieces and
 * concatenating them would hold plan.json twice (50 MB more at 100k jobs, at the compile's peak).
 */
function encodeChunks(make: () => Iterable<string>): Buffer {
  let size = 0;
  for (const chunk of make()) size += Buffer.byteLength(chunk, 'utf8');
  const bytes = Buffer.allocUnsafeSlow(size);
  let offset = 0;
  for (const chunk of make()) offset += bytes.write(chunk, offset, 'utf8');
  if (offset !== size) throw new Error(`internal error: text in pieces changed between passes (${offset} of ${size} bytes)`);
  return bytes;
}

/** How a file's content is made from its text (which it normalises, `normaliseText`), or from its text in pieces (already normal). */
interface Encoder<Content> {
  readonly text: (text: string) => Content;
  readonly chunks: (make: () => Iterable<string>) => Content;
  /** A deck file's content (for bytes: made when it is read, 100 MB to keep at 100k jobs). */
  readonly deck: (deck: RenderedDeck, header: string) => Content;
  /** A table built as bytes (`LinesBuilder`), normalised as `text` would be. */
  readonly lines: (lines: LinesBuilder) => Content;
}

function emitWith<Content>(input: EmitInput, encode: Encoder<Content>): EmitResult<Content> {
  const { program, plan } = input;
  const diagnostics: Diagnostic[] = [];
  const header = `generated by libcc from ${input.source} — do not edit`;

  let drivers: ScriptTemplates;
  try {
    drivers = Object.fromEntries(DRIVER_TEMPLATES.map((name) => [name, compileTemplate(name, input.templates.text(name) ?? missing(name))])) as typeof drivers;
  } catch (error) {
    if (error instanceof TemplateError) {
      diagnostics.push(makeDiagnostic('LCP6002', program.pipeline.span, error.message, { label: 'while generating this pipeline' }));
      return { diagnostics };
    }
    throw error;
  }
  try {
    return { files: generateFiles(input, drivers, header, encode), diagnostics };
  } catch (error) {
    // A site's override of a generated script that names a field its view does not have.
    if (!(error instanceof TemplateError)) throw error;
    return { diagnostics: [makeDiagnostic('LCP6002', program.pipeline.span, error.message, { label: 'while generating this pipeline' })] };
  }
}

/** Compiled templates of the generated scripts, by name. */
type ScriptTemplates = Record<(typeof DRIVER_TEMPLATES)[number], TemplateFunction>;

function generateFiles<Content>(input: EmitInput, drivers: ScriptTemplates, header: string, encode: Encoder<Content>): Map<string, Content> {
  const { program, plan } = input;
  const index = indexProgram(program);
  const decks = input.decks.byJob;
  const files = new Map<string, Content>();
  const put = (path: string, text: string) => files.set(path, encode.text(text));

  put('lib/runtime.sh', drivers['sh/runtime.sh.hbs']({ header, pipeline: plan.pipeline }));
  putLazyDecks(files, decks, header, encode);
  putJobFiles(input, drivers, header, index, put, (path, lines) => files.set(path, encode.lines(lines)));

  const scheduler = schedulerOf(program);
  const ordered = stageOrder(plan);
  const units = planSubmission(plan, { maxArraySpec: scheduler.capabilities.maxArraySpec });
  put('lib/units.tsv', unitsTable(units, index.stages, header));
  put('lib/deps.tsv', depsTable(units, header));
  for (const file of scheduler.files({ program, plan, header })) {
    put(file.path, compileTemplate(file.template, input.templates.text(file.template) ?? missing(file.template))(file.view));
  }
  const stagesView = ordered.map((stage) => ({
    name: stage.name,
    options: scheduler.stageOptions(program, index.stages.get(stage.name)!),
  }));
  put(
    'submit.sh',
    drivers['sh/submit.sh.hbs']({
      header,
      pipeline: plan.pipeline,
      scheduler: scheduler.title,
      jobCount: plan.jobs.length,
      unitCount: units.length,
      stages: stagesView,
    }),
  );
  const stageWidth = Math.max(5, ...plan.stages.map((s) => s.name.length));
  put('run-local.sh', drivers['sh/run-local.sh.hbs']({ header, pipeline: plan.pipeline }));
  put('status.sh', drivers['sh/status.sh.hbs']({ header, pipeline: plan.pipeline, stages: ordered, stageWidth, matrixMax: STATUS_MATRIX_MAX }));
  put('kill.sh', drivers['sh/kill.sh.hbs']({ header, pipeline: plan.pipeline }));
  // LF-terminated JSON without trailing blanks: normal as it is.
  files.set('plan.json', encode.chunks(() => planJsonChunks(plan)));
  put('.gitignore', `# ${header}\n# Run state (markers, logs, work) of local and scheduler runs.\n/run/\n`);

  return sortedMap(files);
}

/**
 * Each deck as content made when it is read. Its own function so that the closures hold only
 * their deck (and not, through the caller's scope, the program and the plan).
 */
function putLazyDecks<Content>(files: Map<string, Content>, decks: EmitInput['decks']['byJob'], header: string, encode: Encoder<Content>): void {
  for (const deck of decks.values()) files.set(deck.path, encode.deck(deck, header));
}

/**
 * A deck body as a string that is dropped after use. Handlebars returns a rope (a V8 cons string,
 * light while it is only kept); reading it (hashing, JSON) would flatten the rope in place, and
 * every deck the analysis keeps would hold its flat copy — two-byte, as the decks' comments hold
 * `…` — until the end of the compile (over 200 MB at 100k jobs). The flat copy made here belongs to
 * a new rope, so it goes when the caller is done with it.
 */
function transientCopy(body: string | undefined): string | undefined {
  return body === undefined ? undefined : ` ${body}`.slice(1);
}

/**
 * The job table, the key table, each stage's element table and job wrapper: a job's rows are
 * added as its facts are made, then the facts are dropped (tens of MB at 100k jobs).
 */
function putJobFiles(input: EmitInput, drivers: ScriptTemplates, header: string, index: ProgramIndex, put: (path: string, text: string) => void, putLines: (path: string, lines: LinesBuilder) => void): void {
  const { program, plan } = input;
  const decks = input.decks.byJob;
  const jobs = new LinesBuilder();
  jobs.line(`# ${header}`);
  jobs.line('# num\tstage\tgroup\tindex\tkey\tfingerprint\tparents');
  const jobOffsets: number[] = [];
  const keys = new LinesBuilder();
  keys.line(`# ${header}`);
  keys.line(`# num\t${FANOUT_KEYS.join('\t')}`);
  const stages = new Map(program.stages.map((stage) => [stage.name, { elements: new ElementTable(header), deckReads: { kit: false, cells: false } }]));
  const deckOf = (position: number) => {
    const deck = decks.get(position);
    return deck === undefined || deck.bytes !== undefined ? deck : { body: transientCopy(deck.body)! };
  };
  computeJobFacts(program, plan, index, deckOf, (f, num) => {
    const parents = f.job.parents.join(',') || '-';
    jobOffsets.push(jobs.line(`${num}\t${f.job.stage}\t${f.group}\t${f.job.arrayIndex}\t${f.key}\t${f.fingerprint}\t${parents}`));
    // lib/keys.tsv: the key values of each job (same numbers), one column per fan-out key, `-`
    // where the job's stage does not fan out by it: status.sh reads the values from here instead
    // of splitting the key.
    const keySet = index.stages.get(f.job.stage)?.keySet ?? [];
    let keyRow = String(num);
    for (const k of FANOUT_KEYS) keyRow += `\t${keySet.includes(k) ? (f.job.keys[k] ?? '-') : '-'}`;
    keys.line(keyRow);
    const stage = stages.get(f.job.stage);
    if (stage === undefined) return;
    stage.elements.add(f, num, parents);
    const deck = decks.get(num);
    if (deck) {
      stage.deckReads.kit ||= deck.reads.kit;
      stage.deckReads.cells ||= deck.reads.cells;
    }
  });
  putLines('lib/jobs.tsv', jobs);
  put('lib/jobs.idx', offsetIndex(jobOffsets));
  putLines('lib/keys.tsv', keys);
  for (const stage of program.stages) {
    const { elements, deckReads } = stages.get(stage.name)!;
    const { groups, index: slots } = elements.finish();
    put(`lib/elements/${stage.name}.groups`, groups);
    putLines(`lib/elements/${stage.name}.tsv`, elements.rows);
    put(`lib/elements/${stage.name}.idx`, slots);
    put(`jobs/${stage.name}.sh`, drivers['sh/job.sh.hbs'](jobView(program, stage, elements.count, elements.stride, header, deckReads)));
  }
}

function missing(name: string): never {
  throw new TemplateError(`template ${name} is missing`);
}

function sortedMap<Content>(files: Map<string, Content>): Map<string, Content> {
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * lib/units.tsv: one line per submission unit, in submission order. `array` is 1 for a job
 * array, 0 for a plain job; `indices` an index list (`1-3,5`); `jobs` the units' job numbers in
 * lib/jobs.tsv, parallel to the indices; `limit` the stage's `array_limit` or `-`.
 */
function unitsTable(units: readonly SubmissionUnit[], stages: ReadonlyMap<string, StageModel>, header: string): string {
  const lines = [`# ${header}`, '# unit\tstage\tgroup\tname\tarray\tindices\tjobs\tlimit'];
  for (const u of units) {
    const limit = stages.get(u.stage)?.arrayLimit;
    lines.push([u.id, u.stage, u.group, u.name, u.array ? 1 : 0, indexSpec(u.indices), u.jobs.join(','), limit === undefined ? '-' : limit].join('\t'));
  }
  return lines.join('\n');
}

/**
 * lib/deps.tsv: one line per dependency of a unit, in the unit's order. `kind` is `each`
 * (element-wise between arrays with identical index lists), `all` (the whole parent unit) or
 * `element` (element `index` of the parent; `-` for the other kinds).
 */
function depsTable(units: readonly SubmissionUnit[], header: string): string {
  const lines = [`# ${header}`, '# unit\tkind\tparent\tindex'];
  for (const u of units) for (const d of u.deps) lines.push([u.id, d.kind, d.unit, d.kind === 'element' ? d.index : '-'].join('\t'));
  return lines.join('\n');
}

/** Env variables a stage reads (through any of its strings), sorted. */
function envOf(templates: readonly (Template | undefined)[]): string[] {
  const names = new Set<string>();
  for (const template of templates) for (const part of template?.parts ?? []) if (part.kind === 'env') names.add(part.name);
  return [...names].sort();
}

function referencesField(templates: readonly Template[], entity: string, field: string): boolean {
  return templates.some((t) => t.parts.some((p: TemplatePart) => p.kind === 'field' && p.entity === entity && p.field === field));
}

function rootTemplate(root: Template): string {
  return isAbsoluteTemplate(root) ? shDoubleQuote(root) : `"$LIBCC_RUN_DIR"/${shDoubleQuote(root)}`;
}

function jobView(program: CheckedProgram, stage: StageModel, jobCount: number, stride: number, header: string, deckReads: { kit: boolean; cells: boolean }): object {
  const tool = stage.run.kind === 'tool' ? program.tools.find((t) => t.name === (stage.run as { tool: string }).tool) : undefined;
  const stageTemplates: Template[] = [
    ...(stage.run.kind === 'shell' ? [stage.run.command] : stage.run.args),
    ...stage.expects.map((e) => e.pattern),
    ...(stage.deck?.dirs ?? []).map((d) => d.value),
  ];
  const toolReads = toolReadsOf(stage);
  const readTools = toolReads.map((r) => program.tools.find((t) => t.name === r.tool)).filter((t) => t !== undefined);
  const libraries = stage.keySet.includes('library') ? program.libraries : [];
  const required = envOf([
    ...stageTemplates,
    tool?.path,
    ...(tool?.args ?? []),
    tool?.setup,
    ...(tool?.env ?? []).map((e) => e.value),
    ...readTools.map((t) => t.path),
    program.site.workRoot,
    program.site.outRoot,
    ...libraries.flatMap((l) => [l.kit, l.cells]),
  ]);
  const defaults = program.envs.filter((e) => required.includes(e.name) && e.default !== undefined);

  let command: string;
  if (stage.run.kind === 'shell') command = shCommand(stage.run.command);
  else {
    const words = ['"$LIBCC_TOOL"', ...(tool?.args ?? []).map((a) => shDoubleQuote(a))];
    if (stage.run.deck) words.push('"$LIBCC_HOME/decks/$LIBCC_STAGE/$LIBCC_KEY.tcl"');
    words.push(...stage.run.args.map((a) => shDoubleQuote(a)));
    command = words.join(' ');
  }
  const inputs: string[] = [];
  // Library files the command or its deck reads must exist before the job runs.
  if (deckReads.kit || referencesField(stageTemplates, 'library', 'kit')) inputs.push('"$lcp_library_kit"');
  if (deckReads.cells || referencesField(stageTemplates, 'library', 'cells')) inputs.push('"$lcp_library_cells"');
  if (stage.run.kind === 'tool' && stage.run.deck) inputs.push('"$LIBCC_HOME/decks/$LIBCC_STAGE/$LIBCC_KEY.tcl"');

  return {
    header,
    stage: stage.name,
    keys: stage.keys.join(', '),
    jobCount,
    stride,
    requiredEnv: required,
    intEnv: program.envs.filter((e) => e.type === 'int' && required.includes(e.name)).map((e) => e.name),
    envDefaults: defaults.map((e) => ({ name: e.name, value: e.default })),
    retry: {
      count: stage.retry?.count ?? 0,
      codes: stage.retry?.exitCodes ?? [],
      backoff: Math.ceil(stage.retry?.backoffSeconds ?? 0),
    },
    failFast: stage.failFast ?? '',
    libraries: libraries.map((l) => ({ id: l.id, ...Object.fromEntries([...libraryTemplates(l)].map(([k, v]) => [k === 'lcp_library_kit' ? 'kit' : 'cells', v])) })),
    workRoot: rootTemplate(program.site.workRoot),
    outRoot: rootTemplate(program.site.outRoot),
    // Other stages' directories and tools the stage's strings read (`${copy_kits.work}`, `${tool.liberate.path}`).
    reads: [
      ...stageReadsOf(stage).flatMap((read) => [
        ...(read.fields.has('work') ? [`lcp_stage_${read.stage}_work="$LIBCC_WORK_ROOT/$lcp_stage_${read.stage}_work_path"`] : []),
        ...(read.fields.has('work_root') ? [`lcp_stage_${read.stage}_work_root="$LIBCC_WORK_ROOT"/${shQuote(read.stage)}`] : []),
      ]),
      ...toolReads.map((read) => {
        const t = program.tools.find((candidate) => candidate.name === read.tool)!;
        return `lcp_tool_${read.tool}_${read.field}=${read.field === 'path' ? shDoubleQuote(t.path) : shQuote(t.version ?? '')}`;
      }),
    ],
    tool: tool ? shDoubleQuote(tool.path) : "''",
    toolSetup: tool?.setup ? shDoubleQuote(tool.setup) : "''",
    toolEnv: (tool?.env ?? []).map((e) => `${e.name}=${shDoubleQuote(e.value)}`),
    inputs,
    command,
    expects: stage.expects.map((e) => ({ pattern: shGlobPattern(e.pattern), operator: e.operator, count: e.count, source: templateSource(e.pattern) })),
  };
}

export { variableOf };
