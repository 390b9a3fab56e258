/**
 * Lint (language.md §8, LCP3105): no secrets in pipeline files — they are committed, and the
 * generated scripts would carry them into every job log. Read them from the environment.
 */
import type { Rule } from './rule.js';
import { forEachString } from './strings.js';

const PATTERNS: readonly RegExp[] = [
  /\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)\s*[=:]\s*[^\s"'$]{4,}/i,
  /--?(?:password|token|api-key)[ =][^\s"'$]{4,}/i,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

export const secretLiterals: Rule = {
  name: 'secret-literals',
  run(ctx, input) {
    forEachString(input.declarations, (literal) => {
      const text = literal.parts.map((p) => (p.kind === 'Text' ? p.value : '\u0000')).join('');
      if (!PATTERNS.some((pattern) => pattern.test(text))) return;
      ctx.report('LCP3105', literal.span, 'this string looks like it contains a secret', {
        label: 'password, token or key',
        help: 'read it from the environment instead: declare `env MY_TOKEN: string` and write `${MY_TOKEN}`',
      });
    });
  },
};
