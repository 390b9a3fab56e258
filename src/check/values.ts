/**
 * Typed readers for property values. Each returns the value in base units, or undefined after
 * reporting why the expression does not have the expected type (LCP3001), unit (LCP3002–3004)
 * or range (LCP3005). Callers skip dependent checks when a reader returns undefined, so one
 * mistake yields one diagnostic.
 */
import { didYouMean, suggestionFixes } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import type { Expression, Identifier, QuantityLiteral } from '../syntax/ast.js';
import type { CheckContext } from './context.js';
import type { NumericRange } from './model.js';
import { lookupUnit, suggestUnit, unitsOf, type Dimension } from './units.js';
import { suggestRcCorner } from './vocabulary.js';

/** "a string", "a list", … — how an expression reads in a type-mismatch message. */
export function describeExpression(expression: Expression): string {
  switch (expression.kind) {
    case 'String':
      return 'a string';
    case 'Quantity':
      if (expression.unit === undefined) return 'a number';
      return `${article(lookupUnit(expression.unit)?.dimension ?? 'quantity')} ${lookupUnit(expression.unit)?.dimension ?? 'quantity'}`;
    case 'Boolean':
      return 'a boolean';
    case 'Reference':
      return expression.path.length === 1 ? 'a name' : 'a reference';
    case 'List':
      return 'a list';
    case 'Range':
      return 'a range';
    case 'Binary':
    case 'Not':
      return 'a condition';
    case 'Filter':
      return 'a filtered corner set';
    case 'ShellRun':
    case 'ToolRun':
      return 'a command';
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

const EXAMPLE_UNIT: Record<Dimension, string> = { voltage: 'V', temperature: 'C', memory: 'GB', duration: 'h' };

/** A value the parser had to invent while recovering from a syntax error (already reported). */
export function isMissing(expression: Expression): boolean {
  return expression.kind === 'Reference' && expression.path.length === 1 && expression.path[0]!.name === '';
}

export function mismatch(ctx: CheckContext, expression: Expression, expected: string, property: string): undefined {
  if (isMissing(expression)) return undefined;
  ctx.report('LCP3001', expression.span, `\`${property}\` expects ${expected}, found ${describeExpression(expression)}`, {
    label: `expected ${expected}`,
  });
  return undefined;
}

/** A quantity of `dimension`, converted to base units. */
export function readQuantity(ctx: CheckContext, expression: Expression, dimension: Dimension, property: string): number | undefined {
  if (expression.kind !== 'Quantity') return mismatch(ctx, expression, `${article(dimension)} ${dimension}`, property);
  return quantityValue(ctx, expression, dimension, property);
}

export function quantityValue(ctx: CheckContext, literal: QuantityLiteral, dimension: Dimension, property: string): number | undefined {
  if (literal.unit === undefined) {
    ctx.report('LCP3002', literal.span, `\`${property}\` needs ${article(dimension)} ${dimension} unit`, {
      label: 'no unit',
      help: `write \`${literal.digits}${EXAMPLE_UNIT[dimension]}\` (units: ${unitsOf(dimension).join(', ')})`,
    });
    return undefined;
  }
  const unitSpan = literal.unitSpan ?? literal.span;
  const unit = lookupUnit(literal.unit);
  if (unit === undefined) {
    const suggestion = suggestUnit(literal.unit, dimension);
    ctx.report('LCP3004', unitSpan, `unknown unit \`${literal.unit}\``, {
      label: `not ${article(dimension)} ${dimension} unit`,
      ...(suggestion
        ? { help: `did you mean \`${literal.digits}${suggestion}\`?` }
        : { notes: [`${dimension} units: ${unitsOf(dimension).join(', ')}`] }),
    });
    return undefined;
  }
  if (unit.dimension !== dimension) {
    ctx.report('LCP3003', unitSpan, `\`${property}\` expects ${article(dimension)} ${dimension}, found ${article(unit.dimension)} ${unit.dimension}`, {
      label: `\`${literal.unit}\` is ${article(unit.dimension)} ${unit.dimension} unit`,
      notes: [`${dimension} units: ${unitsOf(dimension).join(', ')}`],
    });
    return undefined;
  }
  const value = unit.toBase(literal.value);
  const cap = SCHEDULER_CAP[dimension];
  if (!Number.isFinite(value) || (cap !== undefined && Math.abs(value) > cap.max)) {
    ctx.report('LCP3005', literal.span, `\`${property}\` is too large${cap ? `: at most ${cap.shown}` : ': not a finite number'}`, {
      label: 'out of range',
      ...(cap ? { notes: [cap.why] } : {}),
    });
    return undefined;
  }
  return value;
}

/**
 * The largest memory and run time libcc passes to a scheduler: far above any host or queue, and
 * small enough that `bsub -M`/`-W` and `sbatch --mem`/`--time` take them (a huge value once
 * compiled to `-M Infinity` and `-W 1.0e+30:20`, which bsub rejects).
 */
const SCHEDULER_CAP: Partial<Record<Dimension, { max: number; shown: string; why: string }>> = {
  memory: { max: 2 ** 50, shown: '1125TB (1 PiB)', why: 'memory limits are passed to the scheduler in KB; larger values are not accepted' },
  duration: { max: 366 * 24 * 3600, shown: '366 days (8784h)', why: 'run limits are passed to the scheduler as hours:minutes; larger values are not accepted' },
};

/** A plain integer (no unit) from `min` to `max` (by default, the largest integer a number holds exactly). */
export function readInteger(ctx: CheckContext, expression: Expression, property: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (expression.kind !== 'Quantity') return mismatch(ctx, expression, 'an integer', property);
  if (expression.unit !== undefined) {
    ctx.report('LCP3003', expression.unitSpan ?? expression.span, `\`${property}\` is a plain number and takes no unit`, {
      label: 'remove this unit',
      help: `write \`${property} = ${expression.digits}\``,
    });
    return undefined;
  }
  if (!Number.isInteger(expression.value)) {
    ctx.report('LCP3005', expression.span, `\`${property}\` must be a whole number, found \`${expression.digits}\``, {
      label: 'not an integer',
    });
    return undefined;
  }
  if (expression.value < min || expression.value > max) {
    // The bound the value is past: a value above the default `max` (2^53 - 1, the largest
    // integer held exactly) is not "at least `min`" wrong.
    const low = expression.value < min;
    const bound =
      low && max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : !low && min === Number.MIN_SAFE_INTEGER ? `at most ${max}` : `between ${min} and ${max}`;
    ctx.report('LCP3005', expression.span, `\`${property}\` must be ${bound}, found ${expression.digits}`, {
      label: 'out of range',
      ...(!low && max === Number.MAX_SAFE_INTEGER ? { notes: [`${max} (2^53 - 1) is the largest whole number libcc holds exactly`] } : {}),
    });
    return undefined;
  }
  return expression.value;
}

export function readBoolean(ctx: CheckContext, expression: Expression, property: string): boolean | undefined {
  if (expression.kind !== 'Boolean') return mismatch(ctx, expression, '`true` or `false`', property);
  return expression.value;
}

/** A bare name (one identifier). */
export function readName(ctx: CheckContext, expression: Expression, property: string): Identifier | undefined {
  if (expression.kind !== 'Reference' || expression.path.length !== 1) return mismatch(ctx, expression, 'a name', property);
  const identifier = expression.path[0]!;
  return identifier.name === '' ? undefined : identifier;
}

/** A bare name from a fixed vocabulary (LCP3006 with did-you-mean otherwise). */
export function readEnum<T extends string>(
  ctx: CheckContext,
  expression: Expression,
  values: readonly T[],
  property: string,
  what = 'value',
): T | undefined {
  const identifier = readName(ctx, expression, property);
  if (identifier === undefined) return undefined;
  return checkEnum(ctx, identifier, values, what);
}

export function checkEnum<T extends string>(ctx: CheckContext, identifier: Identifier, values: readonly T[], what: string): T | undefined {
  if ((values as readonly string[]).includes(identifier.name)) return identifier.name as T;
  const hint = what === 'RC corner' ? suggestRcCorner(identifier.name, values) : didYouMean(identifier.name, values);
  ctx.report('LCP3006', identifier.span, `unknown ${what} \`${identifier.name}\``, {
    label: `not a known ${what}`,
    ...(hint ? { help: hint } : {}),
    fixes: suggestionFixes(identifier.name, identifier.span, values),
    notes: [`known: ${values.map((v) => `\`${v}\``).join(', ')}`],
  });
  return undefined;
}

export function readList(ctx: CheckContext, expression: Expression, property: string): readonly Expression[] | undefined {
  if (expression.kind !== 'List') return mismatch(ctx, expression, 'a list `[…]`', property);
  return expression.items;
}

/** `low .. high` of one dimension, low <= high. */
export function readRange(ctx: CheckContext, expression: Expression, dimension: Dimension, property: string): NumericRange | undefined {
  if (expression.kind !== 'Range') return mismatch(ctx, expression, `a ${dimension} range \`low .. high\``, property);
  const low = readQuantity(ctx, expression.low, dimension, property);
  const high = readQuantity(ctx, expression.high, dimension, property);
  if (low === undefined || high === undefined) return undefined;
  if (low > high) {
    ctx.report('LCP3005', expression.span, `the range of \`${property}\` is empty: its low end exceeds its high end`, {
      label: 'low end > high end',
      help: 'write the range as `low .. high`',
    });
    return undefined;
  }
  return { low, high };
}

/** Span of a property's value for labels, or the fallback. */
export function spanOf(expression: Expression | undefined, fallback: Span): Span {
  return expression?.span ?? fallback;
}
