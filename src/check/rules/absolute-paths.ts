/**
 * Lint (language.md §8, LCP3101): no hard-coded absolute paths — the legacy flow had 47 of
 * them. A path should come from an `env` variable so another site or user can run the
 * pipeline; `env` defaults are where absolute paths belong. System locations (`/dev`, `/tmp`,
 * `/bin`, `/usr/bin`, `/proc`) are not site paths and pass.
 */
import type { Span } from '../../diagnostics/span.js';
import type { Rule } from './rule.js';
import { forEachString } from './strings.js';

const SYSTEM = /^\/(?:dev|tmp|proc|bin|usr\/bin|usr\/local\/bin|etc)(?:\/|$)/;
/** An absolute path of at least two segments, starting a shell word or after `=`, `:` or a quote. */
const IN_SHELL = /(?:^|[\s"'=:(])(\/[A-Za-z0-9._+-]+\/[A-Za-z0-9._+\/-]*)/g;

export const absolutePaths: Rule = {
  name: 'absolute-paths',
  run(ctx, input) {
    forEachString(input.declarations, (literal, context) => {
      if (context === 'env-default' || context === 'import') return;
      const first = literal.parts[0];
      if (first === undefined || first.kind !== 'Text') return;
      const warn = (span: Span, path: string) =>
        ctx.report('LCP3101', span, `hard-coded absolute path \`${path}\``, {
          label: 'absolute path',
          help: 'declare an env variable (e.g. `env TOOLS_ROOT: path = "/tools"`) and write `${TOOLS_ROOT}/…`',
        });
      if (context !== 'shell') {
        if (first.value.startsWith('/') && !SYSTEM.test(first.value)) warn(literal.span, literal.text);
        return;
      }
      for (const part of literal.parts) {
        if (part.kind !== 'Text') continue;
        const source = input.sources.get(part.span.file)?.text.slice(part.span.start, part.span.end) ?? '';
        for (const match of source.matchAll(IN_SHELL)) {
          const path = match[1]!;
          if (SYSTEM.test(path)) continue;
          const start = part.span.start + match.index! + match[0].length - path.length;
          warn({ file: part.span.file, start, end: start + path.length }, path);
        }
      }
    });
  },
};
