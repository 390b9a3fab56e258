/**
 * Stages. Rules: `for each` keys are `node`, `library`, `corner`, each once (LCP2012, LCP2002);
 * `after` names declared stages (LCP2001); `where` is a condition over in-scope fields; one
 * `run` (required) that is a shell command or a declared tool; deck settings (deck.ts); typed
 * resources, expect, retry,
 * estimate; a queue, explicit or by default, when queues are declared.
 */
import { didYouMean, suggest, suggestionFixes } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import type { Block, Expression, Identifier, StageDecl } from '../syntax/ast.js';
import type { CheckContext } from './context.js';
import { resolveCondition, type ConditionScope } from './conditions.js';
import { isFanoutKey } from './fields.js';
import {
  FANOUT_KEYS,
  GROUP_FIELDS,
  type Condition,
  type DeckModel,
  type DimensionModel,
  type ExpectModel,
  type FanoutKey,
  type QueueModel,
  type ResourcesModel,
  type SchedulerOptions,
  type RetryModel,
  type RunModel,
  type StageDependency,
  type StageModel,
  type Template,
} from './model.js';
import { DEFAULT_DECK, readDeck } from './deck.js';
import { readBlock } from './schema.js';
import type { SymbolTable } from './symbols.js';
import { StageTemplates } from './stage-templates.js';
import { resolveTemplate, type StageRead, type TemplateEnvironment, type TemplateScope } from './templates.js';
import { mergeSchedulerOptions, readSchedulerOptions } from './scheduler-options.js';
import { describeExpression, isMissing, mismatch, readInteger, readName, readQuantity } from './values.js';

export interface StageBuild {
  readonly decl: StageDecl;
  /**
   * The body as read: with `extends`, the template chain's merged under the stage's (items from
   * a template have spans in the template). Absent when the chain is broken (LCP2001, LCP2019).
   */
  readonly body?: Block;
  readonly model?: StageModel;
  /**
   * The stage's place in the stage graph — known even when its other properties have errors,
   * so graph rules (cycles, key matching) are reported in the same run. Absent when a fan-out
   * key is invalid.
   */
  readonly shape?: StageShape;
  /** Spans of values, for rules that point at them. */
  readonly spans: {
    readonly queue?: Span;
    readonly cpus?: Span;
    readonly mem?: Span;
    readonly runtime?: Span;
    readonly estimate?: Span;
  };
  /** `${S.work}` / `${S.work_root}` reads of other stages' directories (rules/stage-reads.ts). */
  readonly reads: readonly StageRead[];
}

const STAGE_SCHEMA = {
  properties: { run: 'value', deck: 'block', resources: 'block', estimate: 'value', fail_fast: 'value', array_limit: 'value' },
  required: ['run'],
  statements: ['expect', 'retry'],
} as const;

/** A template holds any stage property; none is required (the stage that extends it needs `run`). */
const TEMPLATE_SCHEMA = { properties: STAGE_SCHEMA.properties, statements: STAGE_SCHEMA.statements } as const;

const RESOURCES_SCHEMA = {
  properties: { queue: 'value', cpus: 'value', mem: 'value', runtime: 'value', licenses: 'block', requeue: 'value', scheduler: 'block' },
} as const;

export interface StageInputs {
  readonly symbols: SymbolTable;
  readonly queues: readonly QueueModel[];
  readonly defaultQueue?: string;
  /** `site { stage_template = t }`: the template under every stage's own. */
  readonly stageTemplate?: { readonly name: string; readonly span: Span };
  /** `site { scheduler_options { … } }`: under every stage's `resources { scheduler { … } }`. */
  readonly schedulerOptions?: SchedulerOptions;
  readonly environment: TemplateEnvironment;
  readonly conditionScope: Omit<ConditionScope, 'what' | 'keySet'>;
  /** The valid declared dimensions, in declaration order. */
  readonly dimensions: ReadonlyMap<string, DimensionModel>;
}

/** What stage-graph rules need of a stage. */
export type StageShape = Pick<StageModel, 'name' | 'index' | 'keySet' | 'dimensions' | 'groupBy' | 'after' | 'nameSpan'>;

export function buildStages(ctx: CheckContext, inputs: StageInputs): Map<string, StageBuild> {
  const stages = new Map<string, StageBuild>();
  const templates = new StageTemplates(ctx, inputs.symbols, inputs.stageTemplate);
  for (const template of inputs.symbols.templates.values()) ctx.references.schema(template.body.span, TEMPLATE_SCHEMA);
  let index = 0;
  for (const decl of inputs.symbols.stages.values()) {
    stages.set(decl.name.name, buildStage(ctx, decl, index++, inputs, templates));
  }
  templates.checkAll();
  return stages;
}

/**
 * `group by` (LCP2016): corner fields, with `corner` among the keys. The valid fields in
 * canonical order; undefined without `group by`.
 */
function readGroupBy(ctx: CheckContext, decl: StageDecl, perCorner: boolean): { readonly fields: readonly string[]; readonly ok: boolean } | undefined {
  const clause = decl.forEach?.groupBy;
  if (clause === undefined) return undefined;
  let ok = true;
  if (!perCorner) {
    ctx.report('LCP2016', clause.span, '`group by` groups corners, but the stage does not fan out over `corner`', {
      label: 'nothing to group',
      help: 'add `corner` to `for each`: `for each library, corner group by …`',
    });
    ok = false;
  }
  const fields = new Set<string>();
  for (const field of clause.fields) {
    if (field.name === '') continue;
    if (field.name === 'name') {
      ctx.report('LCP2016', field.span, 'corners cannot be grouped by `name`: each group would be one corner', {
        label: 'one corner per group',
        help: 'drop `group by` to run per corner, or group by fields corners share (`process`, `rc`, `temperature`)',
      });
      ok = false;
    } else if (!(GROUP_FIELDS as readonly string[]).includes(field.name)) {
      const hint = didYouMean(field.name, GROUP_FIELDS);
      ctx.report('LCP2016', field.span, `corners cannot be grouped by \`${field.name}\``, {
        label: 'not a corner field',
        help: hint ?? `group by corner fields: ${GROUP_FIELDS.map((f) => `\`${f}\``).join(', ')}`,
        fixes: suggestionFixes(field.name, field.span, GROUP_FIELDS),
      });
      ok = false;
    } else if (fields.has(field.name)) {
      ctx.report('LCP2002', field.span, `\`${field.name}\` is listed twice in \`group by\``, { label: 'listed again' });
    } else fields.add(field.name);
  }
  return { fields: GROUP_FIELDS.filter((f) => fields.has(f)), ok };
}

function buildStage(outer: CheckContext, decl: StageDecl, index: number, inputs: StageInputs, templates: StageTemplates): StageBuild {
  const name = decl.name.name;
  const what = `stage \`${name}\``;
  // With `extends`: the template chain's body under the stage's, read as one block.
  const extended = templates.extend(decl);
  const ctx = extended.ctx;
  let ok = extended.ok;

  // Fan-out keys: the built-in ones and declared dimensions.
  const declared = new Set<FanoutKey>();
  const declaredDimensions = new Set<string>();
  const dimensionNames = [...inputs.dimensions.keys()];
  const keyNames = [...FANOUT_KEYS, ...dimensionNames];
  for (const key of decl.forEach?.keys ?? []) {
    if (key.name === '') continue;
    if (inputs.dimensions.has(key.name) && !isFanoutKey(key.name)) {
      ctx.references.use('dimension', key);
      if (declaredDimensions.has(key.name)) ctx.report('LCP2002', key.span, `\`${key.name}\` is listed twice in \`for each\``, { label: 'listed again' });
      else declaredDimensions.add(key.name);
    } else if (!isFanoutKey(key.name)) {
      // A dimension declared with errors (LCP2014) is not a key, but the name is no typo.
      if (inputs.symbols.dimensions.has(key.name)) {
        ok = false;
        continue;
      }
      const hint = didYouMean(key.name, keyNames);
      ctx.report('LCP2012', key.span, `cannot fan out over \`${key.name}\``, {
        label: 'not a fan-out key',
        help: hint ?? `fan-out keys are \`node\`, \`library\` and \`corner\`${dimensionNames.length > 0 ? ` and the declared dimensions (${dimensionNames.map((d) => `\`${d}\``).join(', ')})` : ', or a dimension declared with `dimension NAME = [values]`'}`,
        fixes: suggestionFixes(key.name, key.span, keyNames),
      });
      ok = false;
    } else if (declared.has(key.name)) {
      ctx.report('LCP2002', key.span, `\`${key.name}\` is listed twice in \`for each\``, { label: 'listed again' });
    } else declared.add(key.name);
  }
  const keysValid = ok;
  const keys = FANOUT_KEYS.filter((k) => declared.has(k));
  const keySet = FANOUT_KEYS.filter((k) => declared.has(k) || (k === 'node' && declared.has('library')));
  /** Declaration order, so every stage lists the same dimensions in the same order. */
  const dimensions = dimensionNames.filter((d) => declaredDimensions.has(d));
  const groupBy = readGroupBy(ctx, decl, declared.has('corner'));
  if (groupBy?.ok === false) ok = false;
  // After an error the valid fields still scope `${group}` and `corner.*`: one error, not a cascade.
  const grouped = groupBy?.fields;
  const keySetLookup = new Set(keySet);

  // Dependencies.
  const after: StageDependency[] = [];
  const joinOf = new Map<Identifier, number>();
  (decl.joins ?? []).forEach((join, i) => join.alternatives.forEach((alternative) => joinOf.set(alternative, i)));
  for (const dependency of decl.after) {
    if (dependency.name === '') continue;
    if (!inputs.symbols.stages.has(dependency.name)) {
      const hint = didYouMean(dependency.name, inputs.symbols.stages.keys());
      ctx.report('LCP2001', dependency.span, `unknown stage \`${dependency.name}\``, {
        label: 'no stage of this name',
        ...(hint ? { help: hint } : {}),
        fixes: suggestionFixes(dependency.name, dependency.span, inputs.symbols.stages.keys()),
      });
      ok = false;
    } else if (after.some((a) => a.stage === dependency.name)) {
      ctx.report('LCP2002', dependency.span, `\`${dependency.name}\` is listed twice in \`after\``, { label: 'listed again' });
    } else {
      const join = joinOf.get(dependency);
      after.push({ stage: dependency.name, span: dependency.span, ...(join === undefined ? {} : { join }) });
    }
    if (inputs.symbols.stages.has(dependency.name)) ctx.references.use('stage', dependency);
  }

  let where: Condition | undefined;
  if (decl.where !== undefined) {
    where = resolveCondition(ctx, decl.where, {
      ...inputs.conditionScope,
      what,
      keySet: keySetLookup,
      dimensions: inputs.dimensions,
      dimensionSet: declaredDimensions,
      ...(grouped ? { groupBy: grouped } : {}),
    });
    if (where === undefined) ok = false;
  }

  const reads: StageRead[] = [];
  const scope: TemplateScope = { kind: 'stage', stage: name, keySet: keySetLookup, dimensions: declaredDimensions, ...(grouped ? { groupBy: grouped } : {}), onStageRead: (read) => reads.push(read) };
  const template = (expression: Expression, property: string, shell = false): Template | undefined => {
    if (expression.kind !== 'String') return mismatch(ctx, expression, 'a string', property);
    return resolveTemplate(ctx, expression, scope, inputs.environment, { shell });
  };

  // A broken template chain: `run` may be in the template nobody could read; one error is enough.
  const schema = extended.ok ? STAGE_SCHEMA : TEMPLATE_SCHEMA;
  const contents = readBlock(ctx, extended.body, schema, what, decl.name.span);
  const value = (key: string) => contents.values.get(key)?.value;

  // run
  let run: RunModel | undefined;
  const runExpression = value('run');
  if (runExpression) {
    run = readRun(ctx, runExpression, inputs, template);
    if (run === undefined) ok = false;
  } else ok = false;

  // deck settings
  let deck: DeckModel | undefined;
  const deckBlock = contents.blocks.get('deck');
  if (deckBlock) {
    deck = readDeck(ctx, deckBlock, run, what, inputs.environment, scope);
    if (deck === undefined) ok = false;
  } else if (run?.kind === 'tool' && run.deck !== undefined) deck = DEFAULT_DECK;

  // expect
  const expects: ExpectModel[] = [];
  for (const statement of contents.expects) {
    const pattern = template(statement.pattern, 'expect');
    const count = statement.count ? readInteger(ctx, statement.count, 'expect', 0) : 1;
    if (pattern === undefined || count === undefined) {
      ok = false;
      continue;
    }
    expects.push({ pattern, operator: statement.operator ?? '>=', count, span: statement.span });
  }

  // retry
  let retry: RetryModel | undefined;
  if (contents.retry) {
    const statement = contents.retry;
    const count = readInteger(ctx, statement.count, 'retry', 1, 100);
    const exitCodes: number[] = [];
    for (const code of statement.exitCodes) {
      const n = readInteger(ctx, code, 'exit', 1, 255);
      if (n === undefined) ok = false;
      else if (!exitCodes.includes(n)) exitCodes.push(n);
    }
    const backoff = statement.backoff ? readQuantity(ctx, statement.backoff, 'duration', 'backoff') : 0;
    if (count === undefined || backoff === undefined) ok = false;
    else retry = { count, exitCodes: exitCodes.sort((a, b) => a - b), backoffSeconds: backoff };
  }

  // resources
  const spans: { -readonly [K in keyof StageBuild['spans']]: Span } = {};
  let resources: ResourcesModel = { cpus: 1, licenses: [], requeueExitCodes: [] };
  const resourcesBlock = contents.blocks.get('resources');
  let queueName: string | undefined;
  let clusterDefaultQueue = false;
  let schedulerOptions = inputs.schedulerOptions;
  if (resourcesBlock) {
    const r = readBlock(ctx, resourcesBlock.body, RESOURCES_SCHEMA, `the resources of ${what}`, resourcesBlock.key.span);
    const rv = (key: string) => r.values.get(key)?.value;
    const queueExpression = rv('queue');
    if (queueExpression) {
      const identifier = readName(ctx, queueExpression, 'queue');
      // A declared queue with errors of its own is still the queue this name refers to.
      if (identifier !== undefined && inputs.symbols.queues.has(identifier.name)) ctx.references.use('queue', identifier);
      if (identifier === undefined) ok = false;
      else if (identifier.name === 'default') {
        // The cluster's default queue: no `-q` / `--partition` (declarations cannot be named so).
        clusterDefaultQueue = true;
        spans.queue = identifier.span;
      } else if (!inputs.queues.some((q) => q.name === identifier.name)) {
        if (!inputs.symbols.queues.has(identifier.name)) {
          const hint = didYouMean(identifier.name, inputs.symbols.queues.keys());
          ctx.report('LCP2001', identifier.span, `unknown queue \`${identifier.name}\``, {
            label: 'no queue of this name',
            help: hint ?? 'declare it with `queue NAME { … }`, or write `queue = default` for the cluster\'s default queue',
            fixes: suggestionFixes(identifier.name, identifier.span, inputs.symbols.queues.keys()),
          });
        }
        ok = false;
      } else {
        queueName = identifier.name;
        spans.queue = identifier.span;
      }
    }
    const cpusExpression = rv('cpus');
    const memExpression = rv('mem');
    const runtimeExpression = rv('runtime');
    const cpus = cpusExpression ? readInteger(ctx, cpusExpression, 'cpus', 1) : 1;
    const memBytes = memExpression ? readQuantity(ctx, memExpression, 'memory', 'mem') : undefined;
    const runtimeSeconds = runtimeExpression ? readQuantity(ctx, runtimeExpression, 'duration', 'runtime') : undefined;
    if (cpus === undefined || (memExpression && memBytes === undefined) || (runtimeExpression && runtimeSeconds === undefined)) ok = false;
    if (memBytes !== undefined && memBytes <= 0 && memExpression) {
      ctx.report('LCP3005', memExpression.span, '`mem` must be positive', { label: 'no memory' });
      ok = false;
    }
    if (runtimeSeconds !== undefined && runtimeSeconds < 60 && runtimeExpression) {
      ctx.report('LCP3005', runtimeExpression.span, '`runtime` must be at least 1 minute: LSF run limits are whole minutes', {
        label: 'too short for `bsub -W`',
      });
      ok = false;
    }
    if (cpusExpression) spans.cpus = cpusExpression.span;
    if (memExpression) spans.mem = memExpression.span;
    if (runtimeExpression) spans.runtime = runtimeExpression.span;

    const licenses: { name: string; count: number }[] = [];
    const licensesBlock = r.blocks.get('licenses');
    if (licensesBlock) {
      const l = readBlock(ctx, licensesBlock.body, { properties: {}, open: true }, 'licenses', licensesBlock.key.span);
      for (const [license, property] of l.values) {
        const count = readInteger(ctx, property.value, license, 1);
        if (count === undefined) ok = false;
        else licenses.push({ name: license, count });
      }
      licenses.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    const requeueExitCodes: number[] = [];
    const requeueExpression = rv('requeue');
    if (requeueExpression) {
      const items = requeueExpression.kind === 'List' ? requeueExpression.items : [requeueExpression];
      for (const item of items) {
        const code = readInteger(ctx, item, 'requeue', 1, 255);
        if (code === undefined) ok = false;
        else if (!requeueExitCodes.includes(code)) requeueExitCodes.push(code);
      }
      requeueExitCodes.sort((a, b) => a - b);
    }
    const schedulerBlock = r.blocks.get('scheduler');
    if (schedulerBlock) {
      const own = readSchedulerOptions(ctx, schedulerBlock, `the scheduler options of ${what}`);
      if (own === undefined) ok = false;
      else schedulerOptions = mergeSchedulerOptions(inputs.schedulerOptions, own);
    }
    resources = {
      requeueExitCodes,
      cpus: cpus ?? 1,
      ...(memBytes !== undefined ? { memBytes } : {}),
      ...(runtimeSeconds !== undefined ? { runtimeSeconds } : {}),
      licenses,
    };
  }

  if (queueName === undefined && !clusterDefaultQueue) {
    if (inputs.defaultQueue !== undefined) queueName = inputs.defaultQueue;
    else if (inputs.symbols.queues.size === 1) queueName = inputs.queues[0]?.name;
    else if (inputs.symbols.queues.size > 1 && !spans.queue) {
      ctx.report('LCP2007', decl.name.span, `${what} does not say which queue it runs in`, {
        label: 'no queue',
        help: 'set `resources { queue = … }` (`queue = default`: the cluster\'s default queue) or `site { default_queue = … }`',
      });
      ok = false;
    }
  }
  if (queueName !== undefined) {
    ctx.markUsed('queue', queueName);
    resources = { ...resources, queue: queueName };
  }
  if (schedulerOptions !== undefined) resources = { ...resources, scheduler: schedulerOptions };

  // estimate and array settings
  let estimateSeconds = 0;
  let estimateSource: StageModel['estimateSource'] = 'none';
  const estimateExpression = value('estimate');
  if (estimateExpression) {
    const estimate = readQuantity(ctx, estimateExpression, 'duration', 'estimate');
    if (estimate === undefined) ok = false;
    else {
      estimateSeconds = estimate;
      estimateSource = 'estimate';
      spans.estimate = estimateExpression.span;
    }
  } else if (resources.runtimeSeconds !== undefined) {
    estimateSeconds = resources.runtimeSeconds;
    estimateSource = 'runtime';
  }
  const failFastExpression = value('fail_fast');
  const arrayLimitExpression = value('array_limit');
  const failFast = failFastExpression ? readInteger(ctx, failFastExpression, 'fail_fast', 0) : undefined;
  const arrayLimit = arrayLimitExpression ? readInteger(ctx, arrayLimitExpression, 'array_limit', 1) : undefined;
  if ((failFastExpression && failFast === undefined) || (arrayLimitExpression && arrayLimit === undefined)) ok = false;

  const model: StageModel | undefined =
    ok && run !== undefined
      ? {
          name,
          index,
          keys,
          keySet,
          ...(dimensions.length > 0 ? { dimensions } : {}),
          ...(grouped ? { groupBy: grouped } : {}),
          ...(where ? { where } : {}),
          after,
          run,
          expects,
          resources,
          ...(deck ? { deck } : {}),
          ...(retry ? { retry } : {}),
          estimateSeconds,
          estimateSource,
          ...(failFast !== undefined ? { failFast } : {}),
          ...(arrayLimit !== undefined ? { arrayLimit } : {}),
          span: decl.span,
          nameSpan: decl.name.span,
        }
      : undefined;
  const shape: StageShape | undefined = keysValid ? { name, index, keySet, ...(dimensions.length > 0 ? { dimensions } : {}), ...(grouped ? { groupBy: grouped } : {}), after, nameSpan: decl.name.span } : undefined;
  return { decl, ...(extended.ok ? { body: extended.body } : {}), ...(model ? { model } : {}), ...(shape ? { shape } : {}), spans, reads };
}

function readRun(
  ctx: CheckContext,
  expression: Expression,
  inputs: StageInputs,
  template: (expression: Expression, property: string, shell?: boolean) => Template | undefined,
): RunModel | undefined {
  if (expression.kind === 'ShellRun') {
    const command = template(expression.command, 'run', true);
    return command && { kind: 'shell', command, span: expression.span };
  }
  let toolName: { name: string; span: Span } | undefined;
  let deck: Template | undefined;
  const args: Template[] = [];
  let ok = true;
  if (expression.kind === 'ToolRun') {
    toolName = expression.tool;
    if (expression.deck) {
      deck = template(expression.deck, 'deck');
      if (deck === undefined) ok = false;
    }
    for (const item of expression.args?.items ?? []) {
      const arg = template(item, 'run');
      if (arg === undefined) ok = false;
      else args.push(arg);
    }
  } else if (expression.kind === 'Reference' && expression.path.length === 1) {
    toolName = expression.path[0]!;
  } else {
    if (isMissing(expression)) return undefined;
    ctx.report('LCP3001', expression.span, '`run` expects a command, found ' + describe(expression), {
      label: 'not a command',
      help: 'write `run = shell "…"`, `run = <tool> deck "<template>"` or `run = <tool> ["arg", …]`',
    });
    return undefined;
  }
  if (toolName.name === '') return undefined;
  if (!inputs.symbols.tools.has(toolName.name)) {
    const hint = didYouMean(toolName.name, inputs.symbols.tools.keys());
    for (const meant of suggest(toolName.name, inputs.symbols.tools.keys(), 1)) ctx.markUsed('tool', meant);
    ctx.report('LCP2001', toolName.span, `unknown tool \`${toolName.name}\``, {
      label: 'no tool of this name',
      help: hint ?? `declare it: \`tool ${toolName.name} { path = "…" }\`, or run a command with \`shell "…"\``,
      fixes: suggestionFixes(toolName.name, toolName.span, inputs.symbols.tools.keys()),
    });
    return undefined;
  }
  ctx.markUsed('tool', toolName.name);
  ctx.references.use('tool', toolName);
  if (!ok) return undefined;
  return { kind: 'tool', tool: toolName.name, ...(deck ? { deck } : {}), args, span: expression.span };
}

function describe(expression: Expression): string {
  return expression.kind === 'String' ? 'a string (did you forget `shell`?)' : describeExpression(expression);
}
