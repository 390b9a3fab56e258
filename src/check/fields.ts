/**
 * The fields of the fan-out entities, as seen by interpolation (`${corner.rc}`) and conditions
 * (`where corner.process == ssgnp`). One table, so both agree on what exists.
 */
import type { CornerModel, FanoutKey, LibraryModel } from './model.js';

export type FieldType = 'name' | 'string' | 'path' | 'process' | 'rc' | 'voltage' | 'temperature' | 'integer';

export const ENTITY_FIELDS: Readonly<Record<FanoutKey, Readonly<Record<string, FieldType>>>> = {
  node: { name: 'name' },
  library: { id: 'name', name: 'string', node: 'name', kit: 'path', cells: 'path' },
  corner: {
    name: 'name',
    process: 'process',
    voltage: 'voltage',
    temperature: 'temperature',
    rc: 'rc',
    mc_samples: 'integer',
  },
};

export function isFanoutKey(name: string): name is FanoutKey {
  return name === 'node' || name === 'library' || name === 'corner';
}

/** A corner's value for a comparable field (base units), undefined when absent or unknown. */
export function cornerField(corner: CornerModel, field: string): string | number | undefined {
  switch (field) {
    case 'name':
      return corner.name;
    case 'process':
      return corner.process;
    case 'voltage':
      return corner.voltage;
    case 'temperature':
      return corner.temperature;
    case 'rc':
      return corner.rc;
    case 'mc_samples':
      return corner.mcSamples;
    default:
      return undefined;
  }
}

/** A library's value for a comparable field; `kit` and `cells` are templates, not comparable. */
export function libraryField(library: LibraryModel, field: string): string | undefined {
  switch (field) {
    case 'id':
      return library.id;
    case 'name':
      return library.name;
    case 'node':
      return library.node;
    default:
      return undefined;
  }
}
