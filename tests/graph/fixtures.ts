/**
 * Builders of CheckedProgram fixtures for the graph tests: only what the graph phase reads is
 * meaningful; every span is distinct so tests can assert where a diagnostic points.
 */
import type {
  CheckedProgram,
  Condition,
  CornerModel,
  ExpectOperator,
  FanoutKey,
  LibraryModel,
  NodeModel,
  Operand,
  StageModel,
} from '../../src/check/model.js';
import { FANOUT_KEYS } from '../../src/check/model.js';
import type { Span } from '../../src/diagnostics/span.js';

export const FILE = 'test.lcp';

export interface StageSpec {
  readonly name: string;
  readonly keys?: readonly FanoutKey[];
  readonly after?: readonly string[];
  readonly where?: Condition;
  readonly cpus?: number;
  /** Seconds. */
  readonly estimate?: number;
}

export interface LibrarySpec {
  readonly id: string;
  readonly node: string;
  readonly corners: readonly string[];
}

export interface ProgramSpec {
  readonly pipeline?: string;
  /** Default: the nodes the libraries name, in order of first mention. */
  readonly nodes?: readonly string[];
  readonly libraries?: readonly LibrarySpec[];
  /** Default: every corner the libraries name, fields parsed from the name. */
  readonly corners?: readonly CornerModel[];
  readonly stages: readonly StageSpec[];
  readonly maxArraySize?: number;
}

/** Parses `{process}_{voltage}_{temperature}[_{rc}]`: `ssgnp_0p48v_m40c_cworst_CCworst_T`. */
export function corner(name: string, extra: Partial<CornerModel> = {}): CornerModel {
  const [process = name, voltage = '0v', temperature = '0c', ...rc] = name.split('_');
  const volts = Number(voltage.replace(/v$/i, '').replace('p', '.'));
  const celsius = Number(temperature.replace(/c$/i, '').replace(/^[mn]/, '-'));
  return {
    name,
    process,
    voltage: Number.isFinite(volts) ? volts : 0,
    temperature: Number.isFinite(celsius) ? celsius : 0,
    ...(rc.length > 0 ? { rc: rc.join('_') } : {}),
    span: nextSpan(name.length),
    ...extra,
  };
}

let cursor = 0;
function nextSpan(length: number): Span {
  const start = cursor;
  cursor += length + 1;
  return { file: FILE, start, end: start + length };
}

export function program(spec: ProgramSpec): CheckedProgram {
  const libraries = spec.libraries ?? [];
  const nodeNames = spec.nodes ?? [...new Set(libraries.map((l) => l.node))];
  const nodes: NodeModel[] = nodeNames.map((name) => ({
    name,
    processes: ['ss', 'tt', 'ff', 'ssgnp', 'ttg', 'ffgnp'],
    span: nextSpan(name.length),
  }));
  const libraryModels: LibraryModel[] = libraries.map((l) => ({
    id: l.id,
    name: `lib_${l.id}`,
    node: l.node,
    corners: l.corners,
    span: nextSpan(l.id.length),
  }));
  const corners =
    spec.corners ?? [...new Set(libraries.flatMap((l) => l.corners))].map((name) => corner(name));
  const stages: StageModel[] = spec.stages.map((s, index) => stageModel(s, index));
  return {
    pipeline: { name: spec.pipeline ?? 'test_pipeline', span: nextSpan(8) },
    rootFile: FILE,
    files: [FILE],
    site: {
      memLimit: 'per_job',
      jobGroup: '/libcc',
      maxArraySize: spec.maxArraySize ?? 1000,
      lsfMaxPackJobs: 0,
      workRoot: { parts: [{ kind: 'text', value: 'work' }], span: nextSpan(4) },
      outRoot: { parts: [{ kind: 'text', value: 'out' }], span: nextSpan(3) },
      cornerStyle: '{process}_{voltage}_{temperature}[_{rc}]',
      processes: ['ss', 'tt', 'ff', 'ssgnp', 'ttg', 'ffgnp'],
      rcCorners: ['typical', 'cworst_CCworst_T'],
    },
    envs: [],
    tools: [],
    queues: [],
    nodes,
    libraries: libraryModels,
    corners,
    stages,
  };
}

function stageModel(s: StageSpec, index: number): StageModel {
  const declared = new Set(s.keys ?? []);
  const keys = FANOUT_KEYS.filter((k) => declared.has(k));
  const keySet = FANOUT_KEYS.filter((k) => declared.has(k) || (k === 'node' && declared.has('library')));
  const span = nextSpan(40);
  const nameSpan = nextSpan(s.name.length);
  const estimate = s.estimate ?? 0;
  return {
    name: s.name,
    index,
    keys,
    keySet,
    ...(s.where === undefined ? {} : { where: s.where }),
    after: (s.after ?? []).map((stage) => ({ stage, span: nextSpan(stage.length) })),
    run: { kind: 'shell', command: { parts: [{ kind: 'text', value: 'true' }], span }, span },
    expects: [],
    resources: { cpus: s.cpus ?? 1, licenses: [], requeueExitCodes: [] },
    estimateSeconds: estimate,
    estimateSource: s.estimate === undefined ? 'none' : 'estimate',
    span,
    nameSpan,
  };
}

export function stageNamed(p: CheckedProgram, name: string): StageModel {
  const stage = p.stages.find((s) => s.name === name);
  if (stage === undefined) throw new Error(`no stage ${name}`);
  return stage;
}

/** The span of the `after` clause of `stage` naming `upstream`. */
export function afterSpan(p: CheckedProgram, stage: string, upstream: string): Span {
  const clause = stageNamed(p, stage).after.find((a) => a.stage === upstream);
  if (clause === undefined) throw new Error(`${stage} is not after ${upstream}`);
  return clause.span;
}

// --- conditions ---------------------------------------------------------------------------------

export function field(path: `${FanoutKey}.${string}`): Operand {
  const [entity, name] = path.split('.') as [FanoutKey, string];
  return { kind: 'field', entity, field: name };
}

export function value(v: string | number | boolean): Operand {
  return { kind: 'value', value: v };
}

export function cmp(left: `${FanoutKey}.${string}`, operator: ExpectOperator, right: string | number | boolean): Condition {
  return { kind: 'compare', operator, left: field(left), right: value(right) };
}

export function and(left: Condition, right: Condition): Condition {
  return { kind: 'and', left, right };
}

export function or(left: Condition, right: Condition): Condition {
  return { kind: 'or', left, right };
}

export function not(operand: Condition): Condition {
  return { kind: 'not', operand };
}

export function inSet(path: `${FanoutKey}.${string}`, items: readonly (string | number)[]): Condition {
  return { kind: 'in', operand: field(path), set: items.map(value) };
}

export function between(path: `${FanoutKey}.${string}`, low: number, high: number): Condition {
  return { kind: 'between', operand: field(path), low, high };
}

// --- a small realistic program ------------------------------------------------------------------

/** Two nodes, three libraries (declared out of node order), a handful of corners. */
export const LIBRARIES: readonly LibrarySpec[] = [
  { id: 'base_svt', node: 'n2', corners: ['ssgnp_0p48v_m40c_cworst_CCworst_T', 'ttg_0p48v_25c_typical', 'ffgnp_0p88v_125c'] },
  { id: 'x3_lvt', node: 'n3', corners: ['ttg_0p75v_25c', 'ssgnp_0p48v_m40c_cworst_CCworst_T'] },
  { id: 'base_lvt', node: 'n2', corners: ['ttg_0p48v_25c_typical', 'ss_0p45v_m40c'] },
];
export const NODES = ['n2', 'n3'];

export const SS = 'ssgnp_0p48v_m40c_cworst_CCworst_T';
export const TT = 'ttg_0p48v_25c_typical';
export const FF = 'ffgnp_0p88v_125c';
export const TT75 = 'ttg_0p75v_25c';
export const SSL = 'ss_0p45v_m40c';
