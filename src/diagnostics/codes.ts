/**
 * The catalogue of diagnostic codes. Codes are stable: never renumber or reuse one.
 * Blocks: LCP1xxx syntax, 2xxx names, 3xxx types/units/domain (31xx lints), 4xxx graph,
 * 5xxx YAML and configuration, 6xxx emission and site.
 * Every code has a page `docs/errors/<code>.md` (a test enforces both directions).
 */
export interface CodeInfo {
  readonly severity: 'error' | 'warning';
  /** Short title, used for SARIF rule names and `libcc explain` headers. */
  readonly title: string;
}

export const CATALOGUE = {
  // --- LCP1xxx: syntax -----------------------------------------------------------------------
  LCP1001: { severity: 'error', title: 'unexpected character' },
  LCP1002: { severity: 'error', title: 'expected a different token' },
  LCP1003: { severity: 'error', title: 'unterminated string' },
  LCP1004: { severity: 'error', title: 'malformed interpolation' },
  LCP1005: { severity: 'error', title: 'unknown escape sequence' },
  LCP1006: { severity: 'error', title: 'unterminated block comment' },
  LCP1007: { severity: 'error', title: 'invalid tool invocation' },
  LCP1008: { severity: 'error', title: 'expected a declaration or value' },

  // --- LCP2xxx: names and declarations ----------------------------------------------------------
  LCP2001: { severity: 'error', title: 'unknown reference' },
  LCP2002: { severity: 'error', title: 'duplicate declaration' },
  LCP2003: { severity: 'error', title: 'import not found' },
  LCP2004: { severity: 'error', title: 'missing pipeline declaration' },
  LCP2005: { severity: 'error', title: 'unsupported import' },
  LCP2006: { severity: 'error', title: 'unknown property' },
  LCP2007: { severity: 'error', title: 'missing required property' },
  LCP2008: { severity: 'error', title: 'duplicate property' },
  LCP2009: { severity: 'error', title: 'reference not in scope' },
  LCP2010: { severity: 'error', title: 'unknown field' },
  LCP2011: { severity: 'error', title: 'undeclared environment variable' },
  LCP2012: { severity: 'error', title: 'unknown fan-out key' },
  LCP2013: { severity: 'error', title: 'unknown interpolation format' },
  LCP2014: { severity: 'error', title: 'invalid dimension declaration' },
  LCP2015: { severity: 'error', title: 'unknown dimension value' },
  LCP2016: { severity: 'error', title: 'invalid corner grouping' },
  LCP2017: { severity: 'error', title: 'reserved queue name' },
  LCP2019: { severity: 'error', title: 'stage template cycle' },

  // --- LCP3xxx: types, units and domain rules ---------------------------------------------------
  LCP3001: { severity: 'error', title: 'type mismatch' },
  LCP3002: { severity: 'error', title: 'missing unit' },
  LCP3003: { severity: 'error', title: 'unit of the wrong kind' },
  LCP3004: { severity: 'error', title: 'unknown unit' },
  LCP3005: { severity: 'error', title: 'value out of range' },
  LCP3006: { severity: 'error', title: 'unknown enumeration value' },
  LCP3007: { severity: 'error', title: 'corner name disagrees with its fields' },
  LCP3008: { severity: 'error', title: 'corner field missing and not derivable from its name' },
  LCP3009: { severity: 'error', title: 'corner voltage outside the node range' },
  LCP3010: { severity: 'error', title: 'corner temperature outside the node range' },
  LCP3011: { severity: 'error', title: 'process corner not offered by the node' },
  LCP3012: { severity: 'error', title: 'RC corner not offered by the node' },
  LCP3013: { severity: 'error', title: 'memory exceeds the queue limit' },
  LCP3014: { severity: 'error', title: 'run time exceeds the queue limit' },
  LCP3015: { severity: 'error', title: 'slots exceed the queue limit' },
  LCP3016: { severity: 'error', title: 'corner listed twice' },
  LCP3020: { severity: 'error', title: 'job name too long for the scheduler' },

  // --- LCP31xx: lints (warnings, suppressible with `// libcc-ignore LCPxxxx`) -----------------
  LCP3101: { severity: 'warning', title: 'hard-coded absolute path' },
  LCP3102: { severity: 'warning', title: 'stage without expect' },
  LCP3103: { severity: 'warning', title: 'unused declaration' },
  LCP3104: { severity: 'warning', title: 'risky shell command' },
  LCP3105: { severity: 'warning', title: 'secret-looking literal' },
  LCP3106: { severity: 'warning', title: 'estimate exceeds the run-time limit' },
  LCP3107: { severity: 'warning', title: 'suppression names no known code' },
  LCP3108: { severity: 'warning', title: 'gathered output expected without a count' },

  // --- LCP4xxx: job graph -----------------------------------------------------------------------
  LCP4001: { severity: 'error', title: 'dependency cycle' },
  LCP4002: { severity: 'error', title: 'fan-out keys cannot be matched' },
  LCP4003: { severity: 'error', title: 'job has no matching upstream job' },
  LCP4004: { severity: 'error', title: 'stage expands to zero jobs' },
  LCP4005: { severity: 'error', title: 'job array larger than the site maximum' },
  LCP4006: { severity: 'error', title: 'job needs more slots than the plan allows' },
  LCP4007: { severity: 'error', title: 'job matches no alternative of a join' },
  LCP4008: { severity: 'error', title: 'job matches more than one alternative of a join' },
  LCP4010: { severity: 'error', title: 'reads the directory of a stage it does not depend on' },
  LCP4011: { severity: 'error', title: 'reads the work directory of a finer-grained stage' },
  LCP4012: { severity: 'error', title: 'pipeline expands to too many jobs' },

  // --- LCP5xxx: YAML and configuration ------------------------------------------------------------
  LCP5001: { severity: 'error', title: 'invalid YAML' },
  LCP5002: { severity: 'error', title: 'unexpected YAML structure' },

  // --- LCP6xxx: emission ---------------------------------------------------------------------------
  LCP6001: { severity: 'error', title: 'deck template not found' },
  LCP6002: { severity: 'error', title: 'template error' },
  LCP6003: { severity: 'error', title: 'setting the scheduler cannot honour' },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof CATALOGUE;

export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, code);
}

export const ALL_CODES: readonly DiagnosticCode[] = Object.keys(CATALOGUE).sort() as DiagnosticCode[];
