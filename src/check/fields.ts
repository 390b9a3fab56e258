/**
 * The fields of the fan-out entities, as seen by interpolation (`${corner.rc}`) and conditions
 * (`where corner.process == ssgnp`). One table, so both agree on what exists.
 */
import type { AttributeSchemas, AttributeType } from './attributes.js';
import type { CornerModel, FanoutKey, LibraryModel } from './model.js';

export type FieldType = 'name' | 'string' | 'path' | 'process' | 'rc' | 'voltage' | 'temperature' | 'integer' | 'bool' | 'memory' | 'duration';

const ATTRIBUTE_FIELD_TYPES: Readonly<Record<AttributeType, FieldType>> = {
  string: 'string',
  path: 'path',
  int: 'integer',
  bool: 'bool',
  voltage: 'voltage',
  temperature: 'temperature',
  memory: 'memory',
  duration: 'duration',
};

/** The fields of an entity: the built-in ones, then its declared attributes. */
export function entityFields(entity: FanoutKey, attributes: AttributeSchemas | undefined): Readonly<Record<string, FieldType>> {
  const declared = attributes?.[entity];
  if (declared === undefined || declared.size === 0) return ENTITY_FIELDS[entity];
  const fields: Record<string, FieldType> = { ...ENTITY_FIELDS[entity] };
  for (const attribute of declared.values()) fields[attribute.name] = ATTRIBUTE_FIELD_TYPES[attribute.type];
  return fields;
}

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
export function cornerField(corner: CornerModel, field: string): string | number | boolean | undefined {
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
      return corner.attributes?.[field];
  }
}

/** A library's value for a comparable field; `kit` and `cells` are templates, not comparable. */
export function libraryField(library: LibraryModel, field: string): string | number | boolean | undefined {
  switch (field) {
    case 'id':
      return library.id;
    case 'name':
      return library.name;
    case 'node':
      return library.node;
    case 'kit':
    case 'cells':
      return undefined;
    default:
      return library.attributes?.[field];
  }
}
