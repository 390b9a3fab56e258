/**
 * Builds the model of the simple declarations — site, env, tool, queue, node — from their
 * blocks, reporting type and unit errors through the typed readers.
 */
import type { Span } from '../diagnostics/span.js';
import type { Expression } from '../syntax/ast.js';
import type { CheckContext } from './context.js';
import { compileCornerStyle, DEFAULT_CORNER_STYLE } from './corner-name.js';
import type { EnvModel, MemoryUnit, NodeModel, QueueModel, SiteModel, Template, ToolModel } from './model.js';
import { readBlock } from './schema.js';
import { readSchedulerOptions } from './scheduler-options.js';
import { attributeProperties, NO_ATTRIBUTES, readAttributes, type AttributeSchemas } from './attributes.js';
import type { SymbolTable } from './symbols.js';
import { resolveTemplate, type TemplateEnvironment } from './templates.js';
import { checkEnum, mismatch, readEnum, readInteger, readList, readName, readQuantity, readRange } from './values.js';
import { DEFAULT_PROCESSES, DEFAULT_RC_CORNERS, ENV_TYPES, MEM_LIMIT_MODES, MEMORY_UNITS, SCHEDULERS, TOOL_KINDS } from './vocabulary.js';

const GLOBAL = { kind: 'global' } as const;

/** A string property resolved in global scope (env interpolations only). */
export function readGlobalString(
  ctx: CheckContext,
  expression: Expression,
  property: string,
  environment: TemplateEnvironment,
): Template | undefined {
  if (expression.kind !== 'String') return mismatch(ctx, expression, 'a string', property);
  return resolveTemplate(ctx, expression, GLOBAL, environment);
}

function plainString(ctx: CheckContext, expression: Expression, property: string): string | undefined {
  if (expression.kind !== 'String') return mismatch(ctx, expression, 'a string', property);
  if (expression.parts.some((p) => p.kind === 'Interpolation')) {
    ctx.report('LCP2009', expression.span, `\`${property}\` cannot contain interpolations`, { label: 'must be a plain string' });
    return undefined;
  }
  return expression.text;
}

function literalTemplate(value: string, span: Span): Template {
  return { parts: [{ kind: 'text', value }], span };
}

export interface SiteBuild {
  readonly model: SiteModel;
  /** The `default_queue` reference, resolved later against the queues. */
  readonly defaultQueue?: { name: string; span: Span };
  /** `stage_template`: the stage template every stage builds on, resolved with the stages. */
  readonly stageTemplate?: { name: string; span: Span };
}

export function buildSite(ctx: CheckContext, symbols: SymbolTable, environment: TemplateEnvironment, rootFile: string): SiteBuild {
  const decl = symbols.site;
  const fallbackSpan: Span = { file: rootFile, start: 0, end: 0 };
  let lsfUnitForLimits: MemoryUnit | undefined;
  let memLimit: SiteModel['memLimit'] = 'per_job';
  let scheduler: SiteModel['scheduler'];
  let project: string | undefined;
  let jobGroup = '/libcc';
  let maxArraySize = 1000;
  let lsfMaxPackJobs = 0;
  let workRoot = literalTemplate('work', fallbackSpan);
  let outRoot = literalTemplate('out', fallbackSpan);
  let cornerStyle = DEFAULT_CORNER_STYLE;
  let processes = DEFAULT_PROCESSES;
  let rcCorners = DEFAULT_RC_CORNERS;
  let defaultQueue: { name: string; span: Span } | undefined;
  let stageTemplate: { name: string; span: Span } | undefined;
  let schedulerOptions: SiteModel['schedulerOptions'];

  if (decl !== undefined) {
    const contents = readBlock(
      ctx,
      decl.body,
      {
        properties: {
          lsf_unit_for_limits: 'value',
          mem_limit: 'value',
          scheduler: 'value',
          project: 'value',
          job_group: 'value',
          max_array_size: 'value',
          lsf_max_pack_jobs: 'value',
          work_root: 'value',
          out_root: 'value',
          corner_style: 'value',
          processes: 'value',
          rc_corners: 'value',
          default_queue: 'value',
          stage_template: 'value',
          scheduler_options: 'block',
        },
      },
      'the site block',
      decl.keyword,
    );
    const value = (key: string) => contents.values.get(key)?.value;
    const v = {
      unit: value('lsf_unit_for_limits'),
      memLimit: value('mem_limit'),
      scheduler: value('scheduler'),
      project: value('project'),
      jobGroup: value('job_group'),
      maxArray: value('max_array_size'),
      maxPack: value('lsf_max_pack_jobs'),
      work: value('work_root'),
      out: value('out_root'),
      style: value('corner_style'),
      processes: value('processes'),
      rc: value('rc_corners'),
      queue: value('default_queue'),
      stageTemplate: value('stage_template'),
    };
    if (v.unit) lsfUnitForLimits = readEnum(ctx, v.unit, MEMORY_UNITS, 'lsf_unit_for_limits', 'LSF memory unit');
    if (v.memLimit) memLimit = readEnum(ctx, v.memLimit, MEM_LIMIT_MODES, 'mem_limit', 'memory limit mode') ?? memLimit;
    if (v.scheduler) scheduler = readEnum(ctx, v.scheduler, SCHEDULERS, 'scheduler', 'scheduler');
    if (v.project) project = plainString(ctx, v.project, 'project');
    if (v.jobGroup) {
      const group = plainString(ctx, v.jobGroup, 'job_group');
      if (group !== undefined) {
        if (!/^\/[A-Za-z0-9._\-/]*$/.test(group)) {
          ctx.report('LCP3005', v.jobGroup.span, '`job_group` must be an absolute LSF job group path such as `/libcc`', {
            label: 'letters, digits, `.`, `-`, `_` and `/` only, starting with `/`',
          });
        } else jobGroup = group.replace(/\/+$/, '') || '/';
      }
    }
    if (v.maxArray) maxArraySize = readInteger(ctx, v.maxArray, 'max_array_size', 1) ?? maxArraySize;
    if (v.maxPack) lsfMaxPackJobs = readInteger(ctx, v.maxPack, 'lsf_max_pack_jobs', 0) ?? lsfMaxPackJobs;
    if (v.work) workRoot = readGlobalString(ctx, v.work, 'work_root', environment) ?? workRoot;
    if (v.out) outRoot = readGlobalString(ctx, v.out, 'out_root', environment) ?? outRoot;
    if (v.style) {
      const style = plainString(ctx, v.style, 'corner_style');
      if (style !== undefined) {
        const compiled = compileCornerStyle(style);
        if ('error' in compiled) {
          ctx.report('LCP3005', v.style.span, `invalid \`corner_style\`: ${compiled.error}`, {
            label: 'not a valid corner style',
            notes: ['placeholders: `{process}`, `{voltage}`, `{temperature}`, `{rc}`; `[ … ]` marks an optional part'],
          });
        } else cornerStyle = style;
      }
    }
    if (v.processes) processes = readNameList(ctx, v.processes, 'processes') ?? processes;
    if (v.rc) rcCorners = readNameList(ctx, v.rc, 'rc_corners') ?? rcCorners;
    if (v.queue) {
      const name = readName(ctx, v.queue, 'default_queue');
      if (name) defaultQueue = { name: name.name, span: name.span };
    }
    if (v.stageTemplate) {
      const name = readName(ctx, v.stageTemplate, 'stage_template');
      if (name) stageTemplate = { name: name.name, span: name.span };
    }
    const optionsBlock = contents.blocks.get('scheduler_options');
    if (optionsBlock) schedulerOptions = readSchedulerOptions(ctx, optionsBlock, 'the scheduler options of the site');
  }

  const model: SiteModel = {
    ...(lsfUnitForLimits ? { lsfUnitForLimits } : {}),
    memLimit,
    ...(scheduler !== undefined ? { scheduler } : {}),
    ...(project !== undefined ? { project } : {}),
    jobGroup,
    maxArraySize,
    lsfMaxPackJobs,
    workRoot,
    outRoot,
    cornerStyle,
    processes,
    rcCorners,
    ...(schedulerOptions ? { schedulerOptions } : {}),
    ...(decl ? { span: decl.keyword } : {}),
  };
  return { model, ...(defaultQueue ? { defaultQueue } : {}), ...(stageTemplate ? { stageTemplate } : {}) };
}

function readNameList(ctx: CheckContext, expression: Expression, property: string): string[] | undefined {
  const items = readList(ctx, expression, property);
  if (items === undefined) return undefined;
  const names: string[] = [];
  for (const item of items) {
    const name = readName(ctx, item, property);
    if (name !== undefined && !names.includes(name.name)) names.push(name.name);
  }
  return names;
}

export function buildEnvs(ctx: CheckContext, symbols: SymbolTable): EnvModel[] {
  const envs: EnvModel[] = [];
  for (const decl of symbols.envs.values()) {
    const type = checkEnum(ctx, decl.type, ENV_TYPES, 'env type');
    if (type === undefined) continue;
    let defaultValue: string | undefined;
    if (decl.default !== undefined) {
      if (type === 'int') {
        const n = readInteger(ctx, decl.default, decl.name.name, Number.MIN_SAFE_INTEGER);
        if (n !== undefined) defaultValue = String(n);
      } else {
        defaultValue = plainString(ctx, decl.default, decl.name.name);
        if (defaultValue !== undefined && /[\u0000-\u001f\u007f]/.test(defaultValue)) {
          ctx.report('LCP3005', decl.default.span, 'an env default cannot contain control characters (newline, carriage return, tab, …)', { label: 'invalid character' });
          defaultValue = undefined;
        }
      }
    }
    envs.push({ name: decl.name.name, type, ...(defaultValue !== undefined ? { default: defaultValue } : {}), span: decl.name.span });
  }
  return envs;
}

export function buildTools(ctx: CheckContext, symbols: SymbolTable, environment: TemplateEnvironment): ToolModel[] {
  const tools: ToolModel[] = [];
  for (const decl of symbols.tools.values()) {
    const what = `tool \`${decl.name.name}\``;
    const contents = readBlock(
      ctx,
      decl.body,
      { properties: { path: 'value', args: 'value', kind: 'value', version: 'value', setup: 'value', env: 'block' }, required: ['path'] },
      what,
      decl.name.span,
    );
    const pathExpression = contents.values.get('path')?.value;
    const path = pathExpression && readGlobalString(ctx, pathExpression, 'path', environment);
    const args: Template[] = [];
    const argsExpression = contents.values.get('args')?.value;
    if (argsExpression) {
      for (const item of readList(ctx, argsExpression, 'args') ?? []) {
        const arg = readGlobalString(ctx, item, 'args', environment);
        if (arg) args.push(arg);
      }
    }
    const kindExpression = contents.values.get('kind')?.value;
    const kind = kindExpression ? readEnum(ctx, kindExpression, TOOL_KINDS, 'kind', 'tool kind') : 'generic';
    let ok = true;
    const versionExpression = contents.values.get('version')?.value;
    const version = versionExpression && plainString(ctx, versionExpression, 'version');
    if (versionExpression && version === undefined) ok = false;
    const setupExpression = contents.values.get('setup')?.value;
    const setup = setupExpression && readGlobalString(ctx, setupExpression, 'setup', environment);
    if (setupExpression && setup === undefined) ok = false;
    const env: { name: string; value: Template }[] = [];
    const envBlock = contents.blocks.get('env');
    if (envBlock) {
      const e = readBlock(ctx, envBlock.body, { properties: {}, open: true }, `the env of ${what}`, envBlock.key.span);
      for (const [name, property] of e.values) {
        if (name.startsWith('LIBCC_') || name.startsWith('lcp_')) {
          ctx.report('LCP3005', property.key.span, `\`${name}\` is reserved for the generated scripts`, { label: 'reserved name', help: 'names starting with `LIBCC_` or `lcp_` belong to libcc' });
          ok = false;
          continue;
        }
        const value = readGlobalString(ctx, property.value, name, environment);
        if (value === undefined) ok = false;
        else env.push({ name, value });
      }
    }
    if (path === undefined || kind === undefined || !ok) continue;
    tools.push({
      name: decl.name.name,
      path,
      args,
      kind,
      ...(version !== undefined ? { version } : {}),
      ...(setup ? { setup } : {}),
      env,
      span: decl.name.span,
    });
  }
  return tools;
}

export function buildQueues(ctx: CheckContext, symbols: SymbolTable): QueueModel[] {
  const queues: QueueModel[] = [];
  for (const decl of symbols.queues.values()) {
    const what = `queue \`${decl.name.name}\``;
    if (decl.name.name === 'default') {
      // `resources { queue = default }` means the cluster's default queue: the name is taken.
      ctx.report('LCP2017', decl.name.span, '`default` cannot name a queue declaration', {
        label: 'reserved: `queue = default` means the cluster default',
        help: 'give the declaration another name and the cluster\'s queue name: `queue std { name = "default" }`',
      });
      ctx.markUsed('queue', 'default'); // one error is enough
      continue;
    }
    const contents = readBlock(
      ctx,
      decl.body,
      { properties: { name: 'value', max_mem: 'value', max_runtime: 'value', max_slots: 'value' } },
      what,
      decl.name.span,
    );
    const value = (key: string) => contents.values.get(key)?.value;
    const nameExpression = value('name');
    let lsfName: string | undefined = decl.name.name;
    if (nameExpression) {
      lsfName = plainString(ctx, nameExpression, 'name');
      if (lsfName !== undefined && !/^[A-Za-z0-9._-]+$/.test(lsfName)) {
        ctx.report('LCP3005', nameExpression.span, 'an LSF queue name has only letters, digits, `.`, `-` and `_`', { label: 'invalid queue name' });
        lsfName = undefined;
      }
    }
    const mem = value('max_mem');
    const runtime = value('max_runtime');
    const slots = value('max_slots');
    const maxMemBytes = mem && readQuantity(ctx, mem, 'memory', 'max_mem');
    const maxRuntimeSeconds = runtime && readQuantity(ctx, runtime, 'duration', 'max_runtime');
    const maxSlots = slots && readInteger(ctx, slots, 'max_slots', 1);
    if (lsfName === undefined) continue;
    queues.push({
      name: decl.name.name,
      lsfName,
      ...(maxMemBytes !== undefined ? { maxMemBytes } : {}),
      ...(maxRuntimeSeconds !== undefined ? { maxRuntimeSeconds } : {}),
      ...(maxSlots !== undefined ? { maxSlots } : {}),
      span: decl.name.span,
    });
  }
  return queues;
}

export interface NodeBuild {
  readonly model: NodeModel;
  readonly vddSpan?: Span;
  readonly temperatureSpan?: Span;
  readonly processesSpan?: Span;
  readonly rcCornersSpan?: Span;
}

export function buildNodes(ctx: CheckContext, symbols: SymbolTable, site: SiteModel, attributes: AttributeSchemas = NO_ATTRIBUTES): Map<string, NodeBuild> {
  const nodes = new Map<string, NodeBuild>();
  for (const decl of symbols.nodes.values()) {
    const what = `node \`${decl.name.name}\``;
    const contents = readBlock(
      ctx,
      decl.body,
      { properties: { vdd: 'value', temperature: 'value', processes: 'value', rc_corners: 'value', ...attributeProperties(attributes, 'node') }, required: ['processes'] },
      what,
      decl.name.span,
    );
    const value = (key: string) => contents.values.get(key)?.value;
    const vddExpression = value('vdd');
    const temperatureExpression = value('temperature');
    const vdd = vddExpression && readRange(ctx, vddExpression, 'voltage', 'vdd');
    const temperature = temperatureExpression && readRange(ctx, temperatureExpression, 'temperature', 'temperature');
    const processesExpression = value('processes');
    const rcExpression = value('rc_corners');
    const processes = processesExpression ? readEnumList(ctx, processesExpression, site.processes, 'processes', 'process corner') : [];
    const rcCorners = rcExpression ? readEnumList(ctx, rcExpression, site.rcCorners, 'rc_corners', 'RC corner') : undefined;
    const attributeValues = readAttributes(ctx, attributes, 'node', contents.values, what, decl.name.span, decl.body);
    nodes.set(decl.name.name, {
      model: {
        name: decl.name.name,
        ...(vdd ? { vdd } : {}),
        ...(temperature ? { temperature } : {}),
        processes,
        ...(rcCorners ? { rcCorners } : {}),
        ...(attributeValues.attributes ? { attributes: attributeValues.attributes } : {}),
        span: decl.name.span,
      },
      ...(vddExpression ? { vddSpan: vddExpression.span } : {}),
      ...(temperatureExpression ? { temperatureSpan: temperatureExpression.span } : {}),
      ...(processesExpression ? { processesSpan: processesExpression.span } : {}),
      ...(rcExpression ? { rcCornersSpan: rcExpression.span } : {}),
    });
  }
  return nodes;
}

function readEnumList(ctx: CheckContext, expression: Expression, values: readonly string[], property: string, what: string): string[] {
  const result: string[] = [];
  for (const item of readList(ctx, expression, property) ?? []) {
    const name = readEnum(ctx, item, values, property, what);
    if (name !== undefined && !result.includes(name)) result.push(name);
  }
  return result;
}

