import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { LcpFile } from './ast.js';

/** What every front-end reader returns: a best-effort AST, even with errors, plus diagnostics. */
export interface ParseResult {
  readonly file: LcpFile;
  readonly diagnostics: readonly Diagnostic[];
}
