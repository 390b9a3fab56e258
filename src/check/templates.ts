/**
 * Resolves `${…}` interpolations in strings to typed template parts.
 * Rules: an env variable must be declared (LCP2011); `work`, `out`, `pipeline`, `stage` exist
 * only in stages (LCP2009); `node.*`, `library.*`, `corner.*` only in stages fanned out over
 * that key (LCP2009); an entity has only the fields of `ENTITY_FIELDS` (LCP2010).
 */
import { didYouMean, suggest, suggestionFixes } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import type { Identifier, Reference, StringLiteral } from '../syntax/ast.js';
import type { AttributeSchemas } from './attributes.js';
import { attributeName } from './references.js';
import type { CheckContext } from './context.js';
import { entityFields, isFanoutKey } from './fields.js';
import { reportUngrouped } from './conditions.js';
import { FORMATS, formattedField, isFormattable } from './formats.js';
import type { FanoutKey, Template, TemplatePart } from './model.js';
import { reservedEnvReason } from './symbols.js';

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
      /** Told of every `${S.work}` / `${S.work_root}`, for the rule that checks `S` is upstream. */
      readonly onStageRead?: (read: StageRead) => void;
    };

/** A read of another stage's directory, checked against the stage graph (rules/stage-reads.ts). */
export interface StageRead {
  readonly stage: string;
  readonly field: 'work' | 'work_root';
  readonly span: Span;
}

const STAGE_FIELDS = ['work', 'work_root'] as const;
const TOOL_FIELDS = ['path', 'version'] as const;

const BUILTINS = ['work', 'out', 'pipeline', 'stage'] as const;
type Builtin = (typeof BUILTINS)[number];

export interface TemplateEnvironment {
  readonly envNames: ReadonlySet<string>;
  /** Declared user attributes, fields of `node`, `library`, `corner` like the built-in ones. */
  readonly attributes?: AttributeSchemas;
  /** Declared stages, for `${S.work}`; absent outside stages. */
  readonly stageNames?: ReadonlySet<string>;
  /** Declared tools and whether each has a `version`, for `${tool.T.path}`. */
  readonly tools?: ReadonlyMap<string, { readonly version: boolean }>;
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

  if (name === 'tool' && rest.length > 0 && format === undefined) return resolveTool(ctx, reference, scope, environment);
  const stageField = rest.length === 1 && (STAGE_FIELDS as readonly string[]).includes(rest[0]!.name) ? (rest[0]!.name as StageRead['field']) : undefined;
  if (!isFanoutKey(name) && format === undefined && (stageField !== undefined || (rest.length > 0 && environment.stageNames?.has(name)))) {
    return resolveStageRead(ctx, reference, stageField, scope, environment);
  }

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
    if (!Object.hasOwn(fields, field.name)) {
      const hint = didYouMean(field.name, Object.keys(fields));
      ctx.report('LCP2010', field.span, `\`${name}\` has no field \`${field.name}\``, {
        label: 'unknown field',
        ...(hint ? { help: hint } : {}),
        fixes: suggestionFixes(field.name, field.span, Object.keys(fields)),
        notes: [`fields of \`${name}\`: ${Object.keys(fields).map((f) => `\`${f}\``).join(', ')}`],
      });
      return undefined;
    }
    if (environment.attributes?.[name].has(field.name)) ctx.references.use('attribute', { name: attributeName(name, field.name), span: field.span });
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
      if (!Object.hasOwn(known, format.name)) {
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
  // A reserved name cannot be declared (LCP2002): the help must not say to.
  const reserved = reservedEnvReason(name);
  const declare = reserved === undefined ? `declare it: \`env ${name}: string\`` : `\`${name}\` ${reserved} and cannot be an env variable: use another name, here and where it is set`;
  if (options.shell) {
    // In a shell command, `${decks}` is as likely a shell variable as an env variable.
    ctx.report('LCP2011', head.span, `\`${name}\` is not a declared env variable`, {
      label: 'undeclared',
      help: hint ?? `if \`${name}\` is a shell variable of the command, write \`$\${${name}}\` (libcc passes it to bash as \`\${${name}}\`); if it comes from the environment, ${declare}`,
    });
    return undefined;
  }
  ctx.report('LCP2011', head.span, `\`${name}\` is not a declared env variable`, {
    label: 'undeclared',
    help: hint ?? declare,
    fixes: suggestionFixes(name, head.span, candidates),
  });
  return undefined;
}

/** `${S.work}` / `${S.work_root}`: whether `S` is upstream is a graph rule (rules/stage-reads.ts). */
function resolveStageRead(
  ctx: CheckContext,
  reference: Reference,
  field: StageRead['field'] | undefined,
  scope: TemplateScope,
  environment: TemplateEnvironment,
): TemplatePart | undefined {
  const head = reference.path[0]!;
  const text = reference.path.map((p) => p.name).join('.');
  if (scope.kind === 'global') {
    ctx.report('LCP2009', reference.span, `\`${text}\` can only be used inside a stage`, { label: 'not in scope here' });
    return undefined;
  }
  const stages = environment.stageNames ?? new Set<string>();
  if (!stages.has(head.name)) {
    const hint = didYouMean(head.name, stages);
    ctx.report('LCP2001', head.span, `unknown stage \`${head.name}\``, {
      label: 'no stage of this name',
      help: hint ?? '`${S.work}` reads the work directory of the stage `S`',
      fixes: suggestionFixes(head.name, head.span, stages),
    });
    return undefined;
  }
  if (field === undefined) {
    const given = reference.path[1]!;
    const hint = didYouMean(given.name, STAGE_FIELDS);
    ctx.report('LCP2010', reference.path.length > 2 ? reference.span : given.span, `stage \`${head.name}\` has no field \`${reference.path.slice(1).map((p) => p.name).join('.')}\``, {
      label: 'unknown field',
      ...(hint ? { help: hint } : {}),
      notes: ['fields of a stage: `work` (the directory of the matching job), `work_root` (the directory of all its jobs)'],
    });
    return undefined;
  }
  ctx.references.use('stage', head);
  scope.onStageRead?.({ stage: head.name, field, span: reference.span });
  return { kind: 'stage', stage: head.name, field };
}

/** `${tool.T.path}` / `${tool.T.version}`: the tool's declaration, in one place. */
function resolveTool(ctx: CheckContext, reference: Reference, scope: TemplateScope, environment: TemplateEnvironment): TemplatePart | undefined {
  const [, toolName, field, ...extra] = reference.path;
  const text = reference.path.map((p) => p.name).join('.');
  if (toolName === undefined || field === undefined || extra.length > 0) {
    ctx.report('LCP2010', reference.span, `\`${text}\` is not a field`, {
      label: 'write `tool.<name>.path` or `tool.<name>.version`',
    });
    return undefined;
  }
  if (scope.kind === 'global') {
    ctx.report('LCP2009', reference.span, `\`${text}\` can only be used inside a stage`, { label: 'not in scope here' });
    return undefined;
  }
  const tools = environment.tools ?? new Map<string, { version: boolean }>();
  const tool = tools.get(toolName.name);
  if (tool === undefined) {
    const hint = didYouMean(toolName.name, tools.keys());
    for (const meant of suggest(toolName.name, tools.keys(), 1)) ctx.markUsed('tool', meant);
    ctx.report('LCP2001', toolName.span, `unknown tool \`${toolName.name}\``, {
      label: 'no tool of this name',
      help: hint ?? `declare it: \`tool ${toolName.name} { path = "…" }\``,
      fixes: suggestionFixes(toolName.name, toolName.span, tools.keys()),
    });
    return undefined;
  }
  ctx.markUsed('tool', toolName.name);
  ctx.references.use('tool', toolName);
  if (!(TOOL_FIELDS as readonly string[]).includes(field.name)) {
    const hint = didYouMean(field.name, TOOL_FIELDS);
    ctx.report('LCP2010', field.span, `tool \`${toolName.name}\` has no field \`${field.name}\``, {
      label: 'unknown field',
      ...(hint ? { help: hint } : {}),
      notes: ['fields of a tool: `path`, `version`'],
    });
    return undefined;
  }
  if (field.name === 'version' && !tool.version) {
    ctx.report('LCP2007', field.span, `tool \`${toolName.name}\` has no \`version\``, {
      label: 'not set',
      help: `set it in the tool: \`tool ${toolName.name} { version = "…" }\``,
    });
    return undefined;
  }
  return { kind: 'tool', tool: toolName.name, field: field.name as 'path' | 'version' };
}

function scopeHelp(key: FanoutKey, keySet: ReadonlySet<FanoutKey>): string {
  const keys = new Set(keySet);
  keys.add(key);
  if (keys.has('library')) keys.delete('node'); // implied by library
  const ordered = (['node', 'library', 'corner'] as const).filter((k) => keys.has(k));
  return `fan the stage out with \`for each ${ordered.join(', ')}\``;
}

/** A reference as the user wrote it: `${corner.rc}`, `${copy_kits.work}`, `${TOOLS_ROOT}`. */
export function referenceSource(part: Exclude<TemplatePart, { kind: 'text' }>): string {
  switch (part.kind) {
    case 'field':
      return `\${${part.entity}.${part.field}}`;
    case 'stage':
      return `\${${part.stage}.${part.field}}`;
    case 'tool':
      return `\${tool.${part.tool}.${part.field}}`;
    case 'group':
      return '${group}';
    default:
      return `\${${part.name}}`;
  }
}
