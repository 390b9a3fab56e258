/**
 * Typed user attributes (docs/language.md §2.3): `attribute library.lpe_dir: string = "LPE"`
 * declares a field of every library; entities set it in their block (`lpe_dir = "…"`) or in a
 * YAML corner table; without a default, each entity must set it (LCP2007). Attributes are
 * fields like the built-in ones: `${library.lpe_dir}`, `where library.multibit`, decks.
 * Rules: the entity is `node`, `library` or `corner` (LCP2012); the name is not a built-in
 * property or field (LCP2002) and holds no `__`; the type is known (LCP3006); values and
 * defaults have the type (LCP3001 and the unit codes).
 */
import type { Span } from '../diagnostics/span.js';
import { didYouMean, suggest } from '../diagnostics/suggest.js';
import type { AttributeDecl, Block, Expression, Property } from '../syntax/ast.js';
import type { CheckContext } from './context.js';
import { FORMAT_SEPARATOR } from './formats.js';
import type { AttributeValue, FanoutKey } from './model.js';
import { attributeName } from './references.js';
import { checkEnum, mismatch, readBoolean, readInteger, readQuantity } from './values.js';

export const ATTRIBUTE_TYPES = ['string', 'path', 'int', 'bool', 'voltage', 'temperature', 'memory', 'duration'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export interface AttributeSchema {
  readonly entity: FanoutKey;
  readonly name: string;
  readonly type: AttributeType;
  readonly default?: AttributeValue;
  readonly span: Span;
}

/** Entity → attribute name → schema, in declaration order. */
export type AttributeSchemas = Readonly<Record<FanoutKey, ReadonlyMap<string, AttributeSchema>>>;

export const NO_ATTRIBUTES: AttributeSchemas = { node: new Map(), library: new Map(), corner: new Map() };

/** Names an attribute may not take: the entity's built-in properties and fields. */
const BUILT_IN: Readonly<Record<FanoutKey, readonly string[]>> = {
  node: ['name', 'vdd', 'temperature', 'processes', 'rc_corners'],
  library: ['id', 'name', 'node', 'kit', 'cells', 'corners'],
  corner: ['name', 'process', 'voltage', 'temperature', 'rc', 'mc_samples'],
};

export function buildAttributeSchemas(ctx: CheckContext, declarations: readonly AttributeDecl[]): AttributeSchemas {
  const schemas: Record<FanoutKey, Map<string, AttributeSchema>> = { node: new Map(), library: new Map(), corner: new Map() };
  const spans = new Map<string, Span>();
  for (const decl of declarations) {
    const entity = decl.entity.name;
    const name = decl.name.name;
    if (entity === '' || name === '') continue; // syntax error, reported
    if (entity !== 'node' && entity !== 'library' && entity !== 'corner') {
      const hint = didYouMean(entity, ['node', 'library', 'corner']);
      ctx.report('LCP2012', decl.entity.span, `cannot declare attributes of \`${entity}\``, {
        label: 'not an entity with attributes',
        help: hint ?? 'attributes belong to `node`, `library` or `corner`',
      });
      continue;
    }
    if (BUILT_IN[entity].includes(name)) {
      ctx.report('LCP2002', decl.name.span, `\`${name}\` is a built-in field of \`${entity}\``, {
        label: 'already a field',
        help: 'choose another name for the attribute',
      });
      continue;
    }
    if (name.includes(FORMAT_SEPARATOR)) {
      ctx.report('LCP3005', decl.name.span, `an attribute name cannot contain \`${FORMAT_SEPARATOR}\``, {
        label: 'reserved for formatted values',
        help: `write \`${name.replace(/_{2,}/g, '_')}\``,
      });
      continue;
    }
    const key = `${entity}.${name}`;
    const first = spans.get(key);
    if (first !== undefined) {
      ctx.report('LCP2002', decl.name.span, `attribute \`${key}\` is declared more than once`, {
        label: 'declared again here',
        secondary: [{ span: first, message: 'first declared here' }],
        help: 'rename one of them or remove the duplicate',
      });
      continue;
    }
    spans.set(key, decl.name.span);
    if (decl.type.name === '') continue;
    const type = checkEnum(ctx, decl.type, ATTRIBUTE_TYPES, 'attribute type');
    if (type === undefined) continue;
    let defaultValue: AttributeValue | undefined;
    if (decl.default !== undefined) {
      defaultValue = readAttributeValue(ctx, decl.default, type, name, false);
      if (defaultValue === undefined) continue;
    }
    schemas[entity].set(name, { entity, name, type, ...(defaultValue !== undefined ? { default: defaultValue } : {}), span: decl.name.span });
  }
  return schemas;
}

/** A value of an attribute's type; YAML tables write strings as bare names too. */
export function readAttributeValue(ctx: CheckContext, expression: Expression, type: AttributeType, property: string, yaml: boolean): AttributeValue | undefined {
  switch (type) {
    case 'string':
    case 'path':
      if (yaml && expression.kind === 'Reference' && expression.path.length === 1) return expression.path[0]!.name;
      if (expression.kind !== 'String') return mismatch(ctx, expression, 'a string', property);
      if (expression.parts.some((p) => p.kind === 'Interpolation')) {
        ctx.report('LCP3001', expression.span, `\`${property}\` is a plain string: interpolation is not allowed here`, {
          label: 'contains `${…}`',
          help: 'write the value itself; interpolate the attribute where it is used instead, e.g. `"${library.' + property + '}/…"`',
        });
        return undefined;
      }
      return expression.text;
    case 'int':
      return readInteger(ctx, expression, property, Number.MIN_SAFE_INTEGER);
    case 'bool':
      return readBoolean(ctx, expression, property);
    default:
      return readQuantity(ctx, expression, type, property);
  }
}

/**
 * The attributes of one entity from its block's properties: declared ones read with their type,
 * defaults filled in, a missing required one is LCP2007 at `ownerSpan`. Undefined when the
 * entity has no declared attributes (the model then has no `attributes`); `ok` false on error.
 */
export function readAttributes(
  ctx: CheckContext,
  schemas: AttributeSchemas,
  entity: FanoutKey,
  values: ReadonlyMap<string, Property>,
  what: string,
  ownerSpan: Span,
  block?: Block,
  /** Collect missing required attributes here instead of reporting them (shared YAML tables). */
  deferMissing?: AttributeSchema[],
): { attributes?: Record<string, AttributeValue>; ok: boolean } {
  const schema = schemas[entity];
  if (schema.size === 0) return { ok: true };
  const yaml = /\.ya?ml$/i.test(ownerSpan.file);
  const attributes: Record<string, AttributeValue> = {};
  let ok = true;
  const misspelled = (block?.items ?? []).flatMap((item) => (item.kind === 'Property' && !values.has(item.key.name) ? [item.key.name] : []));
  for (const attribute of schema.values()) {
    const property = values.get(attribute.name);
    if (property !== undefined) {
      ctx.references.use('attribute', { name: attributeName(entity, attribute.name), span: property.key.span });
      const value = readAttributeValue(ctx, property.value, attribute.type, attribute.name, yaml);
      if (value === undefined) ok = false;
      else attributes[attribute.name] = value;
    } else if (attribute.default !== undefined) attributes[attribute.name] = attribute.default;
    else if (misspelled.some((key) => suggest(key, [attribute.name], 1).length > 0)) {
      ok = false; // `prodcut = …`: the unknown property (LCP2006) already says "did you mean `product`?"
    } else if (deferMissing !== undefined) {
      deferMissing.push(attribute);
      ok = false;
    } else {
      reportMissingAttribute(ctx, attribute, what, ownerSpan);
      ok = false;
    }
  }
  return { attributes, ok };
}

/** LCP2007 for a required attribute an entity does not set. */
export function reportMissingAttribute(ctx: CheckContext, attribute: AttributeSchema, what: string, ownerSpan: Span): void {
  const yaml = /\.ya?ml$/i.test(ownerSpan.file);
  ctx.report('LCP2007', ownerSpan, `${what} is missing the required attribute \`${attribute.name}\``, {
    label: `no \`${attribute.name}\``,
    help: yaml ? `add \`${attribute.name}: …\` to its entry, or give the attribute a default` : `add \`${attribute.name} = …\` to its block, or give the attribute a default`,
    secondary: [{ span: attribute.span, message: 'declared without a default here' }],
  });
}

/** The block schema's properties for an entity's attributes. */
export function attributeProperties(schemas: AttributeSchemas, entity: FanoutKey): Record<string, 'value'> {
  return Object.fromEntries([...schemas[entity].keys()].map((name) => [name, 'value' as const]));
}
