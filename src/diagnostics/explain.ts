/**
 * `libcc explain LCP2001`: the documentation page of a diagnostic code, read from
 * `docs/errors/<code>.md`. Accepts `LCP2001`, `lcp2001` and the bare number `2001`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CODES, isDiagnosticCode } from './codes.js';
import { didYouMean } from './suggest.js';

export type ExplainResult = { ok: true; code: string; text: string } | { ok: false; message: string };

/** `LCP2001` for `lcp2001`, ` LCP2001 ` and `2001`; other input upper-cased as is. */
export function normalizeCode(input: string): string {
  const trimmed = input.trim().toUpperCase();
  return /^\d+$/.test(trimmed) ? `LCP${trimmed}` : trimmed;
}

export function explainCode(code: string, docsDir: string): ExplainResult {
  const normalized = normalizeCode(code);
  if (!isDiagnosticCode(normalized)) {
    const shown = code.trim() === '' ? 'unknown diagnostic code (none given)' : `unknown diagnostic code \`${code.trim()}\``;
    const hint = didYouMean(normalized, ALL_CODES);
    const fallback = 'codes look like `LCP2001`; see docs/errors/README.md for the list';
    return { ok: false, message: `${shown}: ${hint ?? fallback}` };
  }
  const page = join(docsDir, `${normalized}.md`);
  try {
    return { ok: true, code: normalized, text: readFileSync(page, 'utf8') };
  } catch {
    return { ok: false, message: `no documentation page for \`${normalized}\` (expected ${page})` };
  }
}
