/**
 * Shared state of one checker run: the diagnostic sink and the record of which declarations
 * are used (for the unused-declaration lint). Rules report through `report`, never by throwing.
 */
import type { DiagnosticCode } from '../diagnostics/codes.js';
import { DiagnosticBag, type DiagnosticOptions } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/span.js';
import { ReferenceRecorder } from './references.js';

export type UsageKind = 'env' | 'tool' | 'queue' | 'corner' | 'node' | 'template';

export class CheckContext {
  readonly diagnostics = new DiagnosticBag();
  private readonly used = new Set<string>();
  /** Resolved names and block schemas, for editors (references.ts). */
  readonly references = new ReferenceRecorder();

  report(code: DiagnosticCode, span: Span, message: string, options?: DiagnosticOptions): void {
    this.diagnostics.report(code, span, message, options);
  }

  markUsed(kind: UsageKind, name: string): void {
    this.used.add(`${kind}:${name}`);
  }

  isUsed(kind: UsageKind, name: string): boolean {
    return this.used.has(`${kind}:${name}`);
  }
}

/** `a`, `a` and `b`, `a`, `b` and `c` — names in backticks for messages. */
export function listNames(names: readonly string[], conjunction = 'and'): string {
  const quoted = names.map((n) => `\`${n}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}
