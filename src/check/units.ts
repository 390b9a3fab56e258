/**
 * Quantity dimensions and units (docs/language.md §3).
 *
 * Every quantity is converted to the base unit of its dimension before it is compared or
 * stored: volts, degrees Celsius, bytes and seconds. Units are case-sensitive (`m` is minutes,
 * `mV` millivolts, `Gb` is unknown). Conversions remove binary floating-point noise
 * (`0.1h` is exactly `360` s, `398.15K` exactly `125` °C) so that equal quantities written in
 * different units compare equal; `sameQuantity` adds a relative tolerance on top.
 */
import { suggest } from '../diagnostics/suggest.js';

export type Dimension = 'voltage' | 'temperature' | 'memory' | 'duration';

export const DIMENSIONS: readonly Dimension[] = ['voltage', 'temperature', 'memory', 'duration'];

export interface UnitInfo {
  /** The unit as written (`GB`, `mV`). */
  readonly unit: string;
  readonly dimension: Dimension;
  /** Value in this unit → value in the dimension's base unit. */
  toBase(value: number): number;
  /** Value in the base unit → value in this unit. */
  fromBase(base: number): number;
}

/** Base unit of each dimension. */
export const BASE_UNIT: Readonly<Record<Dimension, string>> = {
  voltage: 'V',
  temperature: 'C',
  memory: 'B',
  duration: 's',
};

/**
 * Rounds away binary floating-point noise (`0.1 * 3600 = 360.00000000000006`) while keeping
 * 15 significant digits, more than any value written in a pipeline.
 */
export function tidy(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value === 0 ? 0 : value;
  const result = Number(value.toPrecision(15));
  return result === 0 ? 0 : result;
}

/** Size of one `unit` in the base unit of its dimension, for the linear units. */
const FACTORS = new Map<string, number>();

function scaled(unit: string, dimension: Dimension, multiplier: number, divisor = 1): UnitInfo {
  FACTORS.set(unit, multiplier / divisor);
  // Sub-units divide (480 / 1000 is exactly 0.48, 480 * 0.001 is not).
  return {
    unit,
    dimension,
    toBase: (v) => tidy((v * multiplier) / divisor),
    fromBase: (b) => tidy((b * divisor) / multiplier),
  };
}

const KELVIN_OFFSET = 273.15;

const UNIT_LIST: readonly UnitInfo[] = [
  scaled('V', 'voltage', 1),
  scaled('mV', 'voltage', 1, 1000),
  scaled('C', 'temperature', 1),
  {
    unit: 'K',
    dimension: 'temperature',
    toBase: (v) => tidy(v - KELVIN_OFFSET),
    fromBase: (b) => tidy(b + KELVIN_OFFSET),
  },
  scaled('B', 'memory', 1),
  scaled('KB', 'memory', 1000),
  scaled('MB', 'memory', 1000 ** 2),
  scaled('GB', 'memory', 1000 ** 3),
  scaled('TB', 'memory', 1000 ** 4),
  scaled('KiB', 'memory', 1024),
  scaled('MiB', 'memory', 1024 ** 2),
  scaled('GiB', 'memory', 1024 ** 3),
  scaled('TiB', 'memory', 1024 ** 4),
  scaled('s', 'duration', 1),
  scaled('m', 'duration', 60),
  scaled('h', 'duration', 3600),
  scaled('d', 'duration', 86400),
];

/**
 * Every known unit, keyed by its exact (case-sensitive) spelling. The object has no prototype,
 * so `UNITS['toString']` is undefined; prefer `lookupUnit`.
 */
export const UNITS: Readonly<Record<string, UnitInfo>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, UnitInfo>, Object.fromEntries(UNIT_LIST.map((u) => [u.unit, u]))),
);

/** The unit spelled exactly `unit`, or undefined. */
export function lookupUnit(unit: string): UnitInfo | undefined {
  return Object.prototype.hasOwnProperty.call(UNITS, unit) ? UNITS[unit] : undefined;
}

/** Units of a dimension in canonical order (`B KB MB GB TB KiB MiB GiB TiB`). */
export function unitsOf(dimension: Dimension): string[] {
  return UNIT_LIST.filter((u) => u.dimension === dimension).map((u) => u.unit);
}

/** `value` written in `unit`, in the base unit of its dimension; undefined for an unknown unit. */
export function toBase(value: number, unit: string): number | undefined {
  return lookupUnit(unit)?.toBase(value);
}

/** A base-unit value expressed in `unit`; undefined for an unknown unit. */
export function fromBase(base: number, unit: string): number | undefined {
  return lookupUnit(unit)?.fromBase(base);
}

// ---------------------------------------------------------------------------------------------
// Suggestions
// ---------------------------------------------------------------------------------------------

/** Common spellings of units that are not units here, by lowercase spelling. */
const ALIASES: readonly { readonly alias: string; readonly unit: string }[] = [
  // duration
  { alias: 'sec', unit: 's' },
  { alias: 'secs', unit: 's' },
  { alias: 'second', unit: 's' },
  { alias: 'seconds', unit: 's' },
  { alias: 'min', unit: 'm' },
  { alias: 'mins', unit: 'm' },
  { alias: 'minute', unit: 'm' },
  { alias: 'minutes', unit: 'm' },
  { alias: 'hr', unit: 'h' },
  { alias: 'hrs', unit: 'h' },
  { alias: 'hour', unit: 'h' },
  { alias: 'hours', unit: 'h' },
  { alias: 'day', unit: 'd' },
  { alias: 'days', unit: 'd' },
  // memory
  { alias: 'byte', unit: 'B' },
  { alias: 'bytes', unit: 'B' },
  { alias: 'k', unit: 'KB' },
  { alias: 'm', unit: 'MB' },
  { alias: 'g', unit: 'GB' },
  { alias: 't', unit: 'TB' },
  { alias: 'ki', unit: 'KiB' },
  { alias: 'mi', unit: 'MiB' },
  { alias: 'gi', unit: 'GiB' },
  { alias: 'ti', unit: 'TiB' },
  // voltage
  { alias: 'v', unit: 'V' },
  { alias: 'volt', unit: 'V' },
  { alias: 'volts', unit: 'V' },
  { alias: 'millivolt', unit: 'mV' },
  { alias: 'millivolts', unit: 'mV' },
  // temperature
  { alias: 'c', unit: 'C' },
  { alias: '°c', unit: 'C' },
  { alias: 'degc', unit: 'C' },
  { alias: 'celsius', unit: 'C' },
  { alias: 'k', unit: 'K' },
  { alias: 'kelvin', unit: 'K' },
];

/**
 * The unit the user probably meant by an unknown (or, given `dimension`, wrong-kind) unit:
 * `Gb`/`gb` → `GB`, `min` → `m`, `hr` → `h`, `sec` → `s`, `mv` → `mV`; with dimension `memory`,
 * `G` → `GB`. Undefined when nothing is close, or when `unit` is already fine.
 */
export function suggestUnit(unit: string, dimension?: Dimension): string | undefined {
  const known = lookupUnit(unit);
  if (known !== undefined && (dimension === undefined || known.dimension === dimension)) return undefined;
  const candidates = dimension === undefined ? UNIT_LIST.map((u) => u.unit) : unitsOf(dimension);
  const allowed = new Set(candidates);

  // 1. The same letters in another case (`gb`, `Gb`, `mv`, `kib`).
  const lower = unit.toLowerCase();
  const sameLetters = candidates.filter((c) => c.toLowerCase() === lower && c !== unit);
  if (sameLetters.length === 1) return sameLetters[0];

  // 2. A common alias (`min`, `hr`, `sec`, `G`).
  const aliased = [...new Set(ALIASES.filter((a) => a.alias === lower && allowed.has(a.unit)).map((a) => a.unit))];
  if (aliased.length === 1) return aliased[0];
  if (aliased.length > 1) return undefined; // ambiguous without a dimension (`k`: KB or K)

  // 3. A small edit away (`GiBB` → `GiB`), for spellings of two letters or more.
  if (unit.length < 2) return undefined;
  const near = suggest(unit, candidates, 1);
  return near[0];
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

const RELATIVE_EPSILON = 1e-9;

/** Two base-unit values are the same quantity (relative tolerance 1e-9, exact at zero). */
export function sameQuantity(a: number, b: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= RELATIVE_EPSILON * Math.max(Math.abs(a), Math.abs(b));
}

/** Negative, zero or positive like a sort comparator; zero for values that are `sameQuantity`. */
export function compareQuantities(a: number, b: number): number {
  if (sameQuantity(a, b)) return 0;
  return a < b ? -1 : 1;
}

/** A voltage in integer micro-volts: the resolution at which voltages are compared. */
export function microvolts(volts: number): number {
  const result = Math.round(volts * 1e6);
  return result === 0 ? 0 : result;
}

// ---------------------------------------------------------------------------------------------
// Formatting (messages and plan reports)
// ---------------------------------------------------------------------------------------------

/** A decimal without exponent, at most `decimals` fraction digits, trailing zeros removed. */
function decimal(value: number, decimals: number): string {
  let text = value.toFixed(decimals);
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}

const DURATION_STEPS: readonly { readonly unit: string; readonly seconds: number }[] = [
  { unit: 'd', seconds: 86400 },
  { unit: 'h', seconds: 3600 },
  { unit: 'm', seconds: 60 },
  { unit: 's', seconds: 1 },
];

/**
 * A duration as its two most significant units, rounded: `8h 10m`, `45s`, `2d 3h`, `1h`, `0s`.
 * Seconds are rounded to whole seconds first; `86399s` is `1d` (23h 59m 59s rounds up).
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return `${seconds}s`;
  if (seconds < 0) {
    const positive = formatDuration(-seconds);
    return positive === '0s' ? '0s' : `-${positive}`;
  }
  let total = Math.round(seconds);
  for (;;) {
    const index = DURATION_STEPS.findIndex((step) => total >= step.seconds);
    if (index === -1) return '0s';
    const major = DURATION_STEPS[index]!;
    const minor = DURATION_STEPS[index + 1];
    if (minor === undefined) return `${total}s`;
    const inMinor = Math.round(total / minor.seconds);
    const rounded = inMinor * minor.seconds;
    if (rounded !== total) {
      // Re-run on the rounded value: rounding may carry into a larger unit (59m 59.6s → 1h).
      total = rounded;
      continue;
    }
    const ratio = major.seconds / minor.seconds;
    const high = Math.floor(inMinor / ratio);
    const low = inMinor - high * ratio;
    return low === 0 ? `${high}${major.unit}` : `${high}${major.unit} ${low}${minor.unit}`;
  }
}

const MEMORY_UNITS = UNIT_LIST.filter((u) => u.dimension === 'memory');
const DECIMAL_MEMORY_UNITS = MEMORY_UNITS.filter((u) => !u.unit.includes('i'));

/**
 * A memory size in the largest unit that shows it exactly with at most four digits before the
 * point and two after, binary or decimal (`64GB`, `512MiB`, `1.5GiB`, `1KB`, `0B`); when no
 * unit does, the largest decimal unit, rounded to two decimals (`1.23MB`). Deterministic: the
 * units have distinct sizes.
 */
export function formatMemory(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes}B`;
  if (bytes === 0) return '0B';
  if (bytes < 0) return `-${formatMemory(-bytes)}`;
  const bySize = [...MEMORY_UNITS].sort((a, b) => FACTORS.get(b.unit)! - FACTORS.get(a.unit)!); // largest first
  for (const unit of bySize) {
    const value = unit.fromBase(bytes);
    // At least one, and at most four digits before the point: `1234567B` is not a good spelling.
    if (value < 1 || value >= 10000) continue;
    const hundredths = value * 100;
    if (Math.abs(hundredths - Math.round(hundredths)) <= 1e-6) {
      return `${decimal(value, 2)}${unit.unit}`;
    }
  }
  const decimalBySize = [...DECIMAL_MEMORY_UNITS].reverse();
  const unit = decimalBySize.find((u) => u.fromBase(bytes) >= 1) ?? DECIMAL_MEMORY_UNITS[0]!;
  return `${decimal(unit.fromBase(bytes), 2)}${unit.unit}`;
}

/** A voltage in volts at micro-volt resolution: `0.48V`, `1.8V`, `0V`. */
export function formatVoltage(volts: number): string {
  if (!Number.isFinite(volts)) return `${volts}V`;
  return `${decimal(microvolts(volts) / 1e6, 6)}V`;
}

/** A temperature in °C: `-40C`, `125C`, `25.5C` (at most three decimals). */
export function formatTemperature(celsius: number): string {
  if (!Number.isFinite(celsius)) return `${celsius}C`;
  return `${decimal(celsius, 3)}C`;
}

/** A base-unit value of a dimension, formatted for messages. */
export function formatQuantity(value: number, dimension: Dimension): string {
  switch (dimension) {
    case 'voltage':
      return formatVoltage(value);
    case 'temperature':
      return formatTemperature(value);
    case 'memory':
      return formatMemory(value);
    case 'duration':
      return formatDuration(value);
  }
}
