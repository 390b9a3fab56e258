/**
 * Inline suppression (language.md §8): `// libcc-ignore LCP3102 LCP3103` silences those
 * warnings on the comment's own line and on the next line that holds code. Errors cannot be
 * suppressed; an unknown code, or an error code, is LCP3107.
 */
import { CATALOGUE, isDiagnosticCode } from '../diagnostics/codes.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { positionAt, type SourceFile } from '../diagnostics/source.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { LcpFile } from '../syntax/ast.js';
import type { CheckContext } from './context.js';

const DIRECTIVE = /libcc-ignore\b([^\n]*)/;

/** file → line → codes suppressed on that line. */
type SuppressionMap = Map<string, Map<number, Set<string>>>;

export function collectSuppressions(ctx: CheckContext, files: readonly LcpFile[], sources: ReadonlyMap<string, SourceFile>): SuppressionMap {
  const map: SuppressionMap = new Map();
  for (const file of files) {
    const source = sources.get(file.path);
    if (source === undefined) continue;
    for (const comment of file.comments) {
      const match = DIRECTIVE.exec(comment.text);
      if (match === null) continue;
      const codes: string[] = [];
      const listStart = comment.span.start + match.index + 'libcc-ignore'.length;
      for (const token of match[1]!.matchAll(/[A-Za-z0-9]+/g)) {
        const code = token[0].toUpperCase();
        const span = { file: file.path, start: listStart + token.index!, end: listStart + token.index! + token[0].length };
        if (!isDiagnosticCode(code)) {
          if (!/^LCP/.test(code)) continue; // prose after the codes
          const hint = didYouMean(code, Object.keys(CATALOGUE).filter((c) => CATALOGUE[c as keyof typeof CATALOGUE].severity === 'warning'));
          ctx.report('LCP3107', span, `\`${token[0]}\` is not a diagnostic code`, { label: 'unknown code', ...(hint ? { help: hint } : {}) });
        } else if (CATALOGUE[code].severity !== 'warning') {
          ctx.report('LCP3107', span, `\`${code}\` is an error and cannot be suppressed`, {
            label: 'only warnings can be suppressed',
            help: `run \`libcc explain ${code}\` to see how to fix it`,
          });
        } else codes.push(code);
      }
      if (codes.length === 0) continue;
      const line = positionAt(source, comment.span.start).line;
      const target = nextCodeLine(source, comment.span.end, file);
      const lines = map.get(file.path) ?? new Map<number, Set<string>>();
      map.set(file.path, lines);
      for (const l of new Set([line, target])) {
        const set = lines.get(l) ?? new Set<string>();
        for (const code of codes) set.add(code);
        lines.set(l, set);
      }
    }
  }
  return map;
}

/** The line of the first non-comment, non-blank character after `offset`. */
function nextCodeLine(source: SourceFile, offset: number, file: LcpFile): number {
  let i = offset;
  const text = source.text;
  const comments = file.comments;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    const comment = comments.find((c) => c.span.start === i);
    if (comment === undefined) break;
    i = comment.span.end;
  }
  return positionAt(source, i).line;
}

export function applySuppressions(diagnostics: readonly Diagnostic[], map: SuppressionMap, sources: ReadonlyMap<string, SourceFile>): Diagnostic[] {
  if (map.size === 0) return [...diagnostics];
  return diagnostics.filter((d) => {
    if (d.severity !== 'warning') return true;
    const lines = map.get(d.primary.span.file);
    const source = sources.get(d.primary.span.file);
    if (lines === undefined || source === undefined) return true;
    const line = positionAt(source, d.primary.span.start).line;
    return !lines.get(line)?.has(d.code);
  });
}
