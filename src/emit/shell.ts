/**
 * Quoting for generated bash — the only place values are turned into shell text. Values are
 * either single-quoted literals or references to variables expanded inside double quotes, so a
 * corner name, path or env value can never be parsed as shell code.
 */
import type { Template, TemplatePart } from '../check/model.js';
import { referenceSource } from '../check/templates.js';

/**
 * A bash word for any string: single-quoted (`'` becomes `'\''`), or ANSI-C quoted (`$'…'`)
 * when it holds control characters, so a newline or carriage return never appears raw in a
 * generated file (where line-ending normalisation or a comment could change its meaning).
 */
export function shQuote(value: string): string {
  if (value === '') return "''";
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return `'${value}'`;
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    return `$'${value.replace(/[\\'\u0000-\u001f\u007f]/g, (c) => (c === '\\' || c === "'" ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))}'`;
  }
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The variable a template reference reads at run time. */
export function variableOf(part: Exclude<TemplatePart, { kind: 'text' }>): string {
  switch (part.kind) {
    case 'env':
      return part.name;
    case 'builtin':
      return part.name === 'work' ? 'lcp_work' : part.name === 'out' ? 'lcp_out' : part.name === 'pipeline' ? 'LIBCC_PIPELINE' : 'LIBCC_STAGE';
    case 'field':
      return `lcp_${part.entity}_${part.field}`;
    case 'stage':
      return `lcp_stage_${part.stage}_${part.field}`;
    case 'tool':
      return `lcp_tool_${part.tool}_${part.field}`;
    case 'dimension':
      return `lcp_dim_${part.name}`;
    case 'group':
      return 'lcp_group_name';
  }
}



/** Text for inside a double-quoted bash string: `\`, `"`, `$` and backquote escaped. */
export function escapeDoubleQuoted(text: string): string {
  return text.replace(/[\\"$`]/g, (c) => `\\${c}`);
}

/** A double-quoted bash word: literal text, references expanded at run time. */
export function shDoubleQuote(template: Template, refs: (part: Exclude<TemplatePart, { kind: 'text' }>) => string = (p) => `\${${variableOf(p)}}`): string {
  let out = '"';
  for (const part of template.parts) out += part.kind === 'text' ? escapeDoubleQuoted(part.value) : refs(part);
  return `${out}"`;
}

/**
 * A glob pattern as `libcc_expect` arguments: `L 'text'` keeps its wildcards, `V "$value"` is
 * matched literally (its wildcards are escaped at run time, without a command substitution,
 * which would drop a trailing newline).
 */
export function shGlobPattern(template: Template): string {
  return template.parts
    .map((part) => (part.kind === 'text' ? `L ${shQuote(part.value)}` : `V "\${${variableOf(part)}}"`))
    .join(' ');
}

/** A user's shell command: its text verbatim (it is code the user wrote), values as variables. */
export function shCommand(template: Template): string {
  return template.parts.map((part) => (part.kind === 'text' ? part.value : `\${${variableOf(part)}}`)).join('');
}

/** Does the template start with an absolute path (a `/` or an env variable, which holds one)? */
export function isAbsoluteTemplate(template: Template): boolean {
  const first = template.parts[0];
  if (first === undefined) return false;
  return first.kind === 'env' || (first.kind === 'text' && first.value.startsWith('/'));
}

/** The plain text of a template as the user wrote it (`${…}` for references), for comments. */
export function templateSource(template: Template): string {
  return template.parts.map((part) => (part.kind === 'text' ? part.value : referenceSource(part))).join('');
}

/**
 * A value as one field of a generated data table (`lib/elements/<stage>.tsv`): `\` → `\\`,
 * tab → `\t`, newline → `\n`, CR → `\r`, other control characters → `\xHH`. lib/runtime.sh
 * decodes it with `printf -v NAME '%b'`, which assigns the value without evaluating it; a field
 * holds no tab or newline, so rows split safely.
 */
export function tsvEscape(value: string): string {
  // Most values need no escape: testing is cheaper than a replace that finds nothing (100k jobs × a dozen values).
  // eslint-disable-next-line no-control-regex
  if (!/[\\\u0000-\u001f\u007f]/.test(value)) return value;
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\\\u0000-\u001f\u007f]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
