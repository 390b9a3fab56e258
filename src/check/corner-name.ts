/**
 * Corner name styles (docs/language.md §5): how a PVT corner's name spells its process,
 * voltage, temperature and RC corner, so that omitted fields can be derived from the name and
 * given fields checked against it.
 *
 * A style is a template such as `{process}_{voltage}_{temperature}[_{rc}]`: placeholders in
 * braces, optional parts in brackets (they may nest), every other character literal. There is
 * no escape for a literal `{`, `}`, `[` or `]`; corner names are identifiers and never contain
 * them. `{process}`, `{voltage}` and `{temperature}` must each appear once, outside optional
 * parts; `{rc}` may appear at most once, anywhere.
 *
 * Spellings: voltage `0p48v` (p is the point, v the unit), `1v95` (v as the point) or `1v`,
 * `v`/`p` in either case, compared numerically (`0p48v` = `0p480v`); temperature `m40c`/`n40C`
 * (m or n means minus, `-40c` also reads), `125c`, `25p5c`.
 */
import { suggest } from '../diagnostics/suggest.js';
import { microvolts } from './units.js';

export type Placeholder = 'process' | 'voltage' | 'temperature' | 'rc';

export const PLACEHOLDERS: readonly Placeholder[] = ['process', 'voltage', 'temperature', 'rc'];

export type StylePart =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'placeholder'; readonly name: Placeholder }
  | { readonly kind: 'optional'; readonly parts: readonly StylePart[] };

/** A compiled corner style. */
export interface CornerStyle {
  /** The style as written. */
  readonly source: string;
  readonly parts: readonly StylePart[];
  /** Anchored; one named group per placeholder. */
  readonly regex: RegExp;
  /** Placeholders present, in order of appearance. */
  readonly placeholders: readonly Placeholder[];
}

export interface CornerStyleError {
  readonly error: string;
}

export const DEFAULT_CORNER_STYLE = '{process}_{voltage}_{temperature}[_{rc}]';

const PATTERNS: Readonly<Record<Placeholder, string>> = {
  // Lazy, so that the compact style `{process}{voltage}{temperature}` stops before the digits.
  process: '[A-Za-z]+?',
  voltage: '\\d+[pP]\\d+[vV]|\\d+[vV]\\d+|\\d+[vV]',
  temperature: '[mMnN-]?\\d+(?:[pP]\\d+)?[cC]',
  // Greedy: the rest of the name.
  rc: '.+',
};

const REQUIRED: readonly Placeholder[] = ['process', 'voltage', 'temperature'];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function isPlaceholder(name: string): name is Placeholder {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

export function isCornerStyleError(value: CornerStyle | CornerStyleError): value is CornerStyleError {
  return 'error' in value;
}

/**
 * Limits on a style, so that the regular expression built from it stays small and fast on any
 * corner name: a real style is a few dozen characters with one or two optional parts (a
 * 40 000-character style once ended in a raw "regular expression too large" error).
 */
export const MAX_CORNER_STYLE_LENGTH = 200;
export const MAX_OPTIONAL_DEPTH = 4;

/** Compiles a style; a malformed style gives `{ error }` with a lowercase message. */
export function compileCornerStyle(style: string): CornerStyle | CornerStyleError {
  if (style.length > MAX_CORNER_STYLE_LENGTH) {
    return { error: `corner style is ${style.length} characters long; at most ${MAX_CORNER_STYLE_LENGTH} are allowed` };
  }
  const placeholders: Placeholder[] = [];
  const optionalPlaceholders = new Set<Placeholder>();
  // Stack of open groups: the outermost is the style itself.
  const stack: StylePart[][] = [[]];
  let literal = '';

  const flushLiteral = (): void => {
    if (literal !== '') stack[stack.length - 1]!.push({ kind: 'literal', text: literal });
    literal = '';
  };

  let i = 0;
  while (i < style.length) {
    const ch = style[i]!;
    if (ch === '{') {
      const close = style.indexOf('}', i + 1);
      const open = style.indexOf('{', i + 1);
      if (close === -1 || (open !== -1 && open < close)) {
        return { error: `unclosed \`{\` at position ${i + 1} of corner style \`${style}\`` };
      }
      const name = style.slice(i + 1, close);
      if (!isPlaceholder(name)) {
        const prefixed = name === '' ? [] : PLACEHOLDERS.filter((p) => p.startsWith(name.toLowerCase()));
        const near = prefixed.length === 1 ? prefixed : suggest(name, PLACEHOLDERS);
        const hint = near.length > 0 ? `; did you mean \`{${near[0]}}\`?` : `; expected one of ${PLACEHOLDERS.map((p) => `\`{${p}}\``).join(', ')}`;
        return { error: `unknown placeholder \`{${name}}\` in corner style \`${style}\`${hint}` };
      }
      if (placeholders.includes(name)) {
        return { error: `placeholder \`{${name}}\` appears twice in corner style \`${style}\`` };
      }
      flushLiteral();
      placeholders.push(name);
      if (stack.length > 1) optionalPlaceholders.add(name);
      stack[stack.length - 1]!.push({ kind: 'placeholder', name });
      i = close + 1;
      continue;
    }
    if (ch === '}') return { error: `unmatched \`}\` at position ${i + 1} of corner style \`${style}\`` };
    if (ch === '[') {
      if (stack.length > MAX_OPTIONAL_DEPTH) {
        return { error: `optional parts nested more than ${MAX_OPTIONAL_DEPTH} deep in corner style \`${style}\`` };
      }
      flushLiteral();
      stack.push([]);
      i++;
      continue;
    }
    if (ch === ']') {
      if (stack.length === 1) return { error: `unmatched \`]\` at position ${i + 1} of corner style \`${style}\`` };
      flushLiteral();
      const parts = stack.pop()!;
      if (parts.length === 0) return { error: `empty optional part \`[]\` in corner style \`${style}\`` };
      stack[stack.length - 1]!.push({ kind: 'optional', parts });
      i++;
      continue;
    }
    literal += ch;
    i++;
  }
  if (stack.length > 1) return { error: `unclosed \`[\` in corner style \`${style}\`` };
  flushLiteral();

  for (const name of REQUIRED) {
    if (!placeholders.includes(name)) {
      return { error: `corner style \`${style}\` has no \`{${name}}\` placeholder` };
    }
    if (optionalPlaceholders.has(name)) {
      return { error: `\`{${name}}\` cannot be optional in corner style \`${style}\`` };
    }
  }

  const parts = stack[0]!;
  let regex: RegExp;
  try {
    regex = new RegExp(`^${toRegExp(parts)}$`);
  } catch (error) {
    return { error: `corner style \`${style}\` cannot be compiled: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { source: style, parts, regex, placeholders };
}

function toRegExp(parts: readonly StylePart[]): string {
  return parts
    .map((part) => {
      switch (part.kind) {
        case 'literal':
          return escapeRegExp(part.text);
        case 'placeholder':
          return `(?<${part.name}>${PATTERNS[part.name]})`;
        case 'optional':
          return `(?:${toRegExp(part.parts)})?`;
      }
    })
    .join('');
}

const compiledDefault = compileCornerStyle(DEFAULT_CORNER_STYLE);
if (isCornerStyleError(compiledDefault)) throw new Error(compiledDefault.error);
/** The default style, compiled. */
export const DEFAULT_STYLE: CornerStyle = compiledDefault;

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

export interface ParsedCornerName {
  readonly process: string;
  /** Volts. */
  readonly voltage: number;
  /** As spelled in the name (`0p480v`). */
  readonly voltageText: string;
  /** Degrees Celsius. */
  readonly temperature: number;
  /** As spelled in the name (`m40c`). */
  readonly temperatureText: string;
  /** Absent when the style has no `{rc}` or its optional part is not in the name. */
  readonly rc?: string;
}

/** `0p48v` → 0.48, `0p480v` → 0.48, `1v95` → 1.95, `1v` → 1; undefined when not a voltage. */
export function parseVoltageText(text: string): number | undefined {
  const m = /^(\d+)(?:[pP](\d+)[vV]|[vV](\d+)|[vV])$/.exec(text);
  if (m === null) return undefined;
  const fraction = m[2] ?? m[3];
  return Number(fraction === undefined ? m[1]! : `${m[1]!}.${fraction}`);
}

/** `m40c` → −40, `n40C` → −40, `-40c` → −40, `125c` → 125, `25p5c` → 25.5; else undefined. */
export function parseTemperatureText(text: string): number | undefined {
  const m = /^([mMnN-]?)(\d+)(?:[pP](\d+))?[cC]$/.exec(text);
  if (m === null) return undefined;
  const magnitude = Number(m[3] === undefined ? m[2]! : `${m[2]!}.${m[3]}`);
  return m[1] === '' || magnitude === 0 ? magnitude : -magnitude;
}

/** The fields spelled by `name`, or undefined when the name does not follow the style. */
export function parseCornerName(style: CornerStyle, name: string): ParsedCornerName | undefined {
  const match = style.regex.exec(name);
  const groups = match?.groups;
  if (groups === undefined) return undefined;
  const process = groups['process'];
  const voltageText = groups['voltage'];
  const temperatureText = groups['temperature'];
  if (process === undefined || voltageText === undefined || temperatureText === undefined) return undefined;
  const voltage = parseVoltageText(voltageText);
  const temperature = parseTemperatureText(temperatureText);
  if (voltage === undefined || temperature === undefined) return undefined;
  const rc = groups['rc'];
  return {
    process,
    voltage,
    voltageText,
    temperature,
    temperatureText,
    ...(rc === undefined ? {} : { rc }),
  };
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

/** Voltages are equal at micro-volt resolution (`0p48v` = `0p480v` = `480mV`). */
export function voltagesEqual(a: number, b: number): boolean {
  return microvolts(a) === microvolts(b);
}

/** Temperatures (°C) are equal at micro-degree resolution (`398.15K` = `125C`). */
export function temperaturesEqual(a: number, b: number): boolean {
  const ka = Math.round(a * 1e6);
  const kb = Math.round(b * 1e6);
  return ka === kb || (ka === 0 && kb === 0);
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

export interface CornerFields {
  readonly process: string;
  /** Volts. */
  readonly voltage: number;
  /** Degrees Celsius. */
  readonly temperature: number;
  readonly rc?: string;
}

/** How voltages and temperatures are spelled when a name is written. */
export interface CornerNotation {
  /** `p`: `0p48v`; `v`: `1v95` (the unit letter is the point). */
  readonly voltage: 'p' | 'v';
  /** Minimum digits after the point (`2`: `0p80v`, `1v80`); more are written when needed. */
  readonly voltageDecimals: number;
  readonly voltageUnit: 'v' | 'V';
  /** How a negative temperature starts: `m40c`, `n40C`, `-40c`. */
  readonly minus: 'm' | 'n' | 'M' | 'N' | '-';
  readonly temperatureUnit: 'c' | 'C';
}

/** The notation of the examples: `0p48v`, `m40c`. */
export const DEFAULT_NOTATION: CornerNotation = {
  voltage: 'p',
  voltageDecimals: 2,
  voltageUnit: 'v',
  minus: 'm',
  temperatureUnit: 'c',
};

/**
 * The notation a parsed name uses, so that a suggested spelling keeps the user's conventions
 * (`ffgnp_0p880v_125c` keeps three decimals, SkyWater's `ff_n40C_1v95` keeps `n`, `C`, `1v95`).
 */
export function notationOf(parsed: Pick<ParsedCornerName, 'voltageText' | 'temperatureText'>): CornerNotation {
  let voltage = DEFAULT_NOTATION.voltage;
  let voltageDecimals = DEFAULT_NOTATION.voltageDecimals;
  let voltageUnit = DEFAULT_NOTATION.voltageUnit;
  const p = /^\d+[pP](\d+)([vV])$/.exec(parsed.voltageText);
  const v = /^\d+([vV])(\d+)$/.exec(parsed.voltageText);
  const bare = /^\d+([vV])$/.exec(parsed.voltageText);
  if (p !== null) {
    voltage = 'p';
    voltageDecimals = p[1]!.length;
    voltageUnit = p[2] as 'v' | 'V';
  } else if (v !== null) {
    voltage = 'v';
    voltageDecimals = v[2]!.length;
    voltageUnit = v[1] as 'v' | 'V';
  } else if (bare !== null) {
    voltageDecimals = 0;
    voltageUnit = bare[1] as 'v' | 'V';
  }
  const first = parsed.temperatureText[0] ?? '';
  const minus = 'mMnN-'.includes(first) && first !== '' ? (first as CornerNotation['minus']) : DEFAULT_NOTATION.minus;
  const last = parsed.temperatureText[parsed.temperatureText.length - 1];
  const temperatureUnit = last === 'C' || last === 'c' ? last : DEFAULT_NOTATION.temperatureUnit;
  return { voltage, voltageDecimals, voltageUnit, minus, temperatureUnit };
}

/** A voltage as a name spells it (`0p48v`, `1v95`); undefined for a negative or non-finite one. */
export function formatVoltageText(volts: number, notation: CornerNotation = DEFAULT_NOTATION): string | undefined {
  if (!Number.isFinite(volts) || volts < 0) return undefined;
  const micro = microvolts(volts);
  const whole = Math.floor(micro / 1e6);
  let fraction = String(micro - whole * 1e6).padStart(6, '0').replace(/0+$/, '');
  const decimals = Math.max(0, Math.min(6, Math.floor(notation.voltageDecimals)));
  fraction = fraction.padEnd(decimals, '0');
  if (fraction === '') return `${whole}${notation.voltageUnit}`;
  return notation.voltage === 'p'
    ? `${whole}p${fraction}${notation.voltageUnit}`
    : `${whole}${notation.voltageUnit}${fraction}`;
}

/** A temperature as a name spells it (`m40c`, `125c`, `25p5c`); undefined when not finite. */
export function formatTemperatureText(celsius: number, notation: CornerNotation = DEFAULT_NOTATION): string | undefined {
  if (!Number.isFinite(celsius)) return undefined;
  const milli = Math.round(Math.abs(celsius) * 1000);
  const whole = Math.floor(milli / 1000);
  const fraction = String(milli - whole * 1000).padStart(3, '0').replace(/0+$/, '');
  const sign = milli !== 0 && celsius < 0 ? notation.minus : '';
  return `${sign}${whole}${fraction === '' ? '' : `p${fraction}`}${notation.temperatureUnit}`;
}

/**
 * The canonical name of a corner with these fields in this style, e.g. for "did you mean
 * `ssgnp_0p48v_m40c_cworst_CCworst_T`?". An optional part is written when every placeholder in
 * it has a value. Undefined when the fields cannot be spelled so that the name reads back as the
 * same fields: a missing required `{rc}`, a process that is not letters, a negative voltage, or
 * a spelling the style makes ambiguous.
 */
export function formatCornerName(
  style: CornerStyle,
  fields: CornerFields,
  notation: CornerNotation = DEFAULT_NOTATION,
): string | undefined {
  const voltageText = formatVoltageText(fields.voltage, notation);
  const temperatureText = formatTemperatureText(fields.temperature, notation);
  if (voltageText === undefined || temperatureText === undefined) return undefined;
  const values: Record<Placeholder, string | undefined> = {
    process: fields.process,
    voltage: voltageText,
    temperature: temperatureText,
    rc: fields.rc === '' ? undefined : fields.rc,
  };

  const write = (parts: readonly StylePart[]): string | undefined => {
    let out = '';
    for (const part of parts) {
      if (part.kind === 'literal') out += part.text;
      else if (part.kind === 'placeholder') {
        const value = values[part.name];
        if (value === undefined) return undefined;
        out += value;
      } else {
        const placeholders = collectPlaceholders(part.parts);
        if (placeholders.length > 0 && placeholders.every((p) => values[p] !== undefined)) {
          out += write(part.parts) ?? '';
        }
      }
    }
    return out;
  };

  const name = write(style.parts);
  if (name === undefined) return undefined;
  const back = parseCornerName(style, name);
  if (
    back === undefined ||
    back.process !== fields.process ||
    !voltagesEqual(back.voltage, fields.voltage) ||
    !temperaturesEqual(back.temperature, fields.temperature) ||
    back.rc !== values.rc
  ) {
    return undefined;
  }
  return name;
}

function collectPlaceholders(parts: readonly StylePart[]): Placeholder[] {
  const out: Placeholder[] = [];
  for (const part of parts) {
    if (part.kind === 'placeholder') out.push(part.name);
    else if (part.kind === 'optional') out.push(...collectPlaceholders(part.parts));
  }
  return out;
}
