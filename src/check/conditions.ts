/**
 * Resolves `where` conditions to typed `Condition`s.
 * Rules: a comparison sets a field of an in-scope entity (LCP2009/LCP2010) against a literal of
 * the field's type (LCP3001); enumerations must name known values (LCP3006) and entity names
 * declared entities (LCP2001), so a typo cannot silently filter every job out; ordering
 * operators only apply to numbers.
 */
import { didYouMean, suggestionFixes } from '../diagnostics/suggest.js';
import type { BinaryExpression, Expression, Identifier, Reference } from '../syntax/ast.js';
import type { Span } from '../diagnostics/span.js';
import type { CheckContext } from './context.js';
import type { AttributeSchemas } from './attributes.js';
import { attributeName } from './references.js';
import { entityFields, isFanoutKey, type FieldType } from './fields.js';
import { evaluateCondition } from './evaluate.js';
import type { AttributeValue, Condition, DimensionModel, ExpectOperator, FanoutKey, Operand } from './model.js';
import { checkEnum, describeExpression, isMissing, quantityValue } from './values.js';

export interface ConditionScope {
  /** "stage `lvf`" / "corner set `slow`", for messages. */
  readonly what: string;
  readonly keySet: ReadonlySet<FanoutKey>;
  readonly processes: readonly string[];
  readonly rcCorners: readonly string[];
  /** Declared names, to validate `library.id == base_svt` and the like. */
  readonly names: Readonly<Record<'node' | 'library' | 'corner', ReadonlySet<string>>>;
  /** The corners of a named corner set, for `corner.name in SET` (undefined after reporting). */
  readonly cornerSet?: (name: Identifier) => readonly string[] | undefined;
  /** Declared user attributes (fields like the built-in ones). */
  readonly attributes?: AttributeSchemas;
  /**
   * Each node's attribute values. Jobs know their node by name only, so a condition on a node
   * attribute is resolved here into `node.name in [the nodes for which it holds]`.
   */
  readonly nodeAttributes?: ReadonlyMap<string, Readonly<Record<string, AttributeValue>> | undefined>;
  /** Declared dimensions (stages only): `where arcs == cons`. */
  readonly dimensions?: ReadonlyMap<string, DimensionModel>;
  /** The dimensions the stage fans out over. */
  readonly dimensionSet?: ReadonlySet<string>;
  /** `group by`: only these corner fields are in scope (a job has a group of corners). */
  readonly groupBy?: readonly string[];
}

interface FieldRef {
  readonly entity: FanoutKey;
  readonly field: string;
  readonly type: FieldType;
  readonly reference: Reference;
}

const FLIPPED: Record<ExpectOperator, ExpectOperator> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const NUMERIC: ReadonlySet<FieldType> = new Set(['voltage', 'temperature', 'integer', 'memory', 'duration']);

export function resolveCondition(ctx: CheckContext, expression: Expression, scope: ConditionScope): Condition | undefined {
  switch (expression.kind) {
    case 'Binary':
      return resolveBinary(ctx, expression, scope);
    case 'Not': {
      const operand = resolveCondition(ctx, expression.operand, scope);
      return operand && { kind: 'not', operand };
    }
    default:
      if (isMissing(expression)) return undefined;
      if (isFieldReference(expression)) {
        // A boolean field on its own: `where library.multibit`.
        const field = resolveField(ctx, expression, scope);
        if (field === undefined) return undefined;
        if (field.type === 'bool') return onNode(field, { kind: 'compare', operator: '==', left: fieldOperand(field), right: { kind: 'value', value: true } }, scope);
        ctx.report('LCP3001', expression.span, `\`${field.entity}.${field.field}\` is ${describeFieldType(field.type)}, not a condition`, {
          label: 'not a boolean',
          help: `compare it with a value, e.g. \`${field.entity}.${field.field} == …\``,
        });
        return undefined;
      }
      ctx.report('LCP3001', expression.span, `a \`where\` clause needs a condition, found ${describeExpression(expression)}`, {
        label: 'not a condition',
        help: 'compare a field with a value, e.g. `corner.process == ssgnp`',
      });
      return undefined;
  }
}

function resolveBinary(ctx: CheckContext, expression: BinaryExpression, scope: ConditionScope): Condition | undefined {
  const { operator } = expression;
  if (operator === '&&' || operator === '||') {
    const left = resolveCondition(ctx, expression.left, scope);
    const right = resolveCondition(ctx, expression.right, scope);
    return left && right && { kind: operator === '&&' ? 'and' : 'or', left, right };
  }

  if (operator === 'in') {
    const dimension = dimensionOf(expression.left, scope);
    if (dimension !== undefined) return resolveDimensionIn(ctx, expression, dimension, scope);
    const field = resolveField(ctx, expression.left, scope);
    if (field === undefined) return undefined;
    const right = expression.right;
    if (right.kind === 'Range') {
      if (!NUMERIC.has(field.type)) return typeError(ctx, right, field, 'a range');
      const low = literalOperand(ctx, right.low, field, scope);
      const high = literalOperand(ctx, right.high, field, scope);
      if (low === undefined || high === undefined) return undefined;
      return onNode(field, { kind: 'between', operand: fieldOperand(field), low: low.value as number, high: high.value as number }, scope);
    }
    if (right.kind === 'List') {
      const set: Operand[] = [];
      let ok = true;
      for (const item of right.items) {
        const operand = literalOperand(ctx, item, field, scope);
        if (operand === undefined) ok = false;
        else set.push(operand);
      }
      return ok ? onNode(field, { kind: 'in', operand: fieldOperand(field), set }, scope) : undefined;
    }
    if (right.kind === 'Reference' && right.path.length === 1 && field.entity === 'corner' && field.field === 'name' && scope.cornerSet) {
      const members = scope.cornerSet(right.path[0]!);
      return members && { kind: 'in', operand: fieldOperand(field), set: members.map((value) => ({ kind: 'value', value })) };
    }
    ctx.report('LCP3001', right.span, `\`in\` expects a list or a range, found ${describeExpression(right)}`, {
      label: 'expected `[…]` or `low .. high`',
      ...(right.kind === 'Reference' ? { help: 'only `corner.name` can be tested against a corner set: `corner.name in my_set`' } : {}),
    });
    return undefined;
  }

  // A dimension compared with one of its values: `arcs == cons` (either order).
  const leftDimension = isFieldReference(expression.right) ? undefined : dimensionOf(expression.left, scope);
  const rightDimension = leftDimension !== undefined || isFieldReference(expression.left) ? undefined : dimensionOf(expression.right, scope);
  if (leftDimension !== undefined || rightDimension !== undefined) {
    const dimension = (leftDimension ?? rightDimension)!;
    const valueSide = leftDimension !== undefined ? expression.right : expression.left;
    if (operator !== '==' && operator !== '!=') {
      ctx.report('LCP3001', expression.operatorSpan, `\`${operator}\` does not apply to dimension \`${dimension.model.name}\``, {
        label: 'its values are names, not numbers',
        help: 'use `==`, `!=` or `in [...]`',
      });
      return undefined;
    }
    if (!inScope(ctx, dimension, scope)) return undefined;
    const value = dimensionValue(ctx, valueSide, dimension);
    return value && { kind: 'compare', operator, left: { kind: 'dimension', name: dimension.model.name }, right: value };
  }

  // A comparison: one side a field, the other a literal (either order).
  const leftIsField = isFieldReference(expression.left);
  const rightIsField = isFieldReference(expression.right);
  if (leftIsField && rightIsField) {
    ctx.report('LCP3001', expression.span, 'a comparison sets one field against a value', {
      label: 'both sides are fields',
    });
    return undefined;
  }
  if (!leftIsField && !rightIsField) {
    const culprit = expression.left;
    ctx.report('LCP3001', culprit.span, 'a comparison needs a field such as `corner.process` on one side', {
      label: 'not a field',
      help: 'fields are `node.*`, `library.*` and `corner.*`',
    });
    return undefined;
  }
  const fieldSide = leftIsField ? expression.left : expression.right;
  const valueSide = leftIsField ? expression.right : expression.left;
  const op = leftIsField ? operator : FLIPPED[operator];
  const field = resolveField(ctx, fieldSide, scope);
  if (field === undefined) return undefined;
  if ((op === '<' || op === '<=' || op === '>' || op === '>=') && !NUMERIC.has(field.type)) {
    ctx.report('LCP3001', expression.operatorSpan, `\`${operator}\` needs a number, but \`${field.entity}.${field.field}\` is not one`, {
      label: 'ordering comparison on a non-number',
      help: 'use `==`, `!=` or `in [...]`',
    });
    return undefined;
  }
  const value = literalOperand(ctx, valueSide, field, scope);
  if (value === undefined) return undefined;
  return onNode(field, { kind: 'compare', operator: op, left: fieldOperand(field), right: value }, scope);
}

/** A condition on a node attribute, as `node.name in [nodes where it holds]` (jobs know nodes by name). */
function onNode(field: FieldRef, condition: Condition, scope: ConditionScope): Condition {
  if (field.entity !== 'node' || field.field === 'name' || scope.nodeAttributes === undefined) return condition;
  const holds = [...scope.nodeAttributes].filter(([, attributes]) =>
    evaluateCondition(condition, (entity, name) => (entity === 'node' ? attributes?.[name] : undefined)),
  );
  return { kind: 'in', operand: { kind: 'field', entity: 'node', field: 'name' }, set: holds.map(([name]) => ({ kind: 'value', value: name })) };
}

/** LCP2009: a corner field a grouped stage's corners do not share. */
export function reportUngrouped(ctx: CheckContext, span: Span, field: string, what: string, groupBy: readonly string[]): void {
  ctx.report('LCP2009', span, `\`corner.${field}\` is not in scope in ${what}: its jobs are groups of corners, which share only ${groupBy.map((f) => `\`${f}\``).join(', ')}`, {
    label: 'differs between the corners of a group',
    help: field === 'name' ? 'use `${group}`, the name of the group' : `add \`${field}\` to \`group by\`, or use \`\${group}\``,
  });
}

interface DimensionRef {
  readonly model: DimensionModel;
  readonly reference: Reference;
}

/** `arcs`: a single name that is a declared dimension (in a stage's condition). */
function dimensionOf(expression: Expression, scope: ConditionScope): DimensionRef | undefined {
  if (expression.kind !== 'Reference' || expression.path.length !== 1) return undefined;
  const model = scope.dimensions?.get(expression.path[0]!.name);
  return model && { model, reference: expression };
}

function inScope(ctx: CheckContext, dimension: DimensionRef, scope: ConditionScope): boolean {
  ctx.references.use('dimension', dimension.reference.path[0]!);
  if (scope.dimensionSet?.has(dimension.model.name)) return true;
  ctx.report('LCP2009', dimension.reference.span, `dimension \`${dimension.model.name}\` is not in scope in ${scope.what}`, {
    label: `not fanned out per ${dimension.model.name}`,
    help: `add \`${dimension.model.name}\` to the stage's \`for each\``,
  });
  return false;
}

function resolveDimensionIn(ctx: CheckContext, expression: BinaryExpression, dimension: DimensionRef, scope: ConditionScope): Condition | undefined {
  if (!inScope(ctx, dimension, scope)) return undefined;
  const right = expression.right;
  if (right.kind !== 'List') {
    ctx.report('LCP3001', right.span, `\`in\` expects a list of values of \`${dimension.model.name}\`, found ${describeExpression(right)}`, {
      label: 'expected `[…]`',
    });
    return undefined;
  }
  const set: Operand[] = [];
  for (const item of right.items) {
    const value = dimensionValue(ctx, item, dimension);
    if (value === undefined) return undefined;
    set.push(value);
  }
  return { kind: 'in', operand: { kind: 'dimension', name: dimension.model.name }, set };
}

/** A value of the dimension (LCP2015 with a did-you-mean when it is not one). */
function dimensionValue(ctx: CheckContext, expression: Expression, dimension: DimensionRef): Operand | undefined {
  const { name, values } = dimension.model;
  const listed = values.map((v) => `\`${v}\``).join(', ');
  if (expression.kind !== 'Reference' || expression.path.length !== 1) {
    ctx.report('LCP3001', expression.span, `dimension \`${name}\` takes one of its values, found ${describeExpression(expression)}`, {
      label: 'not a value of the dimension',
      notes: [`values of \`${name}\`: ${listed}`],
    });
    return undefined;
  }
  const identifier = expression.path[0]!;
  if (!values.includes(identifier.name)) {
    const hint = didYouMean(identifier.name, values);
    ctx.report('LCP2015', identifier.span, `\`${identifier.name}\` is not a value of dimension \`${name}\``, {
      label: 'unknown value',
      help: hint ?? `use one of ${listed}, or add the value to \`dimension ${name}\``,
      fixes: suggestionFixes(identifier.name, identifier.span, values),
      notes: [`values of \`${name}\`: ${listed}`],
    });
    return undefined;
  }
  return { kind: 'value', value: identifier.name };
}

function isFieldReference(expression: Expression): expression is Reference {
  return expression.kind === 'Reference' && expression.path.length >= 2 && isFanoutKey(expression.path[0]!.name);
}

function resolveField(ctx: CheckContext, expression: Expression, scope: ConditionScope): FieldRef | undefined {
  if (!isFieldReference(expression)) {
    ctx.report('LCP3001', expression.span, `expected a field such as \`corner.process\`, found ${describeExpression(expression)}`, {
      label: 'not a field',
    });
    return undefined;
  }
  const entity = expression.path[0]!.name as FanoutKey;
  const fieldName = expression.path[1]!;
  const fields = entityFields(entity, scope.attributes);
  const type = Object.hasOwn(fields, fieldName.name) ? fields[fieldName.name] : undefined;
  if (type === undefined || expression.path.length > 2) {
    const hint = type === undefined ? didYouMean(fieldName.name, Object.keys(fields)) : undefined;
    ctx.report('LCP2010', type === undefined ? fieldName.span : expression.span, `\`${entity}\` has no field \`${expression.path.slice(1).map((p) => p.name).join('.')}\``, {
      label: 'unknown field',
      ...(hint ? { help: hint } : {}),
      ...(type === undefined ? { fixes: suggestionFixes(fieldName.name, fieldName.span, Object.keys(fields)) } : {}),
      notes: [`fields of \`${entity}\`: ${Object.keys(fields).map((f) => `\`${f}\``).join(', ')}`],
    });
    return undefined;
  }
  if (scope.attributes?.[entity].has(fieldName.name)) ctx.references.use('attribute', { name: attributeName(entity, fieldName.name), span: fieldName.span });
  if (!scope.keySet.has(entity)) {
    ctx.report('LCP2009', expression.span, `\`${entity}.${fieldName.name}\` is not in scope in ${scope.what}`, {
      label: `not fanned out per ${entity}`,
    });
    return undefined;
  }
  if (entity === 'corner' && scope.groupBy !== undefined && !scope.groupBy.includes(fieldName.name)) {
    reportUngrouped(ctx, expression.span, fieldName.name, scope.what, scope.groupBy);
    return undefined;
  }
  if (type === 'path') {
    ctx.report('LCP3001', expression.span, `\`${entity}.${fieldName.name}\` is a path and cannot be compared`, {
      label: 'not comparable',
    });
    return undefined;
  }
  return { entity, field: fieldName.name, type, reference: expression };
}

function fieldOperand(field: FieldRef): Operand {
  return { kind: 'field', entity: field.entity, field: field.field };
}

function typeError(ctx: CheckContext, expression: Expression, field: FieldRef, found?: string): undefined {
  ctx.report('LCP3001', expression.span, `\`${field.entity}.${field.field}\` is ${describeFieldType(field.type)}, found ${found ?? describeExpression(expression)}`, {
    label: `expected ${describeFieldType(field.type)}`,
  });
  return undefined;
}

function describeFieldType(type: FieldType): string {
  switch (type) {
    case 'name':
      return 'a name';
    case 'string':
    case 'path':
      return 'a string';
    case 'process':
      return 'a process corner';
    case 'rc':
      return 'an RC corner';
    case 'voltage':
      return 'a voltage';
    case 'temperature':
      return 'a temperature';
    case 'integer':
      return 'an integer';
    case 'bool':
      return 'a boolean';
    case 'memory':
      return 'a memory size';
    case 'duration':
      return 'a duration';
  }
}

/** A literal of the field's type, converted to base units. */
function literalOperand(ctx: CheckContext, expression: Expression, field: FieldRef, scope: ConditionScope): { kind: 'value'; value: string | number | boolean } | undefined {
  switch (field.type) {
    case 'bool':
      if (expression.kind !== 'Boolean') return typeError(ctx, expression, field);
      return { kind: 'value', value: expression.value };
    case 'voltage':
    case 'temperature':
    case 'memory':
    case 'duration': {
      if (expression.kind !== 'Quantity') return typeError(ctx, expression, field);
      const value = quantityValue(ctx, expression, field.type, `${field.entity}.${field.field}`);
      return value === undefined ? undefined : { kind: 'value', value };
    }
    case 'integer':
      if (expression.kind !== 'Quantity' || expression.unit !== undefined) return typeError(ctx, expression, field);
      return { kind: 'value', value: expression.value };
    case 'string':
      if (expression.kind === 'String' && expression.parts.every((p) => p.kind === 'Text')) return { kind: 'value', value: expression.text };
      return typeError(ctx, expression, field, expression.kind === 'String' ? 'an interpolated string' : undefined);
    case 'process':
    case 'rc': {
      if (expression.kind !== 'Reference' || expression.path.length !== 1) return typeError(ctx, expression, field);
      const values = field.type === 'process' ? scope.processes : scope.rcCorners;
      const name = checkEnum(ctx, expression.path[0]!, values, field.type === 'process' ? 'process corner' : 'RC corner');
      return name === undefined ? undefined : { kind: 'value', value: name };
    }
    case 'name': {
      let name: string;
      if (expression.kind === 'Reference' && expression.path.length === 1) name = expression.path[0]!.name;
      else if (expression.kind === 'String' && expression.parts.every((p) => p.kind === 'Text')) name = expression.text;
      else return typeError(ctx, expression, field);
      const kind: 'node' | 'library' | 'corner' =
        field.field === 'node' || field.entity === 'node' ? 'node' : field.entity === 'library' ? 'library' : 'corner';
      const known = scope.names[kind];
      if (!known.has(name)) {
        const hint = didYouMean(name, known);
        ctx.report('LCP2001', expression.span, `unknown ${kind} \`${name}\``, {
          label: `no ${kind} of this name`,
          ...(hint ? { help: hint } : {}),
          ...(expression.kind === 'Reference' ? { fixes: suggestionFixes(name, expression.span, known) } : {}),
        });
        return undefined;
      }
      if (expression.kind === 'Reference') ctx.references.use(kind, expression.path[0]!);
      return { kind: 'value', value: name };
    }
    case 'path':
      return typeError(ctx, expression, field);
  }
}
