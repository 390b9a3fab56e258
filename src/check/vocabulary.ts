import { editDistance, suggest } from '../diagnostics/suggest.js';

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

/**
 * Did-you-mean for RC corners that stays within the extraction corner's family: the same base
 * corner (`cworst`, `rcbest`, …: the part before the first `_`) and the same temperature-aware
 * variant (`_T` or not). `cworst_T` is not a misspelled `cworst` (a different extraction): it
 * suggests `cworst_CCworst_T`, the `_T` corner of that family, or nothing.
 */
export function suggestRcCorner(name: string, known: readonly string[]): string | undefined {
  const base = (n: string) => n.split('_')[0]!.toLowerCase();
  const thermal = (n: string) => /_t$/i.test(n);
  const sameVariant = known.filter((k) => thermal(k) === thermal(name) && k !== name);
  const bases = new Set(known.map(base));
  let candidates: string[];
  if (bases.has(base(name))) {
    const family = sameVariant.filter((k) => base(k) === base(name));
    const distance = (k: string) => editDistance(k.toLowerCase(), name.toLowerCase());
    const best = Math.min(...family.map(distance));
    candidates = family.filter((k) => distance(k) === best);
  } else {
    candidates = suggest(name, sameVariant);
  }
  if (candidates.length === 0) return undefined;
  const quoted = candidates.map((c) => `\`${c}\``);
  return `did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`}?`;
}
