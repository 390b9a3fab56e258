/**
 * Per-job facts the generated files share: the job's key (a file-safe name), the values it
 * interpolates, its upstream jobs and a fingerprint of what it runs. A done-marker is valid
 * only while its fingerprint matches and the upstream done-markers it recorded (by id) are still
 * the current, valid ones (lib/runtime.sh `libcc_done_valid`), so changing a stage's command
 * invalidates its old results and everything computed from them.
 */
import type { AttributeModel, AttributeValue, CheckedProgram, CornerModel, FanoutKey, LibraryModel, NodeModel, StageModel, Template, TemplatePart } from '../check/model.js';
import { compileCornerStyle, DEFAULT_NOTATION, notationOf, parseCornerName } from '../check/corner-name.js';
import { applyFormat, isFormattable, splitFormattedField } from '../check/formats.js';
import type { Plan, PlanJob } from '../graph/plan.js';
import type { JobKeys } from '../graph/types.js';
import { JsonStrings, ReusedBytes } from '../graph/json-bytes.js';
import { fingerprintOf, PENDING_FINGERPRINT, type DeferredFingerprints } from './fingerprint.js';
import { shDoubleQuote, shQuote, tsvEscape } from './shell.js';

export interface JobFacts {
  readonly job: PlanJob;
  /** `tcbn02.base_svt.ssgnp_…` — the key-set values joined by `.`, `_` without keys. */
  readonly key: string;
  /** `tcbn02/base_svt/ssgnp_…` — where its work and out directories are, '' without keys. */
  readonly keyPath: string;
  /** Array group (outer keys joined by `.`, or `_`). */
  readonly group: string;
  readonly fingerprint: string;
  /**
   * The literal values it interpolates (`jobLiterals`), in pieces; as element-table fields (the
   * pieces' non-empty `fields`, tab-separated): `lcp_corner_rc=cworst_CCworst_T`, values escaped
   * by `tsvEscape`. Pieces made once per entity, not a map or a string per job: 100k jobs' maps
   * were a quarter of a big compile's memory, their strings most of the element tables' cost.
   * Valid only while `computeJobFacts`' callback runs.
   */
  readonly literals: readonly LiteralText[];
}

export interface ProgramIndex {
  readonly libraries: ReadonlyMap<string, LibraryModel>;
  readonly corners: ReadonlyMap<string, CornerModel>;
  readonly stages: ReadonlyMap<string, StageModel>;
  readonly nodes?: ReadonlyMap<string, NodeModel>;
  /** Declared user attributes by `entity.name`. */
  readonly attributes?: ReadonlyMap<string, AttributeModel>;
  /** The site's corner style, to spell `${corner.voltage:p}` as the corner's name does. */
  readonly cornerStyle?: string;
}

export function indexProgram(program: CheckedProgram): ProgramIndex {
  return {
    libraries: new Map(program.libraries.map((l) => [l.id, l])),
    corners: new Map(program.corners.map((c) => [c.name, c])),
    stages: new Map(program.stages.map((s) => [s.name, s])),
    nodes: new Map(program.nodes.map((n) => [n.name, n])),
    attributes: new Map((program.attributes ?? []).map((a) => [`${a.entity}.${a.name}`, a])),
    cornerStyle: program.site.cornerStyle,
  };
}

const templatesOfStage = new WeakMap<StageModel, readonly Template[]>();

/** The templates of a stage that are substituted per job (made once per stage: read for every job). */
function stageTemplates(stage: StageModel): readonly Template[] {
  let templates = templatesOfStage.get(stage);
  if (templates === undefined) templatesOfStage.set(stage, (templates = collectStageTemplates(stage)));
  return templates;
}

function collectStageTemplates(stage: StageModel): Template[] {
  const run = stage.run;
  return [
    ...(run.kind === 'shell' ? [run.command] : [...(run.deck ? [run.deck] : []), ...run.args]),
    ...stage.expects.map((e) => e.pattern),
    ...(stage.deck?.rshCmd ? [stage.deck.rshCmd] : []),
    ...(stage.deck?.dirs ?? []).map((d) => d.value),
  ];
}

/** `base_svt/ssgnp_…`: the job's keys projected onto `stage`'s (a coarser stage's, for `${S.work}`). */
export function keyPathOf(job: KeyedJob, stage: KeyShape): string {
  return jobKey(job, stage).keyPath;
}

/**
 * `lcp_stage_S_work_path` (`S/base_svt`): where the job of `S` that this job reads from runs,
 * under the work root; the checker made sure `S`'s keys are among this job's (rules/stage-reads.ts).
 */
function stageReadLiterals(values: Map<string, string>, job: PlanJob, stage: StageModel, index: ProgramIndex): void {
  for (const { variable, part } of stageParts(stage).workReads) {
    const source = index.stages.get(part.stage);
    if (source === undefined) continue;
    const keyPath = keyPathOf(job, source);
    values.set(variable, keyPath === '' ? part.stage : `${part.stage}/${keyPath}`);
  }
}

type FieldPart = Extract<TemplatePart, { kind: 'field' }>;
type StagePart = Extract<TemplatePart, { kind: 'stage' }>;

/**
 * The fields (`${corner.name}`, `${library.lpe_dir}`) and stage work directories (`${S.work}`) a
 * stage's strings read, in order, each with its variable's name: made once per stage, read for
 * every job.
 */
interface StageParts {
  readonly fields: readonly FieldRead[];
  readonly workReads: readonly { readonly variable: string; readonly part: StagePart }[];
}

/** A field a stage's strings read, with its variable's name (`lcp_library_lpe_dir`). */
interface FieldRead {
  readonly variable: string;
  readonly part: FieldPart;
  readonly field: string;
  readonly format: string | undefined;
  readonly attributeKey: string;
}

const partsOfStage = new WeakMap<StageModel, StageParts>();

function stageParts(stage: StageModel): StageParts {
  let parts = partsOfStage.get(stage);
  if (parts === undefined) {
    const fields: FieldRead[] = [];
    const workReads: StageParts['workReads'][number][] = [];
    for (const template of stageTemplates(stage)) {
      for (const part of template.parts) {
        if (part.kind === 'field') {
          const { field, format } = splitFormattedField(part.field);
          fields.push({ variable: `lcp_${part.entity}_${part.field}`, part, field, format, attributeKey: `${part.entity}.${field}` });
        } else if (part.kind === 'stage' && part.field === 'work') workReads.push({ variable: `lcp_stage_${part.stage}_work_path`, part });
      }
    }
    partsOfStage.set(stage, (parts = { fields, workReads }));
  }
  return parts;
}

/** The stages whose directories a stage reads, in order of first use, with the fields it reads. */
export function stageReadsOf(stage: StageModel): { stage: string; fields: Set<'work' | 'work_root'> }[] {
  const reads = new Map<string, Set<'work' | 'work_root'>>();
  for (const template of stageTemplates(stage)) {
    for (const part of template.parts) {
      if (part.kind !== 'stage') continue;
      const fields = reads.get(part.stage) ?? new Set();
      fields.add(part.field);
      reads.set(part.stage, fields);
    }
  }
  return [...reads].map(([name, fields]) => ({ stage: name, fields }));
}

/**
 * The env variables a stage's jobs read, sorted: through its strings, its tool (path, arguments,
 * setup, env), the tools whose paths it reads, the roots of the run, and its libraries' kit and
 * cells. The job wrapper requires them before anything runs; the defaults of those declared with
 * one are part of the jobs' fingerprints (`computeJobFacts`).
 */
export function stageEnvReads(program: CheckedProgram, stage: StageModel): readonly string[] {
  let names = envReadsOfStage.get(stage);
  if (names === undefined) envReadsOfStage.set(stage, (names = collectEnvReads(program, stage)));
  return names;
}

const envReadsOfStage = new WeakMap<StageModel, readonly string[]>();

function collectEnvReads(program: CheckedProgram, stage: StageModel): string[] {
  const tool = stage.run.kind === 'tool' ? program.tools.find((t) => t.name === (stage.run as { tool: string }).tool) : undefined;
  const readTools = toolReadsOf(stage).map((r) => program.tools.find((t) => t.name === r.tool));
  const libraries = stage.keySet.includes('library') ? program.libraries : [];
  const templates: (Template | undefined)[] = [
    ...stageTemplates(stage),
    tool?.path,
    ...(tool?.args ?? []),
    tool?.setup,
    ...(tool?.env ?? []).map((e) => e.value),
    ...readTools.map((t) => t?.path),
    program.site.workRoot,
    program.site.outRoot,
    ...libraries.flatMap((l) => [l.kit, l.cells]),
  ];
  const names = new Set<string>();
  for (const template of templates) for (const part of template?.parts ?? []) if (part.kind === 'env') names.add(part.name);
  return [...names].sort();
}

/** The tools whose path or version a stage's strings read (`${tool.T.path}`), sorted. */
export function toolReadsOf(stage: StageModel): { tool: string; field: 'path' | 'version' }[] {
  const reads = new Map<string, { tool: string; field: 'path' | 'version' }>();
  for (const template of stageTemplates(stage)) {
    for (const part of template.parts) if (part.kind === 'tool') reads.set(`${part.tool}.${part.field}`, { tool: part.tool, field: part.field });
  }
  return [...reads.values()].sort((a, b) => (`${a.tool}.${a.field}` < `${b.tool}.${b.field}` ? -1 : 1));
}

/** An attribute value as text in scripts: `true`/`false`, numbers in base units. */
export function attributeText(value: AttributeValue): string {
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

/**
 * Values of the user attributes and formatted fields (`${library.lpe_dir}`,
 * `${corner.voltage:p}`) the stage's strings read; the built-in fields are set by `jobLiterals`.
 */
function extraLiterals(values: Map<string, string>, job: PlanJob, stage: StageModel, index: ProgramIndex): void {
  const library = job.keys.library === undefined ? undefined : index.libraries.get(job.keys.library);
  const corner = job.keys.corner === undefined ? undefined : index.corners.get(job.keys.corner);
  const node = job.keys.node === undefined ? undefined : index.nodes?.get(job.keys.node);
  for (const read of stageParts(stage).fields) {
    if (values.has(read.variable)) continue;
    const entity = read.part.entity === 'node' ? node : read.part.entity === 'library' ? library : corner;
    const value = entity === undefined ? undefined : fieldLiteral(read, entity, index);
    if (value !== undefined) values.set(read.variable, value);
  }
}

/** The value of one field a stage's strings read, for `entity` (its node, library or corner); undefined when it has none. */
function fieldLiteral(read: FieldRead, entity: NodeModel | LibraryModel | CornerModel, index: ProgramIndex): string | undefined {
  const { part, field, format } = read;
  const attribute = index.attributes?.get(read.attributeKey);
  let value: AttributeValue | undefined;
  let type: string | undefined;
  if (attribute !== undefined) {
    value = entity.attributes?.[field];
    type = attribute.type;
  } else if (part.entity === 'corner' && (field === 'voltage' || field === 'temperature')) {
    value = (entity as CornerModel)[field];
    type = field;
  }
  if (value === undefined) return undefined;
  if (format === undefined || typeof value !== 'number' || type === undefined || !isFormattable(type)) return attributeText(value);
  let notation = DEFAULT_NOTATION;
  if (part.entity === 'corner' && attribute === undefined && index.cornerStyle !== undefined) {
    const style = compileCornerStyle(index.cornerStyle);
    const parsed = 'error' in style ? undefined : parseCornerName(style, (entity as CornerModel).name);
    if (parsed !== undefined) notation = notationOf(parsed);
  }
  return applyFormat(value, type, format, notation);
}

/** The keys a stage's jobs are told apart by: its built-in keys, then its dimensions. */
export type KeyShape = Pick<StageModel, 'keySet' | 'dimensions'>;

/**
 * A job's values of those keys: a plan's job, or one of plan.json's read back by `libcc report`,
 * which keys jobs with `jobKey` too, so it finds the markers and events the scripts wrote.
 */
export interface KeyedJob {
  readonly keys: JobKeys;
}

/** A grouped stage (`group by`) has the group's name where the corner's would be. */
function builtinKeyValue(job: KeyedJob, key: FanoutKey): string {
  return key === 'corner' && job.keys.group !== undefined ? job.keys.group : job.keys[key]!;
}

/**
 * The job's key, key path and array group, from its values of `stage`'s keys: the built-in ones,
 * then its declared dimensions' (§4.1). The group is the array's outer keys: all but the
 * innermost built-in key, or, without one, all but the last dimension. Made in one pass, without
 * an array of values (a job at a time, 100k jobs).
 */
export function jobKey(job: KeyedJob, stage: KeyShape): { key: string; keyPath: string; group: string } {
  const builtin = stage.keySet;
  const dimensions = stage.dimensions ?? [];
  const count = builtin.length + dimensions.length;
  // The one value left out of the group: the innermost built-in key's, else the last dimension's.
  const inner = builtin.length > 0 ? builtin.length - 1 : count - 1;
  let key = '';
  let keyPath = '';
  let group = '';
  let outer = 0;
  for (let i = 0; i < count; i++) {
    const value = i < builtin.length ? builtinKeyValue(job, builtin[i]!) : job.keys.dimensions![dimensions[i - builtin.length]!]!;
    key += i === 0 ? value : `.${value}`;
    keyPath += i === 0 ? value : `/${value}`;
    if (i !== inner) group += outer++ === 0 ? value : `.${value}`;
  }
  return { key: count === 0 ? '_' : key, keyPath, group: outer === 0 ? '_' : group };
}

/** `jobKey(job, stage).key` alone: a deck's file name, and the report's key of a job of plan.json. */
export function jobKeyName(job: KeyedJob, stage: KeyShape): string {
  return jobKey(job, stage).key;
}

const formattedNumbers = new Map<number, string>();

/** Numbers in their shortest exact decimal form (0.48, -40, 125). Remembered: every job formats its corner's. */
export function formatNumber(value: number): string {
  let text = formattedNumbers.get(value);
  if (text === undefined) {
    text = String(Number(value.toPrecision(12)));
    if (formattedNumbers.size >= 4096) formattedNumbers.clear();
    formattedNumbers.set(value, text);
  }
  return text;
}

export function jobLiterals(job: PlanJob, stage: StageModel, index: ProgramIndex): Map<string, string> {
  const values = new Map<string, string>();
  if (stage.keySet.includes('node') && job.keys.node !== undefined) nodeLiterals(values, job.keys.node);
  const library = job.keys.library === undefined ? undefined : index.libraries.get(job.keys.library);
  if (library) libraryLiterals(values, library);
  const corner = job.keys.corner === undefined ? undefined : index.corners.get(job.keys.corner);
  if (corner) cornerLiterals(values, corner);
  if (job.keys.group !== undefined) {
    values.set('lcp_group_name', job.keys.group);
    // The fields the group's corners share, from its first corner: the checker allows no other.
    const first = index.corners.get(job.keys.corners![0]!);
    for (const field of stage.groupBy ?? []) {
      if (first === undefined) break;
      const value = field === 'process' ? first.process : field === 'voltage' ? formatNumber(first.voltage) : field === 'temperature' ? formatNumber(first.temperature) : field === 'rc' ? (first.rc ?? '') : first.mcSamples === undefined ? '' : String(first.mcSamples);
      values.set(`lcp_corner_${field}`, value);
    }
  }
  for (const [name, value] of Object.entries(job.keys.dimensions ?? {})) values.set(`lcp_dim_${name}`, value);
  extraLiterals(values, job, stage, index);
  stageReadLiterals(values, job, stage, index);
  return values;
}

function nodeLiterals(values: Map<string, string>, node: string): void {
  values.set('lcp_node_name', node);
}

function libraryLiterals(values: Map<string, string>, library: LibraryModel): void {
  values.set('lcp_library_id', library.id);
  values.set('lcp_library_name', library.name);
  values.set('lcp_library_node', library.node);
}

function cornerLiterals(values: Map<string, string>, corner: CornerModel): void {
  values.set('lcp_corner_name', corner.name);
  values.set('lcp_corner_process', corner.process);
  values.set('lcp_corner_voltage', formatNumber(corner.voltage));
  values.set('lcp_corner_temperature', formatNumber(corner.temperature));
  values.set('lcp_corner_rc', corner.rc ?? '');
  values.set('lcp_corner_mc_samples', corner.mcSamples === undefined ? '' : String(corner.mcSamples));
}

/**
 * Literals as the fingerprint's JSON (`["name","value"]` items, comma-separated) and as
 * element-table fields (`name=value`, tab-separated), each also as UTF-8 made on first use: a
 * piece made once per entity is written into 100k jobs' JSON and rows as it is.
 */
export class LiteralText {
  private encodedJson: Uint8Array | undefined;
  private encodedFields: Uint8Array | undefined;

  constructor(
    readonly json: string,
    readonly fields: string,
  ) {}

  get jsonBytes(): Uint8Array {
    return (this.encodedJson ??= Buffer.from(this.json, 'utf8'));
  }

  get fieldBytes(): Uint8Array {
    return (this.encodedFields ??= Buffer.from(this.fields, 'utf8'));
  }
}

function literalText(values: ReadonlyMap<string, string>, jsonTexts: JsonStrings): LiteralText {
  let json = '';
  let fields = '';
  values.forEach((value, name) => {
    const first = fields === '';
    json += `${first ? '' : ','}[${jsonTexts.json(name)},${jsonTexts.json(value)}]`;
    fields += `${first ? '' : '\t'}${name}=${tsvEscape(value)}`;
  });
  return new LiteralText(json, fields);
}

/** The built-in literals of one entity (`nodeLiterals`, `libraryLiterals`, `cornerLiterals`), as text and as set. */
type BuiltinBlock = LiteralText & { readonly values: ReadonlyMap<string, string> };

/** A field a stage reads, in `LiteralBlocks`, with its text by entity (null: no value). */
interface ExtraBlock {
  readonly read: FieldRead;
  readonly texts: Map<NodeModel | LibraryModel | CornerModel, LiteralText | null>;
}

/**
 * `jobLiterals(job, stage, index)` as text, in pieces that each depend on one entity of the job
 * (its node, library or corner, or one field of one of them): each piece is made once per entity,
 * and a job's are its pieces in `jobLiterals`' order — 100k jobs without a map and a dozen
 * strings each. Undefined where the literals depend on the job as a whole: a group, dimensions,
 * another stage's work directory (`jobLiterals` then).
 */
class LiteralBlocks {
  private readonly stages = new Map<StageModel, readonly ExtraBlock[] | null>();
  private readonly nodes = new Map<string, BuiltinBlock>();
  private readonly libraries = new Map<LibraryModel, BuiltinBlock>();
  private readonly corners = new Map<CornerModel, BuiltinBlock>();
  /** The pieces of the last job (reused). */
  private readonly pieces: LiteralText[] = [];

  constructor(
    private readonly index: ProgramIndex,
    private readonly jsonTexts: JsonStrings,
  ) {}

  of(job: PlanJob, stage: StageModel): readonly LiteralText[] | undefined {
    if (job.keys.group !== undefined || job.keys.dimensions !== undefined) return undefined;
    const extras = this.extrasOf(stage);
    if (extras === null) return undefined;
    const pieces = this.pieces;
    pieces.length = 0;
    const nodeName = stage.keySet.includes('node') ? job.keys.node : undefined;
    const nodeBlock = nodeName === undefined ? undefined : this.block(this.nodes, nodeName, (values) => nodeLiterals(values, nodeName));
    const library = job.keys.library === undefined ? undefined : this.index.libraries.get(job.keys.library);
    const libraryBlock = library ? this.block(this.libraries, library, (values) => libraryLiterals(values, library)) : undefined;
    const corner = job.keys.corner === undefined ? undefined : this.index.corners.get(job.keys.corner);
    const cornerBlock = corner ? this.block(this.corners, corner, (values) => cornerLiterals(values, corner)) : undefined;
    if (nodeBlock !== undefined) pieces.push(nodeBlock);
    if (libraryBlock !== undefined) pieces.push(libraryBlock);
    if (cornerBlock !== undefined) pieces.push(cornerBlock);
    for (const extra of extras) {
      // As in `extraLiterals`: a variable the built-in literals set already is not read again.
      const variable = extra.read.variable;
      if (nodeBlock?.values.has(variable) || libraryBlock?.values.has(variable) || cornerBlock?.values.has(variable)) continue;
      const entity = extra.read.part.entity === 'node' ? (job.keys.node === undefined ? undefined : this.index.nodes?.get(job.keys.node)) : extra.read.part.entity === 'library' ? library : corner;
      if (entity === undefined) continue;
      let text = extra.texts.get(entity);
      if (text === undefined) {
        const value = fieldLiteral(extra.read, entity, this.index);
        text = value === undefined ? null : literalText(new Map([[extra.read.variable, value]]), this.jsonTexts);
        extra.texts.set(entity, text);
      }
      if (text !== null) pieces.push(text);
    }
    return pieces;
  }

  private block<Key>(blocks: Map<Key, BuiltinBlock>, key: Key, set: (values: Map<string, string>) => void): BuiltinBlock {
    let block = blocks.get(key);
    if (block === undefined) {
      const values = new Map<string, string>();
      set(values);
      const text = literalText(values, this.jsonTexts);
      blocks.set(key, (block = Object.assign(text, { values })));
    }
    return block;
  }

  /** The fields `extraLiterals` reads for the stage, each variable once (a repeat is already set, or has no value either); null where a job's literals are not all pieces. */
  private extrasOf(stage: StageModel): readonly ExtraBlock[] | null {
    let extras = this.stages.get(stage);
    if (extras === undefined) {
      const parts = stageParts(stage);
      const seen = new Set<string>();
      const blocks: ExtraBlock[] = [];
      for (const read of parts.fields) {
        if (seen.has(read.variable)) continue;
        seen.add(read.variable);
        blocks.push({ read, texts: new Map() });
      }
      this.stages.set(stage, (extras = parts.workReads.length > 0 ? null : blocks));
    }
    return extras;
  }
}

/** Library fields that are templates (they may read env variables at run time). */
export function libraryTemplates(library: LibraryModel | undefined): Map<string, string> {
  const values = new Map<string, string>();
  if (library === undefined) return values;
  values.set('lcp_library_kit', library.kit ? shDoubleQuote(library.kit) : "''");
  values.set('lcp_library_cells', library.cells ? shDoubleQuote(library.cells) : "''");
  return values;
}

/** A job's deck text, or its UTF-8 bytes (the same JSON is hashed: see `ReusedBytes.writeJsonString`). */
export interface DeckBody {
  readonly body: string;
  readonly bytes?: Uint8Array;
}

/**
 * Each job's facts, in job order, handed to `each` and not kept (100k jobs' facts are tens of
 * MB). With `deferred`, the fingerprints of jobs whose deck is bytes are hashed there.
 */
export function computeJobFacts(
  program: CheckedProgram,
  plan: Plan,
  index: ProgramIndex,
  deckOf: (job: number) => DeckBody | undefined,
  each: (facts: JobFacts, num: number) => void,
  deferred?: DeferredFingerprints,
): void {
  // The fingerprint hashes JSON.stringify({pipeline, stage, key, run, tools, expects, literals, library,
  // deck}); the parts shared by a stage's or a library's jobs are serialised once (the same bytes).
  // As UTF-8, made once: a job's JSON is written piece by piece into one reused buffer.
  const stageJson = new Map<string, { head: Uint8Array; body: Uint8Array }>();
  const libraryParts = new Map<string, Uint8Array>();
  const noLibrary: Uint8Array = Buffer.from(',"deck":');
  const input = new ReusedBytes();
  const jsonTexts = new JsonStrings();
  const blocks = new LiteralBlocks(index, jsonTexts);
  plan.jobs.forEach((job, position) => {
    const stage = index.stages.get(job.stage)!;
    const { key, keyPath, group } = jobKey(job, stage);
    let parts = stageJson.get(stage.name);
    if (parts === undefined) {
      const tool = stage.run.kind === 'tool' ? program.tools.find((t) => t.name === (stage.run as { tool: string }).tool) : undefined;
      const run =
        stage.run.kind === 'shell'
          ? templateKey(stage.run.command)
          : {
              tool: tool && {
                path: templateKey(tool.path),
                args: tool.args.map(templateKey),
                version: tool.version ?? null,
                setup: tool.setup ? templateKey(tool.setup) : null,
                env: tool.env.map((e) => [e.name, templateKey(e.value)]),
              },
              args: stage.run.args.map(templateKey),
            };
      // `${tool.T.path}` and `${tool.T.version}` read by the stage's strings.
      const tools = toolReadsOf(stage).map((r) => {
        const read = program.tools.find((t) => t.name === r.tool);
        return [r.tool, r.field, r.field === 'path' ? read && templateKey(read.path) : (read?.version ?? null)];
      });
      const expects = stage.expects.map((e) => [templateKey(e.pattern), e.operator, e.count]);
      parts = {
        head: Buffer.from(`${JSON.stringify({ pipeline: program.pipeline.name, stage: stage.name }).slice(0, -1)},"key":`),
        body: Buffer.from(`,"run":${JSON.stringify(run)},"tools":${JSON.stringify(tools)},"expects":${JSON.stringify(expects)}${sourceSettings(program, stage)},"literals":`),
      };
      stageJson.set(stage.name, parts);
    }
    let libraryPart = noLibrary;
    if (job.keys.library !== undefined) {
      const cached = libraryParts.get(job.keys.library);
      if (cached !== undefined) libraryPart = cached;
      else {
        const library = index.libraries.get(job.keys.library);
        if (library !== undefined) libraryPart = Buffer.from(`,"library":${JSON.stringify({ kit: library.kit && templateKey(library.kit), cells: library.cells && templateKey(library.cells) })},"deck":`);
        libraryParts.set(job.keys.library, libraryPart);
      }
    }
    // The JSON is encoded into one reused buffer and hashed at once: no hash object, no UTF-8
    // copy of each part (100k jobs, a 3 KB deck for a third of them).
    // `JSON.stringify([...literals])` and the element-table fields, from pieces made once per
    // entity where the stage's literals allow (`LiteralBlocks`); names and values repeat.
    const cached = blocks.of(job, stage);
    const pieces = cached ?? [literalText(jobLiterals(job, stage, index), jsonTexts)];
    input.reset();
    input.writeBytes(parts.head);
    input.writeJsonText(key);
    input.writeBytes(parts.body);
    input.write('[');
    let first = true;
    for (const piece of pieces) {
      if (piece.fields === '') continue;
      if (!first) input.write(',');
      first = false;
      // A piece made for this job alone is written as text: its bytes would be made to be used once.
      if (cached === undefined) input.write(piece.json);
      else input.writeBytes(piece.jsonBytes);
    }
    input.write(']');
    input.writeBytes(libraryPart);
    const deck = deckOf(position);
    if (deferred !== undefined && deck?.bytes !== undefined) {
      deferred.add(position, input.bytes(), deck.bytes);
      each({ job, key, keyPath, group, fingerprint: PENDING_FINGERPRINT, literals: pieces }, position);
      return;
    }
    if (deck === undefined) input.write('null');
    else if (deck.bytes !== undefined) input.writeJsonString(deck.bytes);
    else input.write(JSON.stringify(deck.body));
    input.write('}');
    each({ job, key, keyPath, group, fingerprint: fingerprintOf(input.bytes()), literals: pieces }, position);
  });
}

/**
 * What else of the pipeline's source a stage's jobs compute with: the defaults of the env
 * variables they read (`env MODE: string = "fast"`: the value a job gets where MODE is not set)
 * and the roots of their work and out directories (`site { work_root, out_root }`). Each is left
 * out where it does not apply — no default read, the roots at theirs — so that covering them
 * changed the fingerprint of no job that does not depend on them. (The value an env variable has
 * when the job runs is not known at compile time, and is not covered.)
 */
function sourceSettings(program: CheckedProgram, stage: StageModel): string {
  let text = '';
  const defaults = stageEnvReads(program, stage).flatMap((name) => {
    const value = program.envs.find((e) => e.name === name)?.default;
    return value === undefined ? [] : [[name, value]];
  });
  if (defaults.length > 0) text += `,"env":${JSON.stringify(defaults)}`;
  const roots = [templateKey(program.site.workRoot), templateKey(program.site.outRoot)];
  if (roots[0] !== DEFAULT_WORK_ROOT || roots[1] !== DEFAULT_OUT_ROOT) text += `,"roots":${JSON.stringify(roots)}`;
  return text;
}

const DEFAULT_WORK_ROOT = 'work';
const DEFAULT_OUT_ROOT = 'out';

function templateKey(template: Template): string {
  return template.parts.map((p: TemplatePart) => (p.kind === 'text' ? p.value : `\u0000${JSON.stringify(p)}`)).join('');
}

export { shQuote };
