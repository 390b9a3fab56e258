/**
 * Liberate / Variety decks: one per job of a stage that runs a tool on a deck, rendered from a
 * Handlebars template with the job's typed values. Strings reach the deck through the `tcl`
 * helper or as pre-quoted Tcl words (`*Tcl` fields), never raw.
 */
import type { CheckedProgram } from '../check/model.js';
import type { PlanJob } from '../graph/plan.js';
import { DEFAULT_DECK } from '../check/deck.js';
import type { AttributeValue, CornerModel, DeckModel, Template, TemplatePart } from '../check/model.js';
import { attributeText, formatNumber, jobKeyName, jobLiterals, keyPathOf, type ProgramIndex } from './jobs.js';
import type { DeckWriter } from './deck-writer.js';
import type { TemplateFunction } from './render.js';
import { tclEscaped, tclQuote, tclTemplate, tclTemplateBody } from './tcl.js';

/** A stage's deck template: Handlebars, and the byte writer when the template is in its subset. */
export interface DeckTemplate {
  readonly name: string;
  readonly render: TemplateFunction;
  readonly write?: DeckWriter;
}

export type DeckTemplates = Map<string, DeckTemplate>;

/**
 * The SPICE model section for local Monte Carlo of a process corner, as the foundry model
 * files of the legacy flow name them (docs/generated-scripts.md, "Decks"):
 * `ssgnp` → `SSGNPGlobalCorner_LocalMC_MOS_MOSCAP`; the `g` of `ttg`/`ssg`/`ffg` is dropped.
 * A site with other section names overrides the deck templates.
 */
export function modelSection(process: string): string {
  const base = /^(tt|ss|ff)g$/.test(process) ? process.slice(0, 2) : process;
  return `${base.toUpperCase()}GlobalCorner_LocalMC_MOS_MOSCAP`;
}

/** A job's deck: where it goes, the rendered text (without the generated-file header), what it reads. */
export interface RenderedDeck {
  readonly path: string;
  /** The template's key, named in the deck's header. */
  readonly template: string;
  /** What the fingerprint hashes. */
  readonly body: string;
  /**
   * `body` as UTF-8, when it is kept as bytes (`renderDeck` with an arena): then `body` is made
   * from them when read. Absent when the text is not well-formed (a lone surrogate, which UTF-8
   * cannot hold, and the fingerprint's JSON escapes).
   */
  readonly bytes?: Uint8Array;
  readonly reads: { readonly kit: boolean; readonly cells: boolean };
}

/** The deck file: the generated-file header, the template's name, the body. */
export function deckText(deck: RenderedDeck, header: string): string {
  return `# ${header}\n# deck template: ${deck.template}\n${deck.body}`;
}

/**
 * Bytes carved from large shared blocks: 33k decks kept as UTF-8 (about 3 KB each at 100k jobs)
 * without a heap object and a malloc each. A Handlebars result is a rope (a V8 cons string) that
 * every read flattens in place — as two-byte text, since the decks' comments hold `…` — so a
 * kept rope ends up holding its flat copy too, and the emitter reads each deck twice (fingerprint,
 * file). Its UTF-8 bytes are a third of that flat copy, and both reads use them as they are.
 */
export class ByteArena {
  private block: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  private used = 0;

  /** `text` as UTF-8, or undefined when it is not well-formed UTF-16. */
  encode(text: string): Uint8Array | undefined {
    if (!isWellFormed(text)) return undefined;
    // Room for the most bytes it can take (3 per UTF-16 unit): no pass to count them first.
    this.room(text.length * 3);
    const size = this.block.write(text, this.used, 'utf8');
    const bytes = this.block.subarray(this.used, this.used + size);
    this.used += size;
    return bytes;
  }

  /** A copy of `bytes` (deck-writer.ts's, valid only until its next deck). */
  copy(bytes: Uint8Array): Uint8Array {
    this.room(bytes.length);
    this.block.set(bytes, this.used);
    const copy = this.block.subarray(this.used, this.used + bytes.length);
    this.used += bytes.length;
    return copy;
  }

  private room(most: number): void {
    if (this.used + most <= this.block.length) return;
    // Shared memory: a compile's writer thread reads the decks from it without a copy (src/cli/stage-writer.ts).
    this.block = Buffer.from(new SharedArrayBuffer(Math.max(ARENA_BLOCK, most)));
    this.used = 0;
  }
}

const ARENA_BLOCK = 4 << 20;

const wellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

/** No lone surrogate (`String.prototype.isWellFormed`, Node 20 has it; a regex where it is missing). */
export function isWellFormed(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return wellFormed === undefined ? !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text) : wellFormed.call(text);
}

/** A deck kept as its body's UTF-8 bytes. */
class DeckBytes implements RenderedDeck {
  constructor(
    readonly path: string,
    readonly template: string,
    readonly bytes: Uint8Array,
    readonly reads: { readonly kit: boolean; readonly cells: boolean },
  ) {}

  get body(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString('utf8');
  }
}

/** The netlists a deck reads, by syntax: SPICE `*.spi` (read with `-format hspice`), Spectre `*.scs`. */
const NETLIST_GLOBS: Record<DeckModel['netlistFormat'], string> = { hspice: 'netlists/*.spi', spectre: 'netlists/*.scs' };
/** The same inside the netlists' directory. */
const NETLIST_PATTERNS: Record<DeckModel['netlistFormat'], string> = { hspice: '*.spi', spectre: '*.scs' };

/** With an arena, the deck is kept as bytes: written by the template's writer when it can, else rendered and encoded. */
export function renderDeck(template: DeckTemplate, context: { program: CheckedProgram; job: PlanJob; index: ProgramIndex }, arena?: ByteArena): RenderedDeck {
  const stage = context.index.stages.get(context.job.stage)!;
  const key = jobKeyName(context.job, stage);
  const { view, reads } = deckView(context);
  const path = `decks/${stage.name}/${key}.tcl`;
  const written = arena === undefined ? undefined : template.write?.(view);
  if (written !== undefined) return new DeckBytes(path, template.name, arena!.copy(written), reads);
  const body = template.render(view);
  const bytes = arena?.encode(body);
  return bytes === undefined ? { path, template: template.name, body, reads } : new DeckBytes(path, template.name, bytes, reads);
}

/** What a deck template sees (docs/generated-scripts.md, "Decks"), and which library files it read once rendered. */
export function deckView(context: { program: CheckedProgram; job: PlanJob; index: ProgramIndex }): {
  view: object;
  reads: { kit: boolean; cells: boolean };
} {
  const { program, job, index } = context;
  const stage = index.stages.get(job.stage)!;
  const tool = stage.run.kind === 'tool' ? program.tools.find((t) => t.name === (stage.run as { tool: string }).tool) : undefined;
  const library = job.keys.library === undefined ? undefined : index.libraries.get(job.keys.library);
  const corner = job.keys.corner === undefined ? undefined : index.corners.get(job.keys.corner);
  const settings = stage.deck ?? DEFAULT_DECK;
  // Which library files the deck reads (the template used `library.kitTcl` / `library.cellsTcl`):
  // the job wrapper checks that they exist before it runs the tool.
  const reads = { kit: false, cells: false };
  const view = {
    pipeline: program.pipeline.name,
    stage: stage.name,
    job: job.id,
    program: tool?.kind === 'variety' ? 'VARIETY' : 'LIBERATE',
    threads: stage.resources.cpus,
    node: job.keys.node === undefined ? undefined : { name: job.keys.node, attrs: cachedAttributes(index.nodes?.get(job.keys.node)) },
    library: library && {
      id: library.id,
      name: library.name,
      node: library.node,
      /** User attributes (`attribute library.lpe_dir: string`), as text: `{{tcl library.attrs.lpe_dir}}`. */
      attrs: cachedAttributes(library),
      get kitTcl() {
        reads.kit ||= library.kit !== undefined;
        return library.kit ? cachedTclTemplate(library.kit) : '{}';
      },
      get cellsTcl() {
        reads.cells ||= library.cells !== undefined;
        return library.cells ? cachedTclTemplate(library.cells) : '{}';
      },
    },
    corner: corner && deckCorner(corner),
    /** `group by`: the group's name and its corners (each with the fields of `corner`). */
    group: job.keys.group,
    corners: job.keys.corners?.flatMap((name) => {
      const c = index.corners.get(name);
      return c === undefined ? [] : [deckCorner(c)];
    }),
    /** The job's values of the declared dimensions it fans out over: `{{tcl dimensions.arcs}}`. */
    dimensions: { ...job.keys.dimensions },
    /** The stage's `deck { … }` settings (docs/language.md, "Deck settings"). */
    deck: {
      packetClients: settings.packetClients,
      /** A Tcl word, or '' when not set (the deck then leaves `rsh_cmd` alone). */
      rshCmdTcl: settings.rshCmd ? cachedTclTemplate(settings.rshCmd) : '',
      netlistFormat: settings.netlistFormat,
      netlistGlob: NETLIST_GLOBS[settings.netlistFormat],
      /** The netlists' file pattern inside their directory (`*.spi`). */
      netlistPattern: NETLIST_PATTERNS[settings.netlistFormat],
      /** Monte Carlo samples: the deck's `mc_samples`, else the corner's; 0 when neither sets it. */
      mcSamples: settings.mcSamples ?? corner?.mcSamples ?? 0,
      /** `dirs { NAME = "…" }` as Tcl words; templates read them with `{{dir deck.dirs "NAME"}}`. */
      dirs: Object.fromEntries((settings.dirs ?? []).map((d) => [d.name, tclTemplate(d.value, (part) => deckReference(part, context))])),
    },
    /** `library_corner`, the name of the characterized library at this corner. */
    libraryName: joinNonEmpty(library?.name, corner?.name) || program.pipeline.name,
  };
  return { view, reads };
}

/** The Tcl text of a job's reference in a deck's `dirs` (env variables are `$::env(NAME)`). */
function deckReference(part: Exclude<TemplatePart, { kind: 'text' | 'env' }>, context: { program: CheckedProgram; job: PlanJob; index: ProgramIndex }): string {
  const { program, job, index } = context;
  const stage = index.stages.get(job.stage)!;
  const under = (root: string, ...parts: string[]) => [`$::env(${root})`, ...parts.filter((p) => p !== '').map(tclEscaped)].join('/');
  switch (part.kind) {
    case 'builtin':
      if (part.name === 'work') return under('LIBCC_WORK_ROOT', stage.name, keyPathOf(job, stage));
      if (part.name === 'out') return under('LIBCC_OUT_ROOT', keyPathOf(job, stage));
      return tclEscaped(part.name === 'pipeline' ? program.pipeline.name : stage.name);
    case 'stage': {
      const source = index.stages.get(part.stage)!;
      return part.field === 'work_root' ? under('LIBCC_WORK_ROOT', part.stage) : under('LIBCC_WORK_ROOT', part.stage, keyPathOf(job, source));
    }
    case 'tool': {
      const tool = program.tools.find((t) => t.name === part.tool)!;
      return part.field === 'path' ? tclTemplateBody(tool.path) : tclEscaped(tool.version ?? '');
    }
    case 'dimension':
      return tclEscaped(job.keys.dimensions?.[part.name] ?? '');
    case 'group':
      return tclEscaped(job.keys.group ?? '');
    case 'field': {
      const library = job.keys.library === undefined ? undefined : index.libraries.get(job.keys.library);
      if (part.entity === 'library' && (part.field === 'kit' || part.field === 'cells')) {
        const value = library?.[part.field];
        return value ? tclTemplateBody(value) : '';
      }
      return tclEscaped(jobLiterals(job, stage, index).get(`lcp_${part.entity}_${part.field}`) ?? '');
    }
  }
}

/** `a_b`, or the one that is not empty, or ''. */
function joinNonEmpty(a: string | undefined, b: string | undefined): string {
  return a && b ? `${a}_${b}` : a || b || '';
}

/**
 * Parts of a view shared by the jobs of a library, node or stage, made once (views are only read):
 * tens of thousands of jobs share a few hundred libraries.
 */
const attributeViews = new WeakMap<object, Record<string, string>>();
const tclWords = new WeakMap<Template, string>();

function cachedAttributes(entity: { readonly attributes?: Readonly<Record<string, AttributeValue>> } | undefined): Record<string, string> {
  if (entity === undefined) return {};
  let view = attributeViews.get(entity);
  if (view === undefined) attributeViews.set(entity, (view = deckAttributes(entity.attributes)));
  return view;
}

/** `tclTemplate` of a template with env references only (a throw is not cached: it repeats). */
function cachedTclTemplate(template: Template): string {
  let word = tclWords.get(template);
  if (word === undefined) tclWords.set(template, (word = tclTemplate(template)));
  return word;
}

/** A corner's deck fields, built once per corner: tens of thousands of jobs share a few hundred corners. */
const deckCorners = new WeakMap<CornerModel, ReturnType<typeof buildDeckCorner>>();

function deckCorner(corner: CornerModel) {
  let view = deckCorners.get(corner);
  if (view === undefined) deckCorners.set(corner, (view = buildDeckCorner(corner)));
  return view;
}

function buildDeckCorner(corner: CornerModel) {
  return {
    name: corner.name,
    process: corner.process,
    voltage: formatNumber(corner.voltage),
    temperature: formatNumber(corner.temperature),
    rc: corner.rc ?? '',
    mcSamples: corner.mcSamples ?? 0,
    modelSection: modelSection(corner.process),
    attrs: deckAttributes(corner.attributes),
  };
}

/** User attributes for a deck: strings as they are, booleans `true`/`false`, numbers in base units. */
function deckAttributes(attributes: Readonly<Record<string, AttributeValue>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes ?? {}).map(([name, value]) => [name, attributeText(value)]));
}

export { tclQuote };
