/**
 * Corner groups of `for each …, corner group by FIELDS` (language.md §4.1, "Grouped fan-out"):
 * the corners in use, partitioned by their values of FIELDS. Groups are numbered by first
 * appearance over the libraries' corner lists in declaration order, and named from those values
 * in the order the site's `corner_style` spells them (`ssgnp_m40c_cworst_CCworst_T`), each value
 * as the group's first corner spells it.
 */
import { compileCornerStyle, formatTemperatureText, formatVoltageText, isCornerStyleError, parseCornerName } from '../check/corner-name.js';
import { cornerField } from '../check/fields.js';
import type { CornerModel } from '../check/model.js';
import type { Universe } from './expand.js';

export interface Grouping {
  /** The fields, canonical order, joined by `,`: two stages group alike when their keys are equal. */
  readonly key: string;
  readonly fields: readonly string[];
  /** Per corner id: its group id (-1 for a corner no library uses). */
  readonly groupOf: readonly number[];
  /** Per group id. */
  readonly names: readonly string[];
  /** The group's first corner (by first appearance): its values of the fields are the group's. */
  readonly representative: readonly number[];
  /** 1-based rank of the group by first appearance (the array index without `library`). */
  readonly rank: readonly number[];
}

const cache = new WeakMap<Universe, Map<string, Grouping>>();

export function groupingOf(universe: Universe, fields: readonly string[]): Grouping {
  const key = fields.join(',');
  let byKey = cache.get(universe);
  if (byKey === undefined) {
    byKey = new Map();
    cache.set(universe, byKey);
  }
  let grouping = byKey.get(key);
  if (grouping === undefined) {
    grouping = buildGrouping(universe, fields, key);
    byKey.set(key, grouping);
  }
  return grouping;
}

function buildGrouping(universe: Universe, fields: readonly string[], key: string): Grouping {
  const order = universe.corners.map((_, id) => id).filter((id) => universe.cornerRank[id]! > 0);
  order.sort((a, b) => universe.cornerRank[a]! - universe.cornerRank[b]!);
  const groupOf = new Array<number>(universe.corners.length).fill(-1);
  const ids = new Map<string, number>();
  const names: string[] = [];
  const representative: number[] = [];
  const rank: number[] = [];
  for (const id of order) {
    const corner = universe.corners[id]!;
    const values = JSON.stringify(fields.map((f) => ('process' in corner ? cornerField(corner, f) : undefined) ?? null));
    let group = ids.get(values);
    if (group === undefined) {
      group = names.length;
      ids.set(values, group);
      names.push(groupName(universe.cornerStyle, corner, fields));
      representative.push(id);
      rank.push(group + 1);
    }
    groupOf[id] = group;
  }
  return { key, fields, groupOf, names, representative, rank };
}

/** `ssgnp_m40c_cworst_CCworst_T`: the fields' values in corner-style order, as the corner's name spells them. */
function groupName(style: string, corner: CornerModel | { readonly name: string }, fields: readonly string[]): string {
  if (!('process' in corner)) return corner.name;
  const compiled = compileCornerStyle(style);
  const parsed = isCornerStyleError(compiled) ? undefined : parseCornerName(compiled, corner.name);
  const placeholders = isCornerStyleError(compiled) ? [] : compiled.placeholders;
  const ordered = [...placeholders.filter((p) => fields.includes(p)), ...fields.filter((f) => !(placeholders as readonly string[]).includes(f))];
  const parts: string[] = [];
  for (const field of ordered) {
    if (field === 'process') parts.push(corner.process);
    else if (field === 'voltage') parts.push(parsed?.voltageText ?? formatVoltageText(corner.voltage) ?? String(corner.voltage));
    else if (field === 'temperature') parts.push(parsed?.temperatureText ?? formatTemperatureText(corner.temperature) ?? String(corner.temperature));
    else if (field === 'rc') parts.push(corner.rc ?? 'any_rc');
    else if (field === 'mc_samples') parts.push(corner.mcSamples === undefined ? 'no_mc' : `mc${corner.mcSamples}`);
  }
  return parts.join('_');
}
