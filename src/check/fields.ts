/**
 * The fields of the fan-out entities, as seen by interpolation (`${corner.rc}`) and conditions
 * (`where corner.process == ssgnp`). One table, so both agree on what exists.
 */
import type { FanoutKey } from './model.js';

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
