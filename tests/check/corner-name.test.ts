import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CORNER_STYLE,
  DEFAULT_NOTATION,
  DEFAULT_STYLE,
  compileCornerStyle,
  formatCornerName,
  formatTemperatureText,
  formatVoltageText,
  isCornerStyleError,
  notationOf,
  parseCornerName,
  parseTemperatureText,
  parseVoltageText,
  temperaturesEqual,
  voltagesEqual,
  type CornerNotation,
  type CornerStyle,
} from '../../src/check/corner-name.js';
import { toBase } from '../../src/check/units.js';

function style(source: string): CornerStyle {
  const compiled = compileCornerStyle(source);
  if (isCornerStyleError(compiled)) throw new Error(compiled.error);
  return compiled;
}

const SKYWATER = style('{process}_{temperature}_{voltage}');
const COMPACT = style('{process}{voltage}{temperature}');

describe('compileCornerStyle', () => {
  it('compiles the default style', () => {
    expect(DEFAULT_CORNER_STYLE).toBe('{process}_{voltage}_{temperature}[_{rc}]');
    expect(DEFAULT_STYLE.source).toBe(DEFAULT_CORNER_STYLE);
    expect(DEFAULT_STYLE.placeholders).toEqual(['process', 'voltage', 'temperature', 'rc']);
    expect(DEFAULT_STYLE.parts).toEqual([
      { kind: 'placeholder', name: 'process' },
      { kind: 'literal', text: '_' },
      { kind: 'placeholder', name: 'voltage' },
      { kind: 'literal', text: '_' },
      { kind: 'placeholder', name: 'temperature' },
      { kind: 'optional', parts: [{ kind: 'literal', text: '_' }, { kind: 'placeholder', name: 'rc' }] },
    ]);
  });

  it.each([
    ['{process}_{volt}_{temperature}', /unknown placeholder `\{volt\}`.*did you mean `\{voltage\}`/],
    ['{proces}_{voltage}_{temperature}', /unknown placeholder `\{proces\}`.*did you mean `\{process\}`/],
    ['{process}_{x}_{temperature}', /unknown placeholder `\{x\}`.*expected one of/],
    ['{process_{voltage}_{temperature}', /unclosed `\{`/],
    ['{process}_{voltage}_{temperature', /unclosed `\{`/],
    ['{process}_{voltage}}_{temperature}', /unmatched `\}`/],
    ['{process}_{voltage}_{temperature}[_{rc}', /unclosed `\[`/],
    ['{process}_{voltage}_{temperature}_{rc}]', /unmatched `\]`/],
    ['{process}_{voltage}_{temperature}[]', /empty optional part/],
    ['{process}_{voltage}', /no `\{temperature\}` placeholder/],
    ['', /no `\{process\}` placeholder/],
    ['{process}_{voltage}_{temperature}_{voltage}', /`\{voltage\}` appears twice/],
    ['{process}_{voltage}[_{temperature}]', /`\{temperature\}` cannot be optional/],
  ])('rejects %j', (source, message) => {
    const compiled = compileCornerStyle(source);
    expect(isCornerStyleError(compiled)).toBe(true);
    if (isCornerStyleError(compiled)) expect(compiled.error).toMatch(message);
  });

  it('treats other characters literally, including regex metacharacters', () => {
    const dotted = style('{process}.{voltage}+{temperature}(x)[|{rc}]');
    expect(parseCornerName(dotted, 'ss.0p5v+25c(x)')?.process).toBe('ss');
    expect(parseCornerName(dotted, 'ss.0p5v+25c(x)|typical')?.rc).toBe('typical');
    expect(parseCornerName(dotted, 'ssX0p5v+25c(x)')).toBeUndefined();
    expect(parseCornerName(dotted, 'ss.0p5vv25c(x)')).toBeUndefined();
  });

  it('allows nested optional parts', () => {
    const nested = style('{process}_{voltage}_{temperature}[_x[_{rc}]]');
    expect(parseCornerName(nested, 'tt_0p8v_25c')?.rc).toBeUndefined();
    expect(parseCornerName(nested, 'tt_0p8v_25c_x')?.rc).toBeUndefined();
    expect(parseCornerName(nested, 'tt_0p8v_25c_x_typical')?.rc).toBe('typical');
  });

  it('never throws on arbitrary styles', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '_', 'a', '.', '*', '\\', '(', '?', '{process}', '{voltage}', '{temperature}', '{rc}') }), (source) => {
        const compiled = compileCornerStyle(source);
        if (!isCornerStyleError(compiled)) expect(compiled.regex).toBeInstanceOf(RegExp);
      }),
    );
  });
});

describe('parseCornerName', () => {
  it('reads the docs/liberate.md examples with the default style', () => {
    expect(parseCornerName(DEFAULT_STYLE, 'ssgnp_0p54v_m40c_cworst_CCworst_T')).toEqual({
      process: 'ssgnp',
      voltage: 0.54,
      voltageText: '0p54v',
      temperature: -40,
      temperatureText: 'm40c',
      rc: 'cworst_CCworst_T',
    });
    expect(parseCornerName(DEFAULT_STYLE, 'ttg_0p48v_25c_typical')).toEqual({
      process: 'ttg',
      voltage: 0.48,
      voltageText: '0p48v',
      temperature: 25,
      temperatureText: '25c',
      rc: 'typical',
    });
    expect(parseCornerName(DEFAULT_STYLE, 'ffgnp_0p880v_125c_rcbest_CCbest_T')).toEqual({
      process: 'ffgnp',
      voltage: 0.88,
      voltageText: '0p880v',
      temperature: 125,
      temperatureText: '125c',
      rc: 'rcbest_CCbest_T',
    });
    expect(parseCornerName(DEFAULT_STYLE, 'ssgnp_0p48v_m40c_cworst_CCworst_T')?.voltage).toBe(0.48);
  });

  it('reads a name without an RC corner', () => {
    const parsed = parseCornerName(DEFAULT_STYLE, 'tt_0p80v_25c');
    expect(parsed).toEqual({
      process: 'tt',
      voltage: 0.8,
      voltageText: '0p80v',
      temperature: 25,
      temperatureText: '25c',
    });
    expect(parsed && 'rc' in parsed).toBe(false);
  });

  it('reads SkyWater names', () => {
    expect(parseCornerName(SKYWATER, 'ff_n40C_1v95')).toEqual({
      process: 'ff',
      voltage: 1.95,
      voltageText: '1v95',
      temperature: -40,
      temperatureText: 'n40C',
    });
    expect(parseCornerName(SKYWATER, 'ss_100C_1v60')?.voltage).toBe(1.6);
    expect(parseCornerName(SKYWATER, 'tt_025C_1v80')?.temperature).toBe(25);
  });

  it('reads compact names', () => {
    expect(parseCornerName(COMPACT, 'ssgnp0p72vm40c')).toEqual({
      process: 'ssgnp',
      voltage: 0.72,
      voltageText: '0p72v',
      temperature: -40,
      temperatureText: 'm40c',
    });
    expect(parseCornerName(COMPACT, 'ffgnp0p88v125c')?.temperature).toBe(125);
  });

  it('compares voltages numerically', () => {
    const a = parseCornerName(DEFAULT_STYLE, 'tt_0p48v_25c')!;
    const b = parseCornerName(DEFAULT_STYLE, 'tt_0p480v_25c')!;
    expect(a.voltage).toBe(b.voltage);
    expect(voltagesEqual(a.voltage, b.voltage)).toBe(true);
    expect(a.voltageText).not.toBe(b.voltageText);
  });

  it.each([
    'tt_0p48_25c', // no v
    'tt_0.48v_25c',
    'tt_0p48v_25', // no c
    'tt_0p48v_m40', // no c
    'tt_0p48v_25c_', // empty rc
    '_0p48v_25c',
    'tt0p48v_25c',
    '0p48v_25c',
    'tt_0p48v',
    'tt_p48v_25c',
    'tt1_0p48v_25c',
    '',
    'ssgnp_0p48v_x40c_cworst',
  ])('does not read %j', (name) => {
    expect(parseCornerName(DEFAULT_STYLE, name)).toBeUndefined();
  });

  it('does not read names of another style', () => {
    expect(parseCornerName(DEFAULT_STYLE, 'ff_n40C_1v95')).toBeUndefined();
    expect(parseCornerName(DEFAULT_STYLE, 'ssgnp0p72vm40c')).toBeUndefined();
    expect(parseCornerName(COMPACT, 'ssgnp_0p72v_m40c')).toBeUndefined();
    expect(parseCornerName(SKYWATER, 'ssgnp_0p72v_m40c')).toBeUndefined();
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        for (const s of [DEFAULT_STYLE, SKYWATER, COMPACT]) parseCornerName(s, name);
      }),
    );
  });
});

describe('voltage and temperature spellings', () => {
  it.each([
    ['0p48v', 0.48],
    ['0p480v', 0.48],
    ['0P48V', 0.48],
    ['1v95', 1.95],
    ['1V8', 1.8],
    ['1v', 1],
    ['12p5v', 12.5],
    ['0p4v', 0.4],
  ])('voltage %s = %s V', (text, volts) => {
    expect(parseVoltageText(text)).toBe(volts);
  });

  it.each(['0.48v', 'p48v', '0p48', 'v95', '0p48vv', ''])('%j is not a voltage', (text) => {
    expect(parseVoltageText(text)).toBeUndefined();
  });

  it.each([
    ['m40c', -40],
    ['n40C', -40],
    ['M40c', -40],
    ['-40c', -40],
    ['125c', 125],
    ['25C', 25],
    ['0c', 0],
    ['m0c', 0],
    ['25p5c', 25.5],
  ])('temperature %s = %s °C', (text, celsius) => {
    expect(parseTemperatureText(text)).toBe(celsius);
    expect(Object.is(parseTemperatureText(text), -0)).toBe(false);
  });

  it.each(['40', 'x40c', 'mc', 'm40', '4.0c'])('%j is not a temperature', (text) => {
    expect(parseTemperatureText(text)).toBeUndefined();
  });

  it('writes voltages and temperatures in a notation', () => {
    expect(formatVoltageText(0.48)).toBe('0p48v');
    expect(formatVoltageText(0.8)).toBe('0p80v');
    expect(formatVoltageText(0.875)).toBe('0p875v');
    expect(formatVoltageText(1)).toBe('1p00v');
    expect(formatVoltageText(-1)).toBeUndefined();
    expect(formatVoltageText(0.88, { ...DEFAULT_NOTATION, voltageDecimals: 3 })).toBe('0p880v');
    expect(formatVoltageText(1.95, { ...DEFAULT_NOTATION, voltage: 'v' })).toBe('1v95');
    expect(formatVoltageText(5, { ...DEFAULT_NOTATION, voltageDecimals: 0 })).toBe('5v');
    expect(formatTemperatureText(-40)).toBe('m40c');
    expect(formatTemperatureText(125)).toBe('125c');
    expect(formatTemperatureText(25.5)).toBe('25p5c');
    expect(formatTemperatureText(-0)).toBe('0c');
    expect(formatTemperatureText(toBase(233.15, 'K')!)).toBe('m40c');
    expect(formatTemperatureText(-40, { ...DEFAULT_NOTATION, minus: 'n', temperatureUnit: 'C' })).toBe('n40C');
  });

  it('infers the notation of a name', () => {
    expect(notationOf(parseCornerName(DEFAULT_STYLE, 'ssgnp_0p48v_m40c')!)).toEqual(DEFAULT_NOTATION);
    expect(notationOf(parseCornerName(DEFAULT_STYLE, 'ffgnp_0p880v_125c')!)).toEqual({ ...DEFAULT_NOTATION, voltageDecimals: 3 });
    expect(notationOf(parseCornerName(SKYWATER, 'ff_n40C_1v95')!)).toEqual({
      voltage: 'v',
      voltageDecimals: 2,
      voltageUnit: 'v',
      minus: 'n',
      temperatureUnit: 'C',
    });
    expect(notationOf({ voltageText: '5V', temperatureText: '25c' })).toEqual({
      ...DEFAULT_NOTATION,
      voltageDecimals: 0,
      voltageUnit: 'V',
    });
  });

  it('compares at micro resolution', () => {
    expect(voltagesEqual(0.48, 0.480)).toBe(true);
    expect(voltagesEqual(0.48, toBase(480, 'mV')!)).toBe(true);
    expect(voltagesEqual(0.1 + 0.38, 0.48)).toBe(true);
    expect(voltagesEqual(0.48, 0.481)).toBe(false);
    expect(voltagesEqual(0.48, 0.480001)).toBe(false);
    expect(temperaturesEqual(125, toBase(398.15, 'K')!)).toBe(true);
    expect(temperaturesEqual(-40, toBase(233.15, 'K')!)).toBe(true);
    expect(temperaturesEqual(0, -0)).toBe(true);
    expect(temperaturesEqual(25, 25.5)).toBe(false);
  });
});

describe('formatCornerName', () => {
  it('spells the canonical name in the default style', () => {
    expect(
      formatCornerName(DEFAULT_STYLE, { process: 'ssgnp', voltage: 0.48, temperature: -40, rc: 'cworst_CCworst_T' }),
    ).toBe('ssgnp_0p48v_m40c_cworst_CCworst_T');
    expect(formatCornerName(DEFAULT_STYLE, { process: 'tt', voltage: 0.8, temperature: 25 })).toBe('tt_0p80v_25c');
    expect(formatCornerName(DEFAULT_STYLE, { process: 'tt', voltage: 0.8, temperature: 25, rc: '' })).toBe('tt_0p80v_25c');
  });

  it('keeps the notation of the name it corrects', () => {
    const written = parseCornerName(DEFAULT_STYLE, 'ffgnp_0p880v_125c_rcbest_CCbest_T')!;
    // The name says 0.88 V, the fields say 0.9 V: suggest the name for the fields.
    expect(
      formatCornerName(DEFAULT_STYLE, { process: 'ffgnp', voltage: 0.9, temperature: 125, rc: 'rcbest_CCbest_T' }, notationOf(written)),
    ).toBe('ffgnp_0p900v_125c_rcbest_CCbest_T');
    const sky = parseCornerName(SKYWATER, 'ff_n40C_1v95')!;
    expect(formatCornerName(SKYWATER, { process: 'ff', voltage: 1.8, temperature: -40 }, notationOf(sky))).toBe('ff_n40C_1v80');
    expect(formatCornerName(SKYWATER, { process: 'ff', voltage: 1.8, temperature: 100 }, notationOf(sky))).toBe('ff_100C_1v80');
  });

  it('spells compact names', () => {
    expect(formatCornerName(COMPACT, { process: 'ssgnp', voltage: 0.72, temperature: -40 })).toBe('ssgnp0p72vm40c');
  });

  it('gives undefined for fields it cannot spell', () => {
    expect(formatCornerName(DEFAULT_STYLE, { process: 'ss1', voltage: 0.5, temperature: 25 })).toBeUndefined();
    expect(formatCornerName(DEFAULT_STYLE, { process: '', voltage: 0.5, temperature: 25 })).toBeUndefined();
    expect(formatCornerName(DEFAULT_STYLE, { process: 'ss', voltage: -0.5, temperature: 25 })).toBeUndefined();
    expect(formatCornerName(DEFAULT_STYLE, { process: 'ss', voltage: Number.NaN, temperature: 25 })).toBeUndefined();
    const rcRequired = style('{process}_{voltage}_{temperature}_{rc}');
    expect(formatCornerName(rcRequired, { process: 'ss', voltage: 0.5, temperature: 25 })).toBeUndefined();
    expect(formatCornerName(rcRequired, { process: 'ss', voltage: 0.5, temperature: 25, rc: 'typical' })).toBe('ss_0p50v_25c_typical');
    // Ambiguous in the compact style: `5v40c` also reads as 5.4 V and 0 °C.
    expect(formatCornerName(COMPACT, { process: 'ss', voltage: 5, temperature: 40 }, { ...DEFAULT_NOTATION, voltageDecimals: 0 })).toBeUndefined();
  });

  const processes = fc.stringMatching(/^[A-Za-z]{1,8}$/);
  const rcs = fc.oneof(
    fc.constantFrom('typical', 'cworst', 'cworst_CCworst', 'cworst_CCworst_T', 'rcbest_CCbest_T'),
    fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/),
  );
  const voltages = fc.integer({ min: 0, max: 3_500_000 }).map((micro) => micro / 1e6);
  const temperatures = fc.integer({ min: -60_000, max: 200_000 }).map((milli) => milli / 1000);
  const notations: fc.Arbitrary<CornerNotation> = fc.record({
    voltage: fc.constantFrom('p' as const, 'v' as const),
    voltageDecimals: fc.integer({ min: 1, max: 4 }),
    voltageUnit: fc.constantFrom('v' as const, 'V' as const),
    minus: fc.constantFrom('m' as const, 'n' as const, 'M' as const, 'N' as const, '-' as const),
    temperatureUnit: fc.constantFrom('c' as const, 'C' as const),
  });

  function expectRoundTrip(s: CornerStyle, fields: { process: string; voltage: number; temperature: number; rc?: string }, notation: CornerNotation): void {
    const name = formatCornerName(s, fields, notation);
    expect(name, JSON.stringify(fields)).toBeDefined();
    const parsed = parseCornerName(s, name!);
    expect(parsed, name).toBeDefined();
    expect(parsed!.process).toBe(fields.process);
    expect(voltagesEqual(parsed!.voltage, fields.voltage), name).toBe(true);
    expect(temperaturesEqual(parsed!.temperature, fields.temperature), name).toBe(true);
    expect(parsed!.rc).toBe(fields.rc);
    // The inferred notation spells the same name again.
    expect(formatCornerName(s, fields, notationOf(parsed!))).toBe(name);
  }

  it('round-trips generated fields in the default style', () => {
    fc.assert(
      fc.property(processes, voltages, temperatures, fc.option(rcs, { nil: undefined }), notations, (process, voltage, temperature, rc, notation) => {
        expectRoundTrip(DEFAULT_STYLE, { process, voltage, temperature, ...(rc === undefined ? {} : { rc }) }, notation);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips generated fields in the SkyWater style', () => {
    fc.assert(
      fc.property(processes, voltages, temperatures, notations, (process, voltage, temperature, notation) => {
        expectRoundTrip(SKYWATER, { process, voltage, temperature }, notation);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips generated fields in the compact style (p notation)', () => {
    fc.assert(
      fc.property(processes, voltages, temperatures, notations, (process, voltage, temperature, notation) => {
        expectRoundTrip(COMPACT, { process, voltage, temperature }, { ...notation, voltage: 'p' });
      }),
      { numRuns: 300 },
    );
  });
});
