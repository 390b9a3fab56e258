/**
 * Evaluates a resolved `Condition` against field values. Shared by the checker (corner-set
 * filters) and the graph phase (stage `where` clauses), so both read conditions alike.
 * A missing field (a corner without an RC corner) equals nothing and orders with nothing.
 */
import type { Condition, FanoutKey, Operand } from './model.js';

export type FieldValue = string | number | boolean | undefined;
export type FieldLookup = (entity: FanoutKey, field: string) => FieldValue;
/** The job's value of a declared dimension (undefined outside its key set). */
export type DimensionLookup = (name: string) => string | undefined;

const NO_DIMENSIONS: DimensionLookup = () => undefined;

export function evaluateCondition(condition: Condition, lookup: FieldLookup, dimension: DimensionLookup = NO_DIMENSIONS): boolean {
  switch (condition.kind) {
    case 'and':
      return evaluateCondition(condition.left, lookup, dimension) && evaluateCondition(condition.right, lookup, dimension);
    case 'or':
      return evaluateCondition(condition.left, lookup, dimension) || evaluateCondition(condition.right, lookup, dimension);
    case 'not':
      return !evaluateCondition(condition.operand, lookup, dimension);
    case 'in': {
      const value = operandValue(condition.operand, lookup, dimension);
      return value !== undefined && condition.set.some((item) => equal(value, operandValue(item, lookup, dimension)));
    }
    case 'between': {
      const value = operandValue(condition.operand, lookup, dimension);
      return typeof value === 'number' && compareNumbers(value, condition.low) >= 0 && compareNumbers(value, condition.high) <= 0;
    }
    case 'compare': {
      const left = operandValue(condition.left, lookup, dimension);
      const right = operandValue(condition.right, lookup, dimension);
      if (left === undefined || right === undefined) return condition.operator === '!=';
      switch (condition.operator) {
        case '==':
          return equal(left, right);
        case '!=':
          return !equal(left, right);
        default: {
          if (typeof left !== 'number' || typeof right !== 'number') return false;
          const order = compareNumbers(left, right);
          if (condition.operator === '<') return order < 0;
          if (condition.operator === '<=') return order <= 0;
          if (condition.operator === '>') return order > 0;
          return order >= 0;
        }
      }
    }
  }
}

function operandValue(operand: Operand, lookup: FieldLookup, dimension: DimensionLookup): FieldValue {
  if (operand.kind === 'value') return operand.value;
  return operand.kind === 'dimension' ? dimension(operand.name) : lookup(operand.entity, operand.field);
}

function equal(a: FieldValue, b: FieldValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b) === 0;
  return a === b;
}

/** Numbers in base units compare at a resolution of 1e-9 (0.48 V written as 480mV is equal). */
function compareNumbers(a: number, b: number): number {
  const difference = a - b;
  const tolerance = 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  return Math.abs(difference) <= tolerance ? 0 : difference < 0 ? -1 : 1;
}
