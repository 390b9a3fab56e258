/**
 * The checked program: what `check()` produces from the AST when there are no errors, and what
 * `src/graph` and `src/emit` consume. Plain data, values in base units (volts, °C, bytes, seconds),
 * every entity in declaration order, every name resolved. Spans point back into the sources
 * only so later phases can attach diagnostics.
 */
import type { Span } from '../diagnostics/span.js';

export interface CheckedProgram {
  readonly pipeline: { readonly name: string; readonly span: Span };
  /** Path of the root file, as given to the loader (relative, `/` separators). */
  readonly rootFile: string;
  /** Every file of the program in load order (root first). */
  readonly files: readonly string[];
  readonly site: SiteModel;
  readonly envs: readonly EnvModel[];
  readonly tools: readonly ToolModel[];
  readonly queues: readonly QueueModel[];
  readonly nodes: readonly NodeModel[];
  readonly libraries: readonly LibraryModel[];
  readonly corners: readonly CornerModel[];
  readonly stages: readonly StageModel[];
  /** Declared user attributes (`attribute library.lpe_dir: string`); absent when none. */
  readonly attributes?: readonly AttributeModel[];
  /** Declared dimensions (`dimension arcs = [cons, non_cons]`), in declaration order; absent when none. */
  readonly dimensions?: readonly DimensionModel[];
}

/** A fan-out key of the user's own (language.md §4.1): its values in the order written. */
export interface DimensionModel {
  readonly name: string;
  readonly values: readonly string[];
  readonly span: Span;
}

/** A user attribute's value: strings and paths, integers, booleans, quantities in base units. */
export type AttributeValue = string | number | boolean;

export interface AttributeModel {
  readonly entity: FanoutKey;
  readonly name: string;
  readonly type: 'string' | 'path' | 'int' | 'bool' | 'voltage' | 'temperature' | 'memory' | 'duration';
  readonly default?: AttributeValue;
}

export type MemoryUnit = 'KB' | 'MB' | 'GB' | 'TB';

export interface SiteModel {
  /** The cluster's LSF_UNIT_FOR_LIMITS; undefined = LSF defaults (-M in KB, rusage in MB). */
  readonly lsfUnitForLimits?: MemoryUnit;
  readonly memLimit: 'per_job' | 'per_slot';
  /** The scheduler the generated scripts submit to (src/schedulers); absent = `lsf`. */
  readonly scheduler?: 'lsf' | 'slurm' | 'local';
  readonly project?: string;
  readonly jobGroup: string;
  readonly maxArraySize: number;
  /** The cluster's LSB_MAX_PACK_JOBS: most requests in one `bsub -pack`; 0 = job packs off. */
  readonly lsfMaxPackJobs: number;
  readonly workRoot: Template;
  readonly outRoot: Template;
  readonly cornerStyle: string;
  readonly processes: readonly string[];
  readonly rcCorners: readonly string[];
  readonly defaultQueue?: string;
  /** `site { scheduler_options { … } }`: defaults of every stage's `resources { scheduler { … } }`. */
  readonly schedulerOptions?: SchedulerOptions;
  readonly span?: Span;
}

/**
 * Pass-through scheduler options (docs/language.md §2.1, docs/schedulers.md): typed, validated
 * against what the chosen scheduler supports when compiling (LCP6003). Spans point at the value
 * that set each option, the stage's or the site's.
 */
export interface SchedulerOptions {
  /** LSF user-assigned job priority (`bsub -sp`). */
  readonly priority?: number;
  /** LSF host selection string (`bsub -R "select[…]"`). */
  readonly select?: string;
  /** LSF application profile (`bsub -app`). */
  readonly app?: string;
  /** Fair-share group: LSF `bsub -G`, Slurm `--account`. */
  readonly group?: string;
  readonly spans: Readonly<Partial<Record<SchedulerOptionName, Span>>>;
}

export const SCHEDULER_OPTION_NAMES = ['priority', 'select', 'app', 'group'] as const;
export type SchedulerOptionName = (typeof SCHEDULER_OPTION_NAMES)[number];

export type EnvType = 'path' | 'string' | 'int';

export interface EnvModel {
  readonly name: string;
  readonly type: EnvType;
  /** Default value (a literal: env defaults cannot interpolate). */
  readonly default?: string;
  readonly span: Span;
}

export interface ToolModel {
  readonly name: string;
  readonly path: Template;
  readonly args: readonly Template[];
  readonly kind: 'liberate' | 'variety' | 'generic';
  /** `version = "21.1.2"`: a plain string, readable as `${tool.NAME.version}`. */
  readonly version?: string;
  /** A bash file sourced before the tool runs (in the job's command subshell). */
  readonly setup?: Template;
  /** Variables exported for the command of a stage that runs the tool, in declaration order. */
  readonly env: readonly { readonly name: string; readonly value: Template }[];
  readonly span: Span;
}

export interface QueueModel {
  readonly name: string;
  /** The LSF queue name (`-q`). */
  readonly lsfName: string;
  readonly maxMemBytes?: number;
  readonly maxRuntimeSeconds?: number;
  readonly maxSlots?: number;
  readonly span: Span;
}

export interface NumericRange {
  readonly low: number;
  readonly high: number;
}

export interface NodeModel {
  readonly name: string;
  /** Volts. */
  readonly vdd?: NumericRange;
  /** Degrees Celsius. */
  readonly temperature?: NumericRange;
  readonly processes: readonly string[];
  /** Undefined: any RC corner. */
  readonly rcCorners?: readonly string[];
  /** User attribute values by name (defaults filled in); absent when none are declared. */
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  readonly span: Span;
}

export interface LibraryModel {
  /** The declaration name (`base_svt`), the `library.id` field. */
  readonly id: string;
  /** The full library name (`tcbn02_…_c240207_094b`), the `library.name` field. */
  readonly name: string;
  readonly node: string;
  readonly kit?: Template;
  readonly cells?: Template;
  /** Corner names, in the library's order, without duplicates. */
  readonly corners: readonly string[];
  /** User attribute values by name (defaults filled in); absent when none are declared. */
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  readonly span: Span;
}

export interface CornerModel {
  readonly name: string;
  readonly process: string;
  /** Volts. */
  readonly voltage: number;
  /** Degrees Celsius. */
  readonly temperature: number;
  readonly rc?: string;
  readonly mcSamples?: number;
  /** User attribute values by name (defaults filled in); absent when none are declared. */
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  readonly span: Span;
}

export type FanoutKey = 'node' | 'library' | 'corner';

/** Canonical key order: outermost first. */
export const FANOUT_KEYS: readonly FanoutKey[] = ['node', 'library', 'corner'];

/** The corner fields `group by` takes, in canonical order (the corner style's, then the rest). */
export const GROUP_FIELDS = ['process', 'voltage', 'temperature', 'rc', 'mc_samples'] as const;

export interface StageModel {
  readonly name: string;
  /** Position among all stages in declaration order (0-based); ties in orderings use it. */
  readonly index: number;
  /** Keys as declared in `for each`, in canonical order, without the implied ones. */
  readonly keys: readonly FanoutKey[];
  /** The key set: `keys` plus `node` when `library` is present; canonical order. */
  readonly keySet: readonly FanoutKey[];
  /**
   * Declared dimensions in `for each`, in the order of their declarations (canonical order:
   * after the built-in keys); absent when none, so programs without dimensions are unchanged.
   */
  readonly dimensions?: readonly string[];
  /**
   * `group by process, rc, temperature`: the corner fields its corner groups share, in the
   * canonical order of `GROUP_FIELDS`; a job per group instead of per corner. Absent otherwise.
   */
  readonly groupBy?: readonly string[];
  readonly where?: Condition;
  readonly after: readonly StageDependency[];
  readonly run: RunModel;
  readonly expects: readonly ExpectModel[];
  readonly resources: ResourcesModel;
  /** The deck settings (`deck { … }`, or the defaults) of a stage that runs a tool on a deck. */
  readonly deck?: DeckModel;
  readonly retry?: RetryModel;
  /** Seconds, for the plan. */
  readonly estimateSeconds: number;
  /** Where the estimate came from: the stage's `estimate`, its run-time limit, or nothing (0). */
  readonly estimateSource: 'estimate' | 'runtime' | 'none';
  readonly failFast?: number;
  readonly arrayLimit?: number;
  readonly span: Span;
  /** Span of the stage's name, for diagnostics about the stage as a whole. */
  readonly nameSpan: Span;
}

export interface StageDependency {
  readonly stage: string;
  /** The name in the `after` clause. */
  readonly span: Span;
  /**
   * For an alternative of a join (`after copy, char | char_mb`): the join's position among the
   * stage's joins; each job waits for exactly one alternative of it (language.md §4.2).
   */
  readonly join?: number;
}

export type RunModel =
  | { readonly kind: 'shell'; readonly command: Template; readonly span: Span }
  | {
      readonly kind: 'tool';
      readonly tool: string;
      readonly deck?: Template;
      readonly args: readonly Template[];
      readonly span: Span;
    };

export type ExpectOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface ExpectModel {
  readonly pattern: Template;
  readonly operator: ExpectOperator;
  readonly count: number;
  readonly span: Span;
}

export interface ResourcesModel {
  /** The declared queue; absent: the cluster's default queue (no `-q` / `--partition`). */
  readonly queue?: string;
  /** The stage's scheduler options over the site's (`resources { scheduler { … } }`). */
  readonly scheduler?: SchedulerOptions;
  readonly cpus: number;
  readonly memBytes?: number;
  readonly runtimeSeconds?: number;
  /** Licence name → tokens, sorted by name. */
  readonly licenses: readonly { readonly name: string; readonly count: number }[];
  /** Exit codes on which LSF requeues the job (`bsub -Q`), ascending; empty for none. */
  readonly requeueExitCodes: readonly number[];
}

export const NETLIST_FORMATS = ['hspice', 'spectre'] as const;
export type NetlistFormat = (typeof NETLIST_FORMATS)[number];

/** A stage's `deck { … }` settings (docs/language.md, "Deck settings"). */
export interface DeckModel {
  /** Remote simulation clients Liberate starts (`set_var packet_clients`); 0: simulate in the job. */
  readonly packetClients: number;
  /** The command that starts a remote client (`set_var rsh_cmd`), e.g. a `bsub` line. */
  readonly rshCmd?: Template;
  /** The syntax of the netlists (`read_spice -format`). */
  readonly netlistFormat: NetlistFormat;
  /** Monte Carlo samples of a Variety run; overrides the corner's `mc_samples`. */
  readonly mcSamples?: number;
  /** `dirs { NAME = "…" }`: directories a deck template reads (`{{dir deck.dirs "NAME"}}`), by name. */
  readonly dirs?: readonly { readonly name: string; readonly value: Template }[];
}

export interface RetryModel {
  readonly count: number;
  /** Empty: any non-zero exit code. */
  readonly exitCodes: readonly number[];
  readonly backoffSeconds: number;
}

/**
 * A string with its interpolations resolved to typed references. Env references stay symbolic
 * (they are expanded when the job runs); the rest are substituted per job by the back ends.
 */
export interface Template {
  readonly parts: readonly TemplatePart[];
  readonly span: Span;
}

export type TemplatePart =
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'builtin'; readonly name: 'work' | 'out' | 'pipeline' | 'stage' }
  /**
   * A field or user attribute; a formatted one (`${corner.voltage:p}`) is named
   * `<field>__<format>` (`voltage__p`, src/check/formats.ts), its own variable in scripts.
   */
  | { readonly kind: 'field'; readonly entity: FanoutKey; readonly field: string }
  /**
   * `${S.work}`: the work directory of the job of stage `S` this job reads (same or coarser
   * keys); `${S.work_root}`: the directory holding every job directory of `S`.
   */
  | { readonly kind: 'stage'; readonly stage: string; readonly field: 'work' | 'work_root' }
  /** `${tool.T.path}`, `${tool.T.version}`. */
  | { readonly kind: 'tool'; readonly tool: string; readonly field: 'path' | 'version' }
  /** `${arcs}`: the job's value of a declared dimension. */
  | { readonly kind: 'dimension'; readonly name: string }
  /** `${group}`: the name of the job's corner group (`group by`). */
  | { readonly kind: 'group' };

/** A `where` condition, resolved and type-checked; evaluated per job by `src/graph`. */
export type Condition =
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly operand: Condition }
  | {
      readonly kind: 'compare';
      readonly operator: ExpectOperator;
      readonly left: Operand;
      readonly right: Operand;
    }
  | { readonly kind: 'in'; readonly operand: Operand; readonly set: readonly Operand[] }
  | { readonly kind: 'between'; readonly operand: Operand; readonly low: number; readonly high: number };

/** Numbers are in base units; enumerations and identifiers are strings. */
export type Operand =
  | { readonly kind: 'field'; readonly entity: FanoutKey; readonly field: string }
  /** `arcs` in `where arcs == cons`: the job's value of a declared dimension. */
  | { readonly kind: 'dimension'; readonly name: string }
  | { readonly kind: 'value'; readonly value: string | number | boolean };
