/**
 * Resolves `${…}` interpolations in strings to typed template parts.
 * Rules: an env variable must be declared (LCP2011); `work`, `out`, `pipeline`, `stage` exist
 * only in stages (LCP2009); `node.*`, `library.*`, `corner.*` only in stages fanned out over
 * that key (LCP2009); an entity has only the fields of `ENTITY_FIELDS` (LCP2010).
 */
import { didYouMean, suggest, suggestionFixes } from '../diagnostics/suggest.js';
import type { Identifier, Reference, StringLiteral } from '../syntax/ast.js';
import type { AttributeSchemas } from './attributes.js';
import type { CheckContext } from './context.js';
import { entityFields, isFanoutKey } from './fields.js';
import { reportUngrouped } from './conditions.js';
import { FORMATS, formattedField, isFormattable } from './formats.js';
import type { FanoutKey, Template, TemplatePart } from './model.js';

export type TemplateScope =
  | { readonly kind: 'global' }
  /** `keySet`: the stage's keys including implied ones. */
  | {
      readonly kind: 'stage';
      readonly stage: string;
      readonly keySet: ReadonlySet<FanoutKey>;
      /** The declared dimensions the stage fans out over (`${arcs}`). */
      readonly dimensions?: ReadonlySet<string>;
      /** `group by`: the corner fields a job's group of corners shares (`${group}` in scope). */
      readonly groupBy?: readonly string[];
    };

const BUILTINS = ['work', 'out', 'pipeline', 'stage'] as const;
type Builtin = (typeof BUILTINS)[number];

export interface TemplateEnvironment {
  readonly envNames: ReadonlySet<string>;
  /** Declared user attributes, fields of `node`, `library`, `corner` like the built-in ones. */
  readonly attributes?: AttributeSchemas;
  /** Declared dimensions (valid ones), for `${arcs}`. */
  readonly dimensions?: ReadonlySet<string>;
}

export interface TemplateOptions {
  /** The string is a shell command: an unknown `${name}` may be meant as a shell variable. */
  readonly shell?: boolean;
}

export function resolveTemplate(
  ctx: CheckContext,
  literal: StringLiteral,
  scope: TemplateScope,
  environment: TemplateEnvironment,
  options: TemplateOptions = {},
): Template | undefined {
  const parts: TemplatePart[] = [];
  let ok = true;
  for (const part of literal.parts) {
    if (part.kind === 'Text') {
      const last = parts[parts.length - 1];
      if (last?.kind === 'text') parts[parts.length - 1] = { kind: 'text', value: last.value + part.value };
      else parts.push({ kind: 'text', value: part.value });
      continue;
    }
    const resolved = resolveInterpolation(ctx, part.reference, part.format, scope, environment, options);
    if (resolved === undefined) ok = false;
    else parts.push(resolved);
  }
  return ok ? { parts, span: literal.span } : undefined;
}

function resolveInterpolation(
  ctx: CheckContext,
  reference: Reference,
  format: Identifier | undefined,
  scope: TemplateScope,
  environment: TemplateEnvironment,
  options: TemplateOptions,
): TemplatePart | undefined {
  const [head, ...rest] = reference.path;
  if (head === undefined || head.name === '') return undefined; // malformed, reported by the parser
  const name = head.name;

  if (isFanoutKey(name)) {
    const fields = entityFields(name, environment.attributes);
    const field = rest[0];
    if (field === undefined || rest.length > 1) {
      const grouped = name === 'corner' && field === undefined && scope.kind === 'stage' && scope.groupBy !== undefined;
      ctx.report('LCP2010', reference.span, `\`${reference.path.map((p) => p.name).join('.')}\` is not a field`, {
        ...(grouped ? { help: `the stage's jobs are groups of corners: use \`\${group}\` or the fields they share (${scope.groupBy!.map((f) => `\`\${corner.${f}}\``).join(', ')})` } : {}),
        label: `write \`${name}.<field>\``,
        notes: [`fields of \`${name}\`: ${Object.keys(fields).map((f) => `\`${f}\``).join(', ')}`],
      });
      return undefined;
    }
    if (!(field.name in fields)) {
      const hint = didYouMean(field.name, Object.keys(fields));
      ctx.report('LCP2010', field.span, `\`${name}\` has no field \`${field.name}\``, {
        label: 'unknown field',
        ...(hint ? { help: hint } : {}),
        fixes: suggestionFixes(field.name, field.span, Object.keys(fields)),
        notes: [`fields of \`${name}\`: ${Object.keys(fields).map((f) => `\`${f}\``).join(', ')}`],
      });
      return undefined;
    }
    let fieldName = field.name;
    if (format !== undefined) {
      const type = fields[field.name]!;
      if (!isFormattable(type)) {
        ctx.report('LCP2013', format.span, `\`${name}.${field.name}\` takes no format`, {
          label: `not a quantity`,
          help: `write \`\${${name}.${field.name}}\``,
          notes: ['formats apply to voltages, temperatures, memory sizes and durations'],
        });
        return undefined;
      }
      const known = FORMATS[type];
      if (!(format.name in known)) {
        const hint = didYouMean(format.name, Object.keys(known));
        ctx.report('LCP2013', format.span, `unknown format \`${format.name}\` for ${type === 'memory' ? 'a memory size' : `a ${type}`}`, {
          label: 'unknown format',
          ...(hint ? { help: hint } : {}),
          notes: [`${type} formats: ${Object.entries(known).map(([f, spec]) => `\`:${f}\` (${spec.example})`).join(', ')}`],
        });
        return undefined;
      }
      fieldName = formattedField(field.name, format.name);
    }
    if (scope.kind === 'global') {
      ctx.report('LCP2009', reference.span, `\`${name}.${field.name}\` can only be used inside a stage`, {
        label: 'not in scope here',
      });
      return undefined;
    }
    if (!scope.keySet.has(name)) {
      ctx.report('LCP2009', reference.span, `\`${name}.${field.name}\` is not in scope: stage \`${scope.stage}\` does not run per ${name}`, {
        label: `stage is not per ${name}`,
        help: scopeHelp(name, scope.keySet),
      });
      return undefined;
    }
    if (name === 'corner' && scope.groupBy !== undefined && !scope.groupBy.includes(field.name)) {
      reportUngrouped(ctx, reference.span, field.name, `stage \`${scope.stage}\``, scope.groupBy);
      return undefined;
    }
    return { kind: 'field', entity: name, field: fieldName };
  }

  if (format !== undefined) {
    ctx.report('LCP2013', format.span, `\`${name}\` takes no format`, {
      label: 'formats apply to quantity fields',
      help: `write \`\${${reference.path.map((p) => p.name).join('.')}}\``,
    });
    return undefined;
  }

  if (rest.length > 0) {
    ctx.report('LCP2010', reference.span, `\`${name}\` has no fields`, {
      label: 'only `node`, `library` and `corner` have fields',
    });
    return undefined;
  }

  if (name === 'group' && rest.length === 0 && format === undefined && scope.kind === 'stage' && scope.groupBy !== undefined) {
    return { kind: 'group' };
  }

  if (environment.dimensions?.has(name) && rest.length === 0 && format === undefined) {
    ctx.references.use('dimension', head);
    if (scope.kind === 'stage' && scope.dimensions?.has(name)) return { kind: 'dimension', name };
    ctx.report('LCP2009', head.span, scope.kind === 'stage' ? `dimension \`${name}\` is not in scope: stage \`${scope.stage}\` does not run per ${name}` : `dimension \`${name}\` can only be used inside a stage`, {
      label: 'not in scope here',
      ...(scope.kind === 'stage' ? { help: `add \`${name}\` to the stage's \`for each\`` } : {}),
    });
    return undefined;
  }

  if ((BUILTINS as readonly string[]).includes(name)) {
    if (scope.kind === 'global') {
      ctx.report('LCP2009', head.span, `\`${name}\` can only be used inside a stage`, { label: 'not in scope here' });
      return undefined;
    }
    return { kind: 'builtin', name: name as Builtin };
  }

  if (environment.envNames.has(name)) {
    ctx.markUsed('env', name);
    ctx.references.use('env', head);
    return { kind: 'env', name };
  }

  const candidates = [...environment.envNames, ...(scope.kind === 'stage' ? BUILTINS : [])];
  const hint = didYouMean(name, candidates);
  for (const meant of suggest(name, environment.envNames, 1)) ctx.markUsed('env', meant);
  if (options.shell) {
    // In a shell command, `${decks}` is as likely a shell variable as an env variable.
    ctx.report('LCP2011', head.span, `\`${name}\` is not a declared env variable`, {
      label: 'undeclared',
      help: hint ?? `if \`${name}\` is a shell variable of the command, write \`$\${${name}}\` (libcc passes it to bash as \`\${${name}}\`); if it comes from the environment, declare it: \`env ${name}: string\``,
    });
    return undefined;
  }
  ctx.report('LCP2011', head.span, `\`${name}\` is not a declared env variable`, {
    label: 'undeclared',
    help: hint ?? `declare it: \`env ${name}: string\``,
    fixes: suggestionFixes(name, head.span, candidates),
  });
  return undefined;
}

function scopeHelp(key: FanoutKey, keySet: ReadonlySet<FanoutKey>): string {
  const keys = new Set(keySet);
  keys.add(key);
  if (keys.has('library')) keys.delete('node'); // implied by library
  const ordered = (['node', 'library', 'corner'] as const).filter((k) => keys.has(k));
  return `fan the stage out with \`for each ${ordered.join(', ')}\``;
}
