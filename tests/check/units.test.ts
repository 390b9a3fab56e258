import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BASE_UNIT,
  DIMENSIONS,
  UNITS,
  compareQuantities,
  formatDuration,
  formatMemory,
  formatQuantity,
  formatTemperature,
  formatVoltage,
  fromBase,
  lookupUnit,
  microvolts,
  sameQuantity,
  suggestUnit,
  tidy,
  toBase,
  unitsOf,
} from '../../src/check/units.js';

describe('lookupUnit', () => {
  it('knows every documented unit with its dimension', () => {
    const expected: Record<string, string> = {
      V: 'voltage',
      mV: 'voltage',
      C: 'temperature',
      K: 'temperature',
      B: 'memory',
      KB: 'memory',
      MB: 'memory',
      GB: 'memory',
      TB: 'memory',
      KiB: 'memory',
      MiB: 'memory',
      GiB: 'memory',
      TiB: 'memory',
      s: 'duration',
      m: 'duration',
      h: 'duration',
      d: 'duration',
    };
    for (const [unit, dimension] of Object.entries(expected)) {
      expect(lookupUnit(unit)?.dimension, unit).toBe(dimension);
    }
    expect(Object.keys(UNITS).sort()).toEqual(Object.keys(expected).sort());
  });

  it('is case-sensitive', () => {
    expect(lookupUnit('m')?.dimension).toBe('duration');
    expect(lookupUnit('mV')?.dimension).toBe('voltage');
    for (const unknown of ['Gb', 'gb', 'M', 'mv', 'v', 'kb', 'Kb', 'KIB', 'H', 'S', 'c', 'k', 'min', '']) {
      expect(lookupUnit(unknown), unknown).toBeUndefined();
    }
  });

  it('ignores Object.prototype names', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(lookupUnit(name), name).toBeUndefined();
    }
  });

  it('converts to the base unit', () => {
    expect(toBase(0.48, 'V')).toBe(0.48);
    expect(toBase(480, 'mV')).toBe(0.48);
    expect(toBase(1, 'mV')).toBe(0.001);
    expect(toBase(-40, 'C')).toBe(-40);
    expect(toBase(398.15, 'K')).toBe(125);
    expect(toBase(233.15, 'K')).toBe(-40);
    expect(toBase(273.15, 'K')).toBe(0);
    expect(toBase(1, 'KB')).toBe(1000);
    expect(toBase(64, 'GB')).toBe(64e9);
    expect(toBase(2, 'TB')).toBe(2e12);
    expect(toBase(1, 'KiB')).toBe(1024);
    expect(toBase(512, 'MiB')).toBe(512 * 1024 * 1024);
    expect(toBase(1, 'GiB')).toBe(1024 ** 3);
    expect(toBase(1, 'TiB')).toBe(1024 ** 4);
    expect(toBase(30, 's')).toBe(30);
    expect(toBase(10, 'm')).toBe(600);
    expect(toBase(8, 'h')).toBe(28800);
    expect(toBase(0.1, 'h')).toBe(360);
    expect(toBase(2, 'd')).toBe(172800);
    expect(toBase(1, 'parsec')).toBeUndefined();
  });

  it('converts back from the base unit', () => {
    expect(fromBase(0.48, 'mV')).toBe(480);
    expect(fromBase(125, 'K')).toBe(398.15);
    expect(fromBase(64e9, 'GB')).toBe(64);
    expect(fromBase(600, 'm')).toBe(10);
    expect(fromBase(1, 'nope')).toBeUndefined();
  });

  it('round-trips values written in any unit', () => {
    const units = Object.keys(UNITS);
    fc.assert(
      fc.property(fc.constantFrom(...units), fc.integer({ min: -100000, max: 100000 }), fc.integer({ min: 0, max: 3 }), (unit, n, decimals) => {
        const value = n / 10 ** decimals;
        const info = lookupUnit(unit)!;
        expect(sameQuantity(info.fromBase(info.toBase(value)), value)).toBe(true);
      }),
    );
  });

  it('makes equal quantities in different units compare equal', () => {
    expect(toBase(480, 'mV')).toBe(toBase(0.48, 'V'));
    expect(toBase(0.5, 'h')).toBe(toBase(30, 'm'));
    expect(toBase(1.5, 'd')).toBe(toBase(36, 'h'));
    expect(toBase(1024, 'MiB')).toBe(toBase(1, 'GiB'));
    expect(toBase(1000, 'MB')).toBe(toBase(1, 'GB'));
    fc.assert(
      fc.property(fc.integer({ min: -2000000, max: 2000000 }), (microvolt) => {
        expect(toBase(microvolt / 1000, 'mV')).toBe(toBase(microvolt / 1e6, 'V'));
      }),
    );
  });
});

describe('unitsOf', () => {
  it('lists each dimension in canonical order', () => {
    expect(unitsOf('voltage')).toEqual(['V', 'mV']);
    expect(unitsOf('temperature')).toEqual(['C', 'K']);
    expect(unitsOf('memory')).toEqual(['B', 'KB', 'MB', 'GB', 'TB', 'KiB', 'MiB', 'GiB', 'TiB']);
    expect(unitsOf('duration')).toEqual(['s', 'm', 'h', 'd']);
  });

  it('covers every unit exactly once, and each base unit is its dimension’s', () => {
    const all = DIMENSIONS.flatMap((d) => unitsOf(d));
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(Object.keys(UNITS).sort());
    for (const d of DIMENSIONS) {
      expect(lookupUnit(BASE_UNIT[d])?.toBase(7)).toBe(7);
    }
  });
});

describe('suggestUnit', () => {
  it.each([
    ['Gb', undefined, 'GB'],
    ['gb', undefined, 'GB'],
    ['gb', 'memory', 'GB'],
    ['mb', undefined, 'MB'],
    ['kib', undefined, 'KiB'],
    ['KIB', 'memory', 'KiB'],
    ['min', undefined, 'm'],
    ['mins', 'duration', 'm'],
    ['hr', undefined, 'h'],
    ['hours', 'duration', 'h'],
    ['sec', undefined, 's'],
    ['S', undefined, 's'],
    ['H', 'duration', 'h'],
    ['mv', undefined, 'mV'],
    ['MV', 'voltage', 'mV'],
    ['v', 'voltage', 'V'],
    ['volts', undefined, 'V'],
    ['c', 'temperature', 'C'],
    ['G', 'memory', 'GB'],
    ['G', undefined, 'GB'],
    ['k', 'memory', 'KB'],
    ['k', 'temperature', 'K'],
    ['m', 'memory', 'MB'],
    ['GiBB', 'memory', 'GiB'],
  ] as const)('%s (%s) → %s', (unit, dimension, expected) => {
    expect(suggestUnit(unit, dimension)).toBe(expected);
  });

  it('suggests nothing when nothing is close, or the unit is already right', () => {
    expect(suggestUnit('parsec')).toBeUndefined();
    expect(suggestUnit('furlongs', 'duration')).toBeUndefined();
    expect(suggestUnit('GB')).toBeUndefined();
    expect(suggestUnit('GB', 'memory')).toBeUndefined();
    expect(suggestUnit('m')).toBeUndefined();
    expect(suggestUnit('x')).toBeUndefined();
  });

  it('only suggests units of the requested dimension', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), fc.constantFrom(...DIMENSIONS), (unit, dimension) => {
        const suggestion = suggestUnit(unit, dimension);
        if (suggestion !== undefined) expect(unitsOf(dimension)).toContain(suggestion);
      }),
    );
  });
});

describe('comparison', () => {
  it('sameQuantity tolerates floating-point noise only', () => {
    expect(sameQuantity(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameQuantity(0.48, 0.480000000001)).toBe(true);
    expect(sameQuantity(0.48, 0.481)).toBe(false);
    expect(sameQuantity(0, 0)).toBe(true);
    expect(sameQuantity(0, 1e-300)).toBe(false);
    expect(sameQuantity(64e9, 64e9 + 1)).toBe(true);
    expect(sameQuantity(64e9, 64e9 + 1000)).toBe(false);
    expect(sameQuantity(Number.NaN, Number.NaN)).toBe(false);
  });

  it('compareQuantities orders and treats noise as equal', () => {
    expect(compareQuantities(0.1 + 0.2, 0.3)).toBe(0);
    expect(compareQuantities(1, 2)).toBeLessThan(0);
    expect(compareQuantities(2, 1)).toBeGreaterThan(0);
  });

  it('microvolts rounds to integer micro-volts', () => {
    expect(microvolts(0.48)).toBe(480000);
    expect(microvolts(0.48)).toBe(microvolts(0.4800001));
    expect(microvolts(1.95)).toBe(1950000);
    expect(Object.is(microvolts(-1e-9), 0)).toBe(true);
  });

  it('tidy removes binary noise and keeps zero positive', () => {
    expect(tidy(0.1 * 3)).toBe(0.3);
    expect(Object.is(tidy(-0), 0)).toBe(true);
    expect(tidy(Infinity)).toBe(Infinity);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [0.4, '0s'],
    [45, '45s'],
    [59.6, '1m'],
    [60, '1m'],
    [90, '1m 30s'],
    [600, '10m'],
    [3599, '59m 59s'],
    [3600, '1h'],
    [8 * 3600 + 10 * 60, '8h 10m'],
    [8 * 3600 + 10 * 60 + 40, '8h 11m'],
    [3 * 3600 + 59 * 60 + 50, '4h'],
    [86399, '1d'],
    [2 * 86400 + 3 * 3600, '2d 3h'],
    [2 * 86400 + 3 * 3600 + 29 * 60, '2d 3h'],
    [2 * 86400 + 3 * 3600 + 31 * 60, '2d 4h'],
    [30 * 86400, '30d'],
    [-90, '-1m 30s'],
  ])('%s s → %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });

  it('reads back within half of its smallest unit', () => {
    const seconds: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 86400 }), (value) => {
        const text = formatDuration(value);
        expect(text).toMatch(/^\d+[dhms]( \d+[hms])?$/);
        const parts = text.split(' ').map((p) => ({ n: Number(p.slice(0, -1)), unit: p.slice(-1) }));
        const total = parts.reduce((sum, p) => sum + p.n * seconds[p.unit]!, 0);
        const minor: Record<string, number> = { d: 3600, h: 60, m: 1, s: 0 };
        const smallest = minor[parts[0]!.unit]!;
        expect(Math.abs(total - value)).toBeLessThanOrEqual(smallest / 2);
      }),
    );
  });
});

describe('formatMemory', () => {
  it.each([
    [0, '0B'],
    [512, '512B'],
    [1000, '1KB'],
    [1024, '1KiB'],
    [1500000, '1.5MB'],
    [64e9, '64GB'],
    [256e9, '256GB'],
    [512 * 1024 ** 2, '512MiB'],
    [1.5 * 1024 ** 3, '1.5GiB'],
    [2 * 1024 ** 4, '2TiB'],
    [2e12, '2TB'],
    [1234567, '1.23MB'],
    [2048000, '2000KiB'],
  ])('%s bytes → %s', (bytes, expected) => {
    expect(formatMemory(bytes)).toBe(expected);
  });

  it('writes exact multiples of any unit so that they read back exactly', () => {
    const units = unitsOf('memory');
    fc.assert(
      fc.property(fc.constantFrom(...units), fc.integer({ min: 1, max: 9999 }), (unit, n) => {
        const bytes = toBase(n, unit)!;
        const text = formatMemory(bytes);
        const m = /^(\d+(?:\.\d+)?)([A-Za-z]+)$/.exec(text)!;
        expect(m, text).not.toBeNull();
        expect(toBase(Number(m[1]), m[2]!)).toBe(bytes);
      }),
    );
  });

  it('is deterministic and never throws', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: false }), (bytes) => {
        expect(formatMemory(bytes)).toBe(formatMemory(bytes));
      }),
    );
  });
});

describe('formatVoltage and formatTemperature', () => {
  it('writes volts at micro-volt resolution', () => {
    expect(formatVoltage(0.48)).toBe('0.48V');
    expect(formatVoltage(0.1 + 0.38)).toBe('0.48V');
    expect(formatVoltage(1.8)).toBe('1.8V');
    expect(formatVoltage(0)).toBe('0V');
    expect(formatVoltage(0.0000004)).toBe('0V');
    expect(formatVoltage(0.123456789)).toBe('0.123457V');
    expect(formatVoltage(-0.1)).toBe('-0.1V');
  });

  it('writes degrees Celsius', () => {
    expect(formatTemperature(-40)).toBe('-40C');
    expect(formatTemperature(125)).toBe('125C');
    expect(formatTemperature(25.5)).toBe('25.5C');
    expect(formatTemperature(toBase(398.15, 'K')!)).toBe('125C');
  });

  it('formatQuantity dispatches on the dimension', () => {
    expect(formatQuantity(0.48, 'voltage')).toBe('0.48V');
    expect(formatQuantity(-40, 'temperature')).toBe('-40C');
    expect(formatQuantity(64e9, 'memory')).toBe('64GB');
    expect(formatQuantity(29400, 'duration')).toBe('8h 10m');
  });
});
