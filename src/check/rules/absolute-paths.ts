/**
 * Lint (language.md §8, LCP3101): no hard-coded absolute paths — the legacy flow had 47 of
 * them. A path should come from an `env` variable so another site or user can run the
 * pipeline; `env` defaults are where absolute paths belong. System locations (`/dev`, `/tmp`,
 * `/bin`, `/usr/bin`, `/proc`) are not site paths and pass, and neither does `job_group`, an
 * LSF job-group path rather than a file.
 */
import type { Span } from '../../diagnostics/span.js';
import type { Rule } from './rule.js';
import { forEachString } from './strings.js';

const SYSTEM = /^\/(?:dev|tmp|proc|bin|usr\/bin|usr\/local\/bin|etc)(?:\/|$)/;
/**
 * An absolute path of at least two segments at the start of a shell word (after a space, `=`,
 * `:`, `(` or a quote). Text right after an interpolation (`${work}/out`) continues that value.
 */
const IN_SHELL = /(^|[\s"'=:(])(\/[A-Za-z0-9._+-]+\/[A-Za-z0-9._+\/-]*)/g;
const NOT_FILES = new Set(['job_group']);

export const absolutePaths: Rule = {
  name: 'absolute-paths',
  run(ctx, input) {
    forEachString(input.declarations, (literal, { context, property }) => {
      if (context === 'env-default' || context === 'import' || (property !== undefined && NOT_FILES.has(property))) return;
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
      literal.parts.forEach((part, index) => {
        if (part.kind !== 'Text') return;
        const source = input.sources.get(part.span.file)?.text.slice(part.span.start, part.span.end) ?? '';
        for (const match of source.matchAll(IN_SHELL)) {
          if (match.index === 0 && match[1] === '' && index > 0) continue; // continues an interpolation
          // `"$VAR"/out`, `"${x}"/out`, `"$(cmd)"/out`: the path continues a quoted expansion.
          if (/["']$/.test(match[1]!) && /(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\))["']$/.test(source.slice(0, match.index! + 1))) continue;
          if (/["']$/.test(match[1]!) && match.index === 0 && index > 0) continue;
          const path = match[2]!;
          if (SYSTEM.test(path)) continue;
          const start = part.span.start + match.index! + match[0].length - path.length;
          warn({ file: part.span.file, start, end: start + path.length }, path);
        }
      });
    });
  },
};
