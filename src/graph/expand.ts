/**
 * Fan-out (language.md §4.1, §4.3): the (node, library, corner) triples of the program, and the
 * jobs of each stage as the distinct projections of those triples onto the stage's key set,
 * filtered by its `where`, in canonical order, with their array indices.
 *
 * Entities are numbered once (node, library and corner *ids* are positions in the `Universe`
 * lists) so that jobs are rows of integer columns and keys are numbers, never strings.
 */
import type { CornerModel, DimensionModel, FanoutKey, LibraryModel, StageModel, CheckedProgram } from '../check/model.js';
import { evaluateCondition } from '../check/evaluate.js';
import { jobFieldLookup, type JobEntities } from './condition.js';
import { groupingOf, type Grouping } from './groups.js';
import type { JobKeys } from './types.js';

export const NODE = 1;
export const LIBRARY = 2;
export const CORNER = 4;
/** The built-in keys' bits; declared dimension `i` (declaration order) is bit `8 << i`. */
export const BUILTIN_KEYS = NODE | LIBRARY | CORNER;

export function dimensionBit(i: number): number {
  return 8 << i;
}

/** Bit mask of a stage's key set, its declared dimensions included. */
export function stageMask(universe: Universe, stage: Pick<StageModel, 'keySet' | 'dimensions'>): number {
  let mask = keyMask(stage.keySet);
  for (const name of stage.dimensions ?? []) mask |= dimensionBit(universe.dimensions.findIndex((d) => d.name === name));
  return mask;
}

/** Bit mask of a key set (node 1, library 2, corner 4); library implies node. */
export function keyMask(keySet: readonly FanoutKey[]): number {
  let mask = 0;
  for (const key of keySet) mask |= key === 'node' ? NODE : key === 'library' ? LIBRARY : CORNER;
  if (mask & LIBRARY) mask |= NODE;
  return mask;
}

export function maskKeys(mask: number): FanoutKey[] {
  const keys: FanoutKey[] = [];
  if (mask & NODE) keys.push('node');
  if (mask & LIBRARY) keys.push('library');
  if (mask & CORNER) keys.push('corner');
  return keys;
}

export interface Universe {
  /** Node names: the declared nodes in order, then any node only a library names. */
  readonly nodes: readonly string[];
  readonly libraries: readonly LibraryModel[];
  /** Node id of each library. */
  readonly libraryNode: readonly number[];
  /** 1-based position of each library among its node's libraries (declaration order). */
  readonly libraryPosition: readonly number[];
  /** Corners by id: the declared corners, then names libraries use without a declaration. */
  readonly corners: readonly (CornerModel | { readonly name: string })[];
  /** 1-based rank of each corner by first appearance over libraries in declaration order (0: unused). */
  readonly cornerRank: readonly number[];
  /** Per node id: 1-based rank of each corner by first appearance among the node's libraries. */
  readonly nodeCornerRank: readonly (readonly number[])[];
  /** The triples, grouped by node (declaration order), then library, then the library's corners. */
  readonly tripleNode: readonly number[];
  readonly tripleLibrary: readonly number[];
  readonly tripleCorner: readonly number[];
  /** 1-based position of the triple's corner in its library's corner list. */
  readonly triplePosition: readonly number[];
  /**
   * Declared dimensions (declaration order). A job's dimension values are one number, its
   * *dimension code*: Σ (value index + 1) · `dimensionRadix[i]` (0: no dimension).
   */
  readonly dimensions: readonly DimensionModel[];
  readonly dimensionRadix: readonly number[];
  /** The site's corner style, to name corner groups (`group by`). */
  readonly cornerStyle: string;
}

/** The value index of dimension `i` in dimension code `d`; -1 when the job has none. */
export function dimensionValue(universe: Universe, d: number, i: number): number {
  return (Math.floor(d / universe.dimensionRadix[i]!) % (universe.dimensions[i]!.values.length + 1)) - 1;
}

/** Dimension code `d` with only the dimensions of `mask` kept. */
export function projectDimensions(universe: Universe, mask: number, d: number): number {
  if (d === 0) return 0;
  let code = 0;
  universe.dimensions.forEach((_, i) => {
    if (mask & dimensionBit(i)) code += (dimensionValue(universe, d, i) + 1) * universe.dimensionRadix[i]!;
  });
  return code;
}

export function buildUniverse(program: CheckedProgram): Universe {
  const nodes = program.nodes.map((n) => n.name);
  const nodeIds = new Map<string, number>();
  nodes.forEach((name, i) => {
    if (!nodeIds.has(name)) nodeIds.set(name, i);
  });
  const corners: (CornerModel | { readonly name: string })[] = [...program.corners];
  const cornerIds = new Map<string, number>();
  corners.forEach((c, i) => {
    if (!cornerIds.has(c.name)) cornerIds.set(c.name, i);
  });
  const cornerId = (name: string): number => {
    let id = cornerIds.get(name);
    if (id === undefined) {
      id = corners.length;
      corners.push({ name });
      cornerIds.set(name, id);
    }
    return id;
  };

  const libraries = program.libraries;
  const libraryNode = libraries.map((library) => {
    let id = nodeIds.get(library.node);
    if (id === undefined) {
      id = nodes.length;
      nodes.push(library.node);
      nodeIds.set(library.node, id);
    }
    return id;
  });
  const libraryCorners = libraries.map((library) => library.corners.map(cornerId));

  const dimensions = program.dimensions ?? [];
  const dimensionRadix: number[] = [];
  let radix = 1;
  for (const dimension of dimensions) {
    dimensionRadix.push(radix);
    radix *= dimension.values.length + 1;
  }

  const cornerRank = new Array<number>(corners.length).fill(0);
  let rank = 0;
  for (const ids of libraryCorners) for (const c of ids) if (cornerRank[c] === 0) cornerRank[c] = ++rank;

  const byNode: number[][] = nodes.map(() => []);
  libraryNode.forEach((n, l) => byNode[n]!.push(l));
  const libraryPosition = new Array<number>(libraries.length).fill(0);
  const nodeCornerRank: number[][] = [];
  const tripleNode: number[] = [];
  const tripleLibrary: number[] = [];
  const tripleCorner: number[] = [];
  const triplePosition: number[] = [];
  byNode.forEach((libs, n) => {
    const ranks = new Array<number>(corners.length).fill(0);
    let nodeRank = 0;
    libs.forEach((l, i) => {
      libraryPosition[l] = i + 1;
      libraryCorners[l]!.forEach((c, position) => {
        if (ranks[c] === 0) ranks[c] = ++nodeRank;
        tripleNode.push(n);
        tripleLibrary.push(l);
        tripleCorner.push(c);
        triplePosition.push(position + 1);
      });
    });
    nodeCornerRank.push(ranks);
  });

  return {
    nodes,
    libraries,
    libraryNode,
    libraryPosition,
    corners,
    cornerRank,
    nodeCornerRank,
    tripleNode,
    tripleLibrary,
    tripleCorner,
    triplePosition,
    dimensions,
    dimensionRadix,
    cornerStyle: program.site.cornerStyle,
  };
}

/** The jobs of one stage, as parallel columns in canonical order; -1 marks a key not in the set. */
export interface ExpandedStage {
  readonly stage: StageModel;
  readonly mask: number;
  readonly node: readonly number[];
  readonly library: readonly number[];
  readonly corner: readonly number[];
  /** Dimension codes (`Universe`): 0 for every job of a stage without dimensions. */
  readonly dimension: readonly number[];
  /** `group by`: the `corner` column holds group ids of this grouping. */
  readonly grouping?: Grouping;
  readonly arrayIndex: readonly number[];
  /** Jobs before the `where`. */
  readonly candidates: number;
}

/**
 * A number identifying the projection of (node, library, corner, dimension code) onto `mask`:
 * equal keys give equal numbers. Exact while (nodes+1)·(libraries+1)·(corners+1)·Π(values+1) < 2^53.
 */
export class KeyCodec {
  private readonly nodeBase: number;
  private readonly libraryBase: number;
  private readonly builtinSpace: number;

  constructor(private readonly universe: Universe) {
    this.nodeBase = universe.nodes.length + 1;
    this.libraryBase = universe.libraries.length + 1;
    this.builtinSpace = this.nodeBase * this.libraryBase * (universe.corners.length + 1);
  }

  encode(mask: number, node: number, library: number, corner: number, dimension = 0): number {
    const n = mask & NODE ? node + 1 : 0;
    const l = mask & LIBRARY ? library + 1 : 0;
    const c = mask & CORNER ? corner + 1 : 0;
    const builtin = n + this.nodeBase * (l + this.libraryBase * c);
    return dimension === 0 ? builtin : builtin + this.builtinSpace * projectDimensions(this.universe, mask, dimension);
  }
}

/**
 * The most candidate jobs (before `where`) a pipeline may expand to, all stages together: 20 times
 * the 100 000 jobs libcc is built and measured for. Four dimensions of 60 values in a 1 kB
 * pipeline are 13 million jobs: without a limit, `libcc check` in CI ran out of memory after a
 * minute and 5 GB.
 */
export const MAX_CANDIDATE_JOBS = 2_000_000;

/** A stage whose candidate jobs would go past what is left of `MAX_CANDIDATE_JOBS` (`expandStage`'s `limit`). */
export class TooManyJobs extends Error {
  constructor(
    readonly stage: StageModel,
    /** The stage's own candidates. */
    readonly candidates: number,
  ) {
    super(`stage ${stage.name} expands to ${candidates} candidate jobs`);
  }
}

/** Throws `TooManyJobs` when the stage has more than `limit` candidate jobs, before making them. */
export function expandStage(universe: Universe, codec: KeyCodec, stage: StageModel, limit = Infinity): ExpandedStage {
  const builtinMask = keyMask(stage.keySet);
  const mask = stageMask(universe, stage);
  const grouping = stage.groupBy !== undefined && (builtinMask & CORNER) !== 0 ? groupingOf(universe, stage.groupBy) : undefined;
  /** With a grouping and `library`: how many groups of each library were seen (a group's position). */
  const groupsSeen = new Map<number, number>();
  let node: number[] = [];
  let library: number[] = [];
  let corner: number[] = [];
  /** Position of the corner in its library's list, for key sets with library and corner. */
  let position: number[] = [];

  if (builtinMask === 0) {
    node.push(-1);
    library.push(-1);
    corner.push(-1);
    position.push(0);
  } else {
    // Every triple is distinct when both library and corner are keys: no need to deduplicate.
    const seen = (builtinMask & LIBRARY) !== 0 && (builtinMask & CORNER) !== 0 && grouping === undefined ? undefined : new Set<number>();
    const { tripleNode, tripleLibrary, tripleCorner, triplePosition } = universe;
    for (let t = 0; t < tripleNode.length; t++) {
      const n = mask & NODE ? tripleNode[t]! : -1;
      const l = mask & LIBRARY ? tripleLibrary[t]! : -1;
      const c = mask & CORNER ? (grouping ? grouping.groupOf[tripleCorner[t]!]! : tripleCorner[t]!) : -1;
      if (seen !== undefined) {
        const key = codec.encode(mask, n, l, c);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      node.push(n);
      library.push(l);
      corner.push(c);
      if (grouping !== undefined && l >= 0) {
        // Triples of a library are consecutive: its groups in order of first appearance.
        const count = (groupsSeen.get(l) ?? 0) + 1;
        groupsSeen.set(l, count);
        position.push(count);
      } else position.push(triplePosition[t]!);
    }
    if (builtinMask === CORNER) {
      // Triples are grouped by node; `for each corner` alone orders by first appearance over
      // libraries in declaration order.
      const rank = grouping ? grouping.rank : universe.cornerRank;
      corner.sort((a, b) => rank[a]! - rank[b]!);
    }
  }

  let planned = node.length;
  universe.dimensions.forEach((d, i) => {
    if (mask & dimensionBit(i)) planned *= d.values.length;
  });
  if (planned > limit) throw new TooManyJobs(stage, planned);
  const dimension = crossDimensions(universe, mask, { node, library, corner, position });
  node = dimension.node;
  library = dimension.library;
  corner = dimension.corner;
  position = dimension.position;
  let codes = dimension.codes;

  const candidates = node.length;
  if (stage.where !== undefined) {
    const where = stage.where;
    const keptNode: number[] = [];
    const keptLibrary: number[] = [];
    const keptCorner: number[] = [];
    const keptPosition: number[] = [];
    const keptCodes: number[] = [];
    const entities: JobEntities = {};
    const lookup = jobFieldLookup(entities);
    let code = 0;
    const dimensionLookup = (name: string): string | undefined => {
      const i = universe.dimensions.findIndex((d) => d.name === name);
      const v = i < 0 ? -1 : dimensionValue(universe, code, i);
      return v < 0 ? undefined : universe.dimensions[i]!.values[v];
    };
    for (let j = 0; j < candidates; j++) {
      code = codes[j]!;
      const n = node[j]!;
      const l = library[j]!;
      const c = corner[j]!;
      entities.node = n >= 0 ? universe.nodes[n] : undefined;
      entities.library = l >= 0 ? universe.libraries[l] : undefined;
      entities.corner = c >= 0 ? universe.corners[grouping ? grouping.representative[c]! : c] : undefined;
      if (evaluateCondition(where, lookup, dimensionLookup)) {
        keptNode.push(n);
        keptLibrary.push(l);
        keptCorner.push(c);
        keptPosition.push(position[j]!);
        keptCodes.push(code);
      }
    }
    node = keptNode;
    library = keptLibrary;
    corner = keptCorner;
    position = keptPosition;
    codes = keptCodes;
  }

  const arrayIndex = new Array<number>(node.length);
  for (let j = 0; j < node.length; j++) {
    arrayIndex[j] =
      builtinMask === 0 && mask !== 0
        ? dimensionValue(universe, codes[j]!, innermostDimension(mask)) + 1
        : grouping !== undefined && (builtinMask & LIBRARY) === 0
          ? grouping.rank[corner[j]!]!
          : innermostPosition(universe, builtinMask, node[j]!, library[j]!, corner[j]!, position[j]!);
  }
  return { stage, mask, node, library, corner, dimension: codes, arrayIndex, candidates, ...(grouping ? { grouping } : {}) };
}

interface Columns {
  readonly node: number[];
  readonly library: number[];
  readonly corner: number[];
  readonly position: number[];
}

/**
 * The jobs over the built-in keys, repeated for each combination of the stage's dimension values
 * (§4.1): dimensions are outermost — the first declared varies slowest — so the jobs sharing
 * dimension values stay together, as the arrays need.
 */
function crossDimensions(universe: Universe, mask: number, base: Columns): Columns & { readonly codes: number[] } {
  const dims = universe.dimensions.flatMap((_, i) => (mask & dimensionBit(i) ? [i] : []));
  if (dims.length === 0) return { ...base, codes: new Array<number>(base.node.length).fill(0) };
  let combos = [0];
  for (const i of dims) {
    const next: number[] = [];
    for (const code of combos) universe.dimensions[i]!.values.forEach((_, v) => next.push(code + (v + 1) * universe.dimensionRadix[i]!));
    combos = next;
  }
  const out = { node: [] as number[], library: [] as number[], corner: [] as number[], position: [] as number[], codes: [] as number[] };
  for (const code of combos) {
    for (let j = 0; j < base.node.length; j++) {
      out.node.push(base.node[j]!);
      out.library.push(base.library[j]!);
      out.corner.push(base.corner[j]!);
      out.position.push(base.position[j]!);
      out.codes.push(code);
    }
  }
  return out;
}

/** The last declared dimension of a mask (the innermost key when there is no built-in one). */
export function innermostDimension(mask: number): number {
  let i = -1;
  for (let bit = 0; dimensionBit(bit) <= mask; bit++) if (mask & dimensionBit(bit)) i = bit;
  return i;
}

/** 1-based position of the innermost key's value in its natural order (§4.3); 1 without keys. */
function innermostPosition(
  universe: Universe,
  mask: number,
  n: number,
  l: number,
  c: number,
  positionInLibrary: number,
): number {
  if (mask & CORNER) {
    if (mask & LIBRARY) return positionInLibrary;
    if (mask & NODE) return universe.nodeCornerRank[n]![c]!;
    return universe.cornerRank[c]!;
  }
  if (mask & LIBRARY) return universe.libraryPosition[l]!;
  if (mask & NODE) return n + 1;
  return 1;
}

/**
 * The values that name a job, outermost first: the library id stands for its node, so the node
 * name appears only when the key set has no library.
 */
export function jobLabelParts(universe: Universe, n: number, l: number, c: number, d = 0, grouping?: Grouping): string[] {
  const parts: string[] = [];
  if (l >= 0) parts.push(universe.libraries[l]!.id);
  else if (n >= 0) parts.push(universe.nodes[n]!);
  if (c >= 0) parts.push(grouping ? grouping.names[c]! : universe.corners[c]!.name);
  if (d !== 0) parts.push(...Object.values(dimensionKeys(universe, d)));
  return parts;
}

export function jobKeys(universe: Universe, n: number, l: number, c: number, d = 0, grouping?: Grouping): JobKeys {
  const keys: { node?: string; library?: string; corner?: string; group?: string; corners?: string[]; dimensions?: Record<string, string> } = {};
  if (n >= 0) keys.node = universe.nodes[n]!;
  if (l >= 0) keys.library = universe.libraries[l]!.id;
  if (c >= 0 && grouping !== undefined) {
    keys.group = grouping.names[c]!;
    keys.corners = groupCorners(universe, grouping, c, n, l);
  } else if (c >= 0) keys.corner = universe.corners[c]!.name;
  if (d !== 0) keys.dimensions = dimensionKeys(universe, d);
  return keys;
}

/** The corners of group `g` a job has: its library's (list order), else its node's or all in use (first appearance). */
function groupCorners(universe: Universe, grouping: Grouping, g: number, n: number, l: number): string[] {
  const names: string[] = [];
  for (let t = 0; t < universe.tripleCorner.length; t++) {
    if ((l >= 0 && universe.tripleLibrary[t] !== l) || (n >= 0 && universe.tripleNode[t] !== n)) continue;
    const c = universe.tripleCorner[t]!;
    const name = universe.corners[c]!.name;
    if (grouping.groupOf[c] === g && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Dimension name → value of a dimension code, in declaration order. */
function dimensionKeys(universe: Universe, d: number): Record<string, string> {
  const values: Record<string, string> = {};
  universe.dimensions.forEach((dimension, i) => {
    const v = dimensionValue(universe, d, i);
    if (v >= 0) values[dimension.name] = dimension.values[v]!;
  });
  return values;
}

/**
 * Key objects and id suffixes (`[base_svt,ttg]`), made once per distinct key and shared by the
 * jobs of every stage with that key (they are immutable), so 100k jobs do not mean 100k of each.
 */
export class JobNames {
  private readonly cache = new Map<number, { readonly keys: JobKeys; readonly suffix: string }>();
  private readonly grouped = new Map<string, Map<number, { readonly keys: JobKeys; readonly suffix: string }>>();

  constructor(
    private readonly universe: Universe,
    private readonly codec: KeyCodec,
  ) {}

  get(n: number, l: number, c: number, d = 0, grouping?: Grouping): { readonly keys: JobKeys; readonly suffix: string } {
    let mask = (n >= 0 ? NODE : 0) | (l >= 0 ? LIBRARY : 0) | (c >= 0 ? CORNER : 0);
    if (d !== 0) mask |= ~BUILTIN_KEYS;
    const code = this.codec.encode(mask, n, l, c, d);
    // Group ids and corner ids share the `corner` column: one cache per grouping.
    let cache = this.cache;
    if (grouping !== undefined) {
      cache = this.grouped.get(grouping.key) ?? new Map();
      this.grouped.set(grouping.key, cache);
    }
    let entry = cache.get(code);
    if (entry === undefined) {
      const parts = jobLabelParts(this.universe, n, l, c, d, grouping);
      entry = { keys: jobKeys(this.universe, n, l, c, d, grouping), suffix: parts.length === 0 ? '' : `[${parts.join(',')}]` };
      cache.set(code, entry);
    }
    return entry;
  }
}
