/**
 * Hover: markdown about the name or property under the cursor.
 *
 * - a declared name (its declaration or any use the checker resolved): what it is, from the
 *   checker's model of the declaration — a corner's process, voltage, temperature and RC corner;
 *   a library's node and corners; a node's ranges; a queue's limits; a tool's kind and path; an
 *   env variable's type and default; a stage's fan-out keys, dependencies, queue and, when the
 *   program expanded, its job count and estimate from the plan; an attribute's type and default;
 *   a stage template's base and the stages extending it; with the declaration's doc comment;
 * - a property (`mem = 64GB`): what the property is, and its value with the unit spelt out
 *   and converted to the base unit ("memory, 64 GB = 64·10⁹ bytes");
 * - `${work}`, `${corner.rc}`, … and `for each` keys: what the built-in name means.
 */
import { ENTITY_FIELDS } from '../check/fields.js';
import type { FanoutKey } from '../check/model.js';
import type { Binding } from '../check/references.js';
import { formatDuration, formatMemory, formatTemperature, formatVoltage, lookupUnit, type Dimension } from '../check/units.js';
import type { Span } from '../diagnostics/span.js';
import type { Declaration, Expression, Property } from '../syntax/ast.js';
import { declarationAt, fileOf, interpolationAt, propertyAt, textOf, touches, type ProgramView } from './view.js';

export interface HoverResult {
  readonly markdown: string;
  readonly span: Span;
}

/** What each property means (all blocks); `type` is the kind of value it takes. */
export const PROPERTY_DOCS: Readonly<Record<string, { readonly type: string; readonly doc: string }>> = {
  // site
  lsf_unit_for_limits: { type: 'memory unit', doc: 'the cluster’s `LSF_UNIT_FOR_LIMITS` (`KB`, `MB`, `GB`, `TB`)' },
  mem_limit: { type: '`per_job` | `per_slot`', doc: 'whether LSF memory limits apply per job or per slot' },
  project: { type: 'string', doc: 'the LSF project (`bsub -P`)' },
  job_group: { type: 'string', doc: 'the LSF job group (`bsub -g`)' },
  max_array_size: { type: 'integer', doc: 'the cluster’s largest job array (`MAX_JOB_ARRAY_SIZE`)' },
  lsf_max_pack_jobs: { type: 'integer', doc: 'the cluster’s `LSB_MAX_PACK_JOBS`: `submit.sh` sends up to this many submissions in one `bsub -pack`; 0 (default): job packs off' },
  work_root: { type: 'path', doc: 'where jobs’ work directories go: `<work_root>/<stage>/<keys>`' },
  out_root: { type: 'path', doc: 'where results go' },
  corner_style: { type: 'string', doc: 'how corner names spell process, voltage, temperature and RC corner' },
  processes: { type: 'list of process corners', doc: 'the process corners known (site) or offered (node)' },
  rc_corners: { type: 'list of RC corners', doc: 'the RC corners known (site) or offered (node)' },
  default_queue: { type: 'queue', doc: 'the queue of stages that do not name one' },
  scheduler_options: { type: 'block', doc: 'scheduler options of every stage (`priority`, `select`, `app`, `group`)' },
  // tool
  path: { type: 'path', doc: 'the tool’s executable' },
  args: { type: 'list of strings', doc: 'arguments passed on every run' },
  kind: { type: '`liberate` | `variety` | `generic`', doc: 'what kind of tool it is (decks are rendered for Liberate and Variety)' },
  version: { type: 'string', doc: 'the tool’s version, readable as `${tool.NAME.version}`' },
  setup: { type: 'path', doc: 'a bash file sourced before the tool runs, in the stages that run it' },
  // queue
  name: { type: 'string', doc: 'the full name (the LSF queue name, the library’s full name)' },
  max_mem: { type: 'memory', doc: 'the most memory a job of the queue may ask for' },
  max_runtime: { type: 'duration', doc: 'the queue’s run-time limit' },
  max_slots: { type: 'integer', doc: 'the most slots a job of the queue may ask for' },
  // node
  vdd: { type: 'voltage range', doc: 'the supply voltages the node supports' },
  temperature: { type: 'temperature (range for a node)', doc: 'the corner’s temperature, or the node’s supported range' },
  // library
  kit: { type: 'path', doc: 'the library’s kit directory' },
  cells: { type: 'path', doc: 'the cell list' },
  corners: { type: 'corners', doc: 'the corners the library is characterized at' },
  // corner
  process: { type: 'process corner', doc: 'the process corner' },
  voltage: { type: 'voltage', doc: 'the supply voltage' },
  rc: { type: 'RC corner', doc: 'the RC (interconnect) corner' },
  mc_samples: { type: 'integer', doc: 'Monte-Carlo samples' },
  // stage
  run: { type: 'command', doc: 'what each job runs: `shell "…"`, `TOOL deck "…"` or `TOOL [args]`' },
  estimate: { type: 'duration', doc: 'the expected run time of one job, for the plan' },
  fail_fast: { type: 'integer', doc: 'stop the stage after this many failed jobs' },
  array_limit: { type: 'integer', doc: 'the most jobs of the stage’s array running at once' },
  // resources
  queue: { type: 'queue', doc: 'the queue the stage’s jobs run in' },
  cpus: { type: 'integer', doc: 'slots per job' },
  mem: { type: 'memory', doc: 'memory per job' },
  runtime: { type: 'duration', doc: 'the run-time limit of one job' },
  requeue: { type: 'list of exit codes', doc: 'exit codes on which LSF requeues the job' },
  priority: { type: 'integer', doc: 'LSF user-assigned job priority (`bsub -sp`)' },
  select: { type: 'string', doc: 'LSF host selection (`bsub -R "select[…]"`)' },
  app: { type: 'string', doc: 'LSF application profile (`bsub -app`)' },
  group: { type: 'string', doc: 'fair-share group: LSF `bsub -G`, Slurm `--account`' },
  dirs: { type: 'block', doc: 'directories a deck reads, by name (`netlists = "${copy_kits.work}/netlists"`)' },
};

/** Built-in names of interpolation. */
export const BUILTIN_DOCS: Readonly<Record<string, string>> = {
  work: 'the job’s work directory: `<work_root>/<stage>/<keys>`; another stage’s is `${STAGE.work}`',
  out: 'the job’s output directory (under the site’s `out_root`)',
  pipeline: 'the pipeline’s name',
  stage: 'the stage’s name',
  node: 'the job’s node (fields: `name`)',
  library: 'the job’s library (fields: `id`, `name`, `node`, `kit`, `cells`)',
  corner: 'the job’s corner (fields: `name`, `process`, `voltage`, `temperature`, `rc`, `mc_samples`)',
};

export const FIELD_DOCS: Readonly<Record<string, string>> = {
  'node.name': 'the node’s name',
  'library.id': 'the library’s declared name',
  'library.name': 'the library’s full name (its `name` property, or its id)',
  'library.node': 'the library’s node',
  'library.kit': 'the library’s kit directory',
  'library.cells': 'the library’s cell list',
  'corner.name': 'the corner’s name',
  'corner.process': 'the corner’s process corner',
  'corner.voltage': 'the corner’s supply voltage',
  'corner.temperature': 'the corner’s temperature',
  'corner.rc': 'the corner’s RC corner',
  'corner.mc_samples': 'the corner’s Monte-Carlo samples',
};

const DIMENSION_UNIT: Readonly<Record<Dimension, string>> = { voltage: 'V', temperature: '°C', memory: 'bytes', duration: 'seconds' };

export function hover(view: ProgramView, path: string, offset: number): HoverResult | undefined {
  const file = fileOf(view, path);
  const hit = view.bindings?.at(path, offset);
  if (hit) return { markdown: describeBinding(view, hit.binding), span: hit.span };
  if (file === undefined) return undefined;
  const decl = declarationAt(file, offset);
  if (decl === undefined) return undefined;

  const interpolation = interpolationAt(decl, offset);
  if (interpolation) {
    const names = interpolation.reference.path.map((p) => p.name);
    const head = names[0] ?? '';
    const field = names.length === 2 ? FIELD_DOCS[`${head}.${names[1]}`] : undefined;
    const doc = names.length === 2 ? field : BUILTIN_DOCS[head];
    if (doc) {
      const type = names.length === 2 && head in ENTITY_FIELDS ? (ENTITY_FIELDS as Record<string, Record<string, string>>)[head]![names[1]!] : undefined;
      return { markdown: `\`\${${names.join('.')}}\`${type ? ` — ${type}` : ''}\n\n${doc}`, span: interpolation.span };
    }
  }

  if (decl.kind === 'StageDecl') {
    const key = decl.forEach?.keys.find((k) => touches(k.span, offset));
    if (key && BUILTIN_DOCS[key.name]) return { markdown: `**for each ${key.name}**\n\none job per ${key.name}: ${BUILTIN_DOCS[key.name]}`, span: key.span };
  }

  const at = propertyAt(decl, offset);
  if (at) return { markdown: describeProperty(view, at.property, [...at.path]), span: touches(at.property.key.span, offset) ? at.property.key.span : at.property.value.span };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Properties and quantities
// ---------------------------------------------------------------------------------------------

function describeProperty(view: ProgramView, property: Property, path: string[]): string {
  const key = property.key.name;
  const info = PROPERTY_DOCS[key];
  const heading = `**${[...path, key].join('.')}**${info ? ` — ${info.type}` : ''}`;
  const lines = [heading];
  if (info) lines.push('', capitalise(info.doc));
  const value = describeValue(property.value);
  if (value) lines.push('', value);
  else lines.push('', '```lcp', `${key} = ${textOf(view, property.value.span)}`, '```');
  return lines.join('\n');
}

/** `memory, 64 GB = 64·10⁹ bytes`; `voltage, 0.4 V … 1 V`; undefined for other values. */
export function describeValue(e: Expression): string | undefined {
  if (e.kind === 'Quantity') return describeQuantity(e.value, e.digits, e.unit);
  if (e.kind === 'Range' && e.low.kind === 'Quantity' && e.high.kind === 'Quantity') {
    const low = describeQuantity(e.low.value, e.low.digits, e.low.unit);
    const high = describeQuantity(e.high.value, e.high.digits, e.high.unit);
    if (low && high) return `${low} … ${high.replace(/^[a-z]+, /, '')}`;
  }
  return undefined;
}

function describeQuantity(value: number, digits: string, unit: string | undefined): string | undefined {
  if (unit === undefined) return `${Number.isInteger(value) ? 'integer' : 'number'}, ${digits}`;
  const info = lookupUnit(unit);
  if (info === undefined) return `unknown unit \`${unit}\``;
  const base = info.toBase(value);
  const written = `${digits} ${unit === 'C' ? '°C' : unit}`;
  const baseUnit = DIMENSION_UNIT[info.dimension];
  const converted = `${info.dimension === 'memory' ? scientific(base) : String(base)} ${baseUnit}`;
  const friendly =
    info.dimension === 'duration' ? ` (${formatDuration(base)})` : info.dimension === 'memory' && unit !== formatMemory(base).replace(/[\d.]+/, '') ? ` (${formatMemory(base)})` : '';
  return written === converted ? `${info.dimension}, ${written}` : `${info.dimension}, ${written} = ${converted}${friendly}`;
}

const SUPERSCRIPT: Readonly<Record<string, string>> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻' };

/** `64·10⁹` for 64000000000, `1.5·10⁶`, `3600`, `68719476736` (no short power-of-ten form). */
export function scientific(value: number): string {
  const magnitude = Math.abs(value);
  if (!Number.isFinite(value) || magnitude < 1e4) return String(value);
  for (let exponent = Math.floor(Math.log10(magnitude) / 3) * 3; exponent >= 3; exponent -= 3) {
    const mantissa = Number((value / 10 ** exponent).toPrecision(12));
    if (String(mantissa).replace(/[-.]/g, '').length <= 4) return `${mantissa}·10${String(exponent).split('').map((c) => SUPERSCRIPT[c]).join('')}`;
  }
  return String(value);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1) + (text.endsWith('.') ? '' : '.');
}

// ---------------------------------------------------------------------------------------------
// Declared names
// ---------------------------------------------------------------------------------------------

function describeBinding(view: ProgramView, binding: Binding): string {
  const models = view.bindings!.models;
  const name = binding.name;
  const lines: string[] = [`**${binding.kind}** \`${name}\``];
  const fact = (label: string, value: string | undefined) => {
    if (value !== undefined && value !== '') lines.push(`- ${label}: ${value}`);
  };
  const code = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');
  lines.push('');
  switch (binding.kind) {
    case 'corner': {
      const c = models.corners.get(name);
      if (c) {
        fact('process', `\`${c.process}\``);
        fact('voltage', formatVoltage(c.voltage));
        fact('temperature', formatTemperature(c.temperature).replace(/C$/, ' °C'));
        fact('RC corner', c.rc === undefined ? 'any' : `\`${c.rc}\``);
        if (c.mcSamples !== undefined) fact('Monte-Carlo samples', String(c.mcSamples));
      }
      const users = [...models.libraries.values()].filter((l) => l.corners.includes(name)).map((l) => l.id);
      if (users.length > 0) fact('characterized by', code(users));
      break;
    }
    case 'dimension': {
      const decl = declarationFor(view, binding);
      if (decl?.kind === 'DimensionDecl') lines.push('```lcp', textOf(view, decl.span), '```');
      const stages = [...models.stages.values()].filter((s) => s.dimensions?.includes(name)).map((s) => s.name);
      if (stages.length > 0) fact('fanned out by', code(stages));
      break;
    }
    case 'corner set': {
      const decl = declarationFor(view, binding);
      if (decl?.kind === 'CornerSetDecl') lines.push('```lcp', `corners ${name} = ${textOf(view, decl.value.span)}`, '```');
      break;
    }
    case 'library': {
      const l = models.libraries.get(name);
      if (l) {
        fact('node', `\`${l.node}\``);
        if (l.name !== l.id) fact('name', `\`${l.name}\``);
        fact('corners', `${l.corners.length}: ${code(l.corners)}`);
      }
      break;
    }
    case 'node': {
      const n = models.nodes.get(name);
      if (n) {
        if (n.vdd) fact('vdd', `${formatVoltage(n.vdd.low)} … ${formatVoltage(n.vdd.high)}`);
        if (n.temperature) fact('temperature', `${formatTemperature(n.temperature.low)} … ${formatTemperature(n.temperature.high)}`);
        fact('processes', code(n.processes));
        fact('RC corners', n.rcCorners ? code(n.rcCorners) : 'any');
      }
      const libraries = [...models.libraries.values()].filter((l) => l.node === name).map((l) => l.id);
      if (libraries.length > 0) fact('libraries', code(libraries));
      break;
    }
    case 'queue': {
      const q = models.queues.get(name);
      if (q) {
        fact('LSF queue', `\`${q.lsfName}\``);
        if (q.maxMemBytes !== undefined) fact('max memory', formatMemory(q.maxMemBytes));
        if (q.maxRuntimeSeconds !== undefined) fact('max run time', formatDuration(q.maxRuntimeSeconds));
        if (q.maxSlots !== undefined) fact('max slots', String(q.maxSlots));
      }
      if (models.site?.defaultQueue === name) lines.push('- the site’s default queue');
      break;
    }
    case 'tool': {
      const t = models.tools.get(name);
      const decl = declarationFor(view, binding);
      if (t) fact('kind', `\`${t.kind}\``);
      if (decl?.kind === 'ToolDecl') {
        const pathProperty = decl.body.items.find((i): i is Property => i.kind === 'Property' && i.key.name === 'path');
        if (pathProperty) fact('path', `\`${textOf(view, pathProperty.value.span)}\``);
      }
      const stages = [...models.stages.values()].filter((s) => s.run.kind === 'tool' && s.run.tool === name).map((s) => s.name);
      if (stages.length > 0) fact('run by', code(stages));
      break;
    }
    case 'env': {
      const e = models.envs.get(name);
      if (e) {
        fact('type', `\`${e.type}\``);
        fact('default', e.default === undefined ? 'none (must be set when jobs run)' : `\`${e.default}\``);
      }
      break;
    }
    case 'stage': {
      const s = models.stages.get(name);
      if (s) {
        fact('for each', s.keys.length > 0 ? code(s.keys) : 'nothing (one job)');
        if (s.keySet.length !== s.keys.length) fact('key set', code(s.keySet));
        if (s.after.length > 0) fact('after', code(s.after.map((a) => a.stage)));
        fact('run', s.run.kind === 'tool' ? `tool \`${s.run.tool}\`${s.run.deck ? ` with a deck` : ''}` : 'a shell command');
        if (s.resources.queue) fact('queue', `\`${s.resources.queue}\``);
        fact('cpus', String(s.resources.cpus));
        if (s.resources.memBytes !== undefined) fact('memory', formatMemory(s.resources.memBytes));
      }
      const planned = view.plan?.stages.find((p) => p.name === name);
      if (planned) {
        fact('jobs', String(planned.jobCount));
        fact(
          'estimate',
          planned.estimateSource === 'none'
            ? 'none (no `estimate` or `runtime`)'
            : `${formatDuration(planned.estimateSeconds)} per job (from its \`${planned.estimateSource}\`), ${formatDuration(planned.slotSeconds)} slot time`,
        );
        fact('earliest', `starts at ${formatDuration(planned.earliestStart)}, finishes at ${formatDuration(planned.earliestFinish)}${planned.slack === 0 ? ' — on the critical path' : ''}`);
      } else if (s) lines.push('- jobs: not known until the program has no errors');
      break;
    }
    case 'attribute': {
      const decl = declarationFor(view, binding);
      if (decl?.kind === 'AttributeDecl') {
        const entity = decl.entity.name;
        const schema = models.attributes?.[entity as FanoutKey]?.get(decl.name.name);
        fact('type', decl.type.name === '' ? undefined : `\`${decl.type.name}\``);
        fact(
          'default',
          decl.default !== undefined ? `\`${textOf(view, decl.default.span)}\`` : `none (every ${entity} must set it)`,
        );
        if (schema === undefined) lines.push('- not checked: the declaration has an error');
        fact('use', `\`\${${binding.name}}\`, \`where ${decl.type.name === 'bool' ? binding.name : `${binding.name} == …`}\`, decks: \`${entity}.attrs.${decl.name.name}\``);
      }
      break;
    }
    case 'template': {
      const decl = declarationFor(view, binding);
      if (decl?.kind === 'TemplateDecl' && decl.extends && decl.extends.name !== '') fact('extends', `\`${decl.extends.name}\``);
      const extenders = view.loaded.declarations.flatMap((d) =>
        (d.kind === 'StageDecl' || d.kind === 'TemplateDecl') && d.extends?.name === name ? [`${d.kind === 'StageDecl' ? 'stage' : 'template'} \`${d.name.name}\``] : [],
      );
      if (extenders.length > 0) fact('extended by', extenders.join(', '));
      const site = view.loaded.declarations.find((d) => d.kind === 'SiteDecl');
      const siteTemplate = site?.kind === 'SiteDecl' ? site.body.items.find((i): i is Property => i.kind === 'Property' && i.key.name === 'stage_template') : undefined;
      if (siteTemplate && textOf(view, siteTemplate.value.span) === name) lines.push('- the site’s `stage_template`: under every stage');
      break;
    }
  }
  const doc = docComment(view, binding);
  if (doc !== undefined) lines.push('', doc);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/**
 * The comment documenting a declaration: the `//` lines right above it (no blank line between),
 * else a comment after it on its last line (`attribute library.x: bool = false  // why`).
 */
export function docComment(view: ProgramView, binding: Binding): string | undefined {
  const decl = declarationFor(view, binding);
  const file = view.loaded.files.find((f) => f.path === binding.declaration.file);
  const text = view.loaded.sources.get(binding.declaration.file)?.text;
  if (decl === undefined || file === undefined || text === undefined) return undefined;
  const strip = (comment: string) => comment.replace(/^\/\/\s?/, '').replace(/^\/\*+\s*|\s*\*+\/$/g, '').trim();
  const above: string[] = [];
  let start = decl.span.start;
  for (let i = file.comments.length - 1; i >= 0; i--) {
    const comment = file.comments[i]!;
    if (comment.span.end > start) continue;
    const between = text.slice(comment.span.end, start);
    if (!/^[ \t]*\r?\n[ \t]*$/.test(between)) break;
    const lineStart = text.lastIndexOf('\n', comment.span.start - 1) + 1;
    if (text.slice(lineStart, comment.span.start).trim() !== '') break; // a trailing comment of the line above
    above.unshift(strip(comment.text));
    start = comment.span.start;
  }
  if (above.length > 0) return above.join('\n');
  const trailing = file.comments.find((c) => c.span.start >= decl.span.end && !text.slice(decl.span.end, c.span.start).includes('\n'));
  return trailing ? strip(trailing.text) : undefined;
}

function declarationFor(view: ProgramView, binding: Binding): Declaration | undefined {
  return view.loaded.declarations.find((d) => 'name' in d && d.name.span.file === binding.declaration.file && d.name.span.start === binding.declaration.start);
}
