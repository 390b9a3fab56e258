/**
 * Interpolation formats (docs/language.md §6.1): `${corner.voltage:p}` spells a quantity the way
 * corner names do. Each format applies to one kind of value; the value is in base units (volts,
 * °C, bytes, seconds). Shared by the checker (which formats exist for a field) and the back ends
 * (the formatted text of a job's value).
 */
import { formatTemperatureText, formatVoltageText, type CornerNotation, DEFAULT_NOTATION } from './corner-name.js';

export type FormattableType = 'voltage' | 'temperature' | 'memory' | 'duration';

export interface FormatSpec {
  readonly description: string;
  readonly example: string;
}

export const FORMATS: Readonly<Record<FormattableType, Readonly<Record<string, FormatSpec>>>> = {
  voltage: {
    p: { description: '`p` for the decimal point, trailing `v`, as many decimals as the corner name (at least 2)', example: '`0p48v`' },
    v: { description: '`v` as the decimal point', example: '`0v48`, `1v95`' },
    mv: { description: 'millivolts, a number', example: '`480`' },
  },
  temperature: {
    m: { description: '`m` for minus, trailing `c`', example: '`m40c`, `125c`' },
    n: { description: '`n` for minus, trailing `C`', example: '`n40C`, `125C`' },
    k: { description: 'kelvin, a number', example: '`233.15`' },
  },
  memory: {
    mb: { description: 'megabytes (10^6 bytes), a number', example: '`4000`' },
    gb: { description: 'gigabytes (10^9 bytes), a number', example: '`4`' },
  },
  duration: {
    s: { description: 'seconds, a number', example: '`5400`' },
    min: { description: 'minutes, a number', example: '`90`' },
  },
};

export function isFormattable(type: string): type is FormattableType {
  return type in FORMATS;
}

/**
 * A formatted field is referenced as `<field>__<format>` (`voltage__p`), so that it reaches
 * scripts as its own variable (`lcp_corner_voltage__p`). Attribute names cannot hold `__`.
 */
export const FORMAT_SEPARATOR = '__';

export function formattedField(field: string, format: string): string {
  return `${field}${FORMAT_SEPARATOR}${format}`;
}

export function splitFormattedField(field: string): { field: string; format?: string } {
  const at = field.indexOf(FORMAT_SEPARATOR);
  return at < 0 ? { field } : { field: field.slice(0, at), format: field.slice(at + FORMAT_SEPARATOR.length) };
}

function shortNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** The text of a value in a format; `notation` is the corner name's (for `p`, `v`). */
export function applyFormat(value: number, type: FormattableType, format: string, notation: CornerNotation = DEFAULT_NOTATION): string {
  switch (`${type}:${format}`) {
    case 'voltage:p':
      return formatVoltageText(value, { ...notation, voltage: 'p', voltageUnit: 'v', voltageDecimals: Math.max(2, notation.voltage === 'p' ? notation.voltageDecimals : 2) }) ?? shortNumber(value);
    case 'voltage:v':
      return formatVoltageText(value, { ...notation, voltage: 'v', voltageUnit: 'v', voltageDecimals: Math.max(2, notation.voltage === 'v' ? notation.voltageDecimals : 2) }) ?? shortNumber(value);
    case 'voltage:mv':
      return shortNumber(value * 1000);
    case 'temperature:m':
      return formatTemperatureText(value, { ...notation, minus: 'm', temperatureUnit: 'c' }) ?? shortNumber(value);
    case 'temperature:n':
      return formatTemperatureText(value, { ...notation, minus: 'n', temperatureUnit: 'C' }) ?? shortNumber(value);
    case 'temperature:k':
      return shortNumber(value + 273.15);
    case 'memory:mb':
      return shortNumber(value / 1e6);
    case 'memory:gb':
      return shortNumber(value / 1e9);
    case 'duration:s':
      return shortNumber(value);
    case 'duration:min':
      return shortNumber(value / 60);
    default:
      return shortNumber(value);
  }
}
