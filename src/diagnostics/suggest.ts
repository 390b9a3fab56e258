/**
 * Did-you-mean suggestions: candidates within an edit distance that grows with the name's
 * length, closest first, ties broken by name so output is deterministic. `suggestionFixes` gives
 * the same suggestions as machine-applicable fixes (diagnostics carry them as `fixes`).
 */
import type { Fix } from './diagnostic.js';
import type { Span } from './span.js';

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). With `bound`, a
 * distance above it may be returned as any number above it, found sooner: it stops as soon as
 * the lengths or two whole rows of the table say the distance is over `bound`.
 */
export function editDistance(a: string, b: string, bound = Infinity): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  if (Math.abs(a.length - b.length) > bound) return Math.abs(a.length - b.length);
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let prevLeast = 0;
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let least = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(prev[j]! + 1, current[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, prevPrev[j - 2]! + 1);
      }
      current.push(value);
      if (value < least) least = value;
    }
    // Every later cell comes from this row (+0 or more) or the one before (+1 or more).
    if (least > bound && prevLeast >= bound) return least;
    prevLeast = least;
    prevPrev = prev;
    prev = current;
  }
  return prev[b.length]!;
}

/**
 * Names longer than this get no edit-distance suggestions (only case-only and missing-tail ones):
 * comparing two names costs the product of their lengths, and a hostile file can hold names of
 * tens of thousands of characters.
 */
export const MAX_SUGGESTED_NAME = 128;

/** Up to `max` candidates close to `name`, best first. */
export function suggest(name: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(1, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  const scored: { candidate: string; score: number }[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (candidate === name || seen.has(candidate)) continue;
    seen.add(candidate);
    // A case-only difference is the likeliest typo of all.
    let score = candidate.toLowerCase() === lower ? 0.5 : name.length > MAX_SUGGESTED_NAME || candidate.length > MAX_SUGGESTED_NAME ? Infinity : editDistance(name, candidate, limit);
    // A name missing its tail (`…_cworst` for `…_cworst_CCworst_T`) is close, however long the tail.
    if (score > limit && name.length >= 6 && candidate.startsWith(name)) score = limit + 0.5;
    if (score <= limit + 0.5) scored.push({ candidate, score });
  }
  scored.sort((a, b) => a.score - b.score || (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0));
  return scored.slice(0, max).map((s) => s.candidate);
}

/** "did you mean `a`?" / "did you mean `a` or `b`?", or undefined when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const found = suggest(name, candidates);
  if (found.length === 0) return undefined;
  const quoted = found.map((c) => `\`${c}\``);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  return `did you mean ${list}?`;
}

/** The suggestions of `didYouMean` as fixes that replace `span` (the misspelt name) with each. */
export function suggestionFixes(name: string, span: Span, candidates: Iterable<string>): Fix[] {
  return suggest(name, candidates).map((candidate) => replaceWith(span, candidate));
}

/** A fix that replaces `span` with `replacement`. */
export function replaceWith(span: Span, replacement: string): Fix {
  return { span, replacement, title: `replace with \`${replacement}\`` };
}
