/** Built-in vocabularies; a site may replace them (`site { processes = […] }`). */

/** Process corners, including the global-corner variants (docs/liberate.md, "PVT corner names"). */
export const DEFAULT_PROCESSES: readonly string[] = ['ss', 'tt', 'ff', 'sf', 'fs', 'ssg', 'ffg', 'ssgnp', 'ffgnp', 'ttg', 'ttgnp'];

/** RC extraction corners; the `_T` variants are distinct corners. */
export const DEFAULT_RC_CORNERS: readonly string[] = [
  'typical',
  'cworst',
  'cbest',
  'rcworst',
  'rcbest',
  'cworst_CCworst',
  'cbest_CCbest',
  'rcworst_CCworst',
  'rcbest_CCbest',
  'cworst_CCworst_T',
  'cbest_CCbest_T',
  'rcworst_CCworst_T',
  'rcbest_CCbest_T',
];

export const MEMORY_UNITS = ['KB', 'MB', 'GB', 'TB'] as const;
export const MEM_LIMIT_MODES = ['per_job', 'per_slot'] as const;
/** `site { scheduler = … }`: the schedulers the generated scripts can submit to (src/schedulers). */
export const SCHEDULERS = ['lsf', 'slurm', 'local'] as const;
export const ENV_TYPES = ['path', 'string', 'int'] as const;
export const TOOL_KINDS = ['liberate', 'variety', 'generic'] as const;
