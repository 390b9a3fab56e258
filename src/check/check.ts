/**
 * The checker's entry point: binds names, builds the typed model of every declaration, runs
 * the semantic rules and lints, applies inline suppressions, and returns the checked program
 * when there are no errors. Reports everything it can find in one run; never throws for
 * user mistakes.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors, sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { LoadedProgram } from '../syntax/load.js';
import { CheckContext } from './context.js';
import { buildCorners, CornerSetResolver } from './corners.js';
import { buildDimensions } from './dimensions.js';
import { buildEnvs, buildNodes, buildQueues, buildSite, buildTools } from './declarations.js';
import { buildLibraries } from './libraries.js';
import type { CheckedProgram } from './model.js';
import { RULES } from './rules/index.js';
import type { RuleInput } from './rules/rule.js';
import { buildStages } from './stages.js';
import { applySuppressions, collectSuppressions } from './suppressions.js';
import { bindDeclarations } from './symbols.js';
import type { Bindings } from './references.js';
import { buildAttributeSchemas, reportMissingAttribute } from './attributes.js';
import type { TemplateHost } from './template-host.js';
import { didYouMean, suggestionFixes } from '../diagnostics/suggest.js';
import type { Identifier } from '../syntax/ast.js';

export interface CheckResult {
  /** Present when there are no errors (warnings allowed). */
  readonly program?: CheckedProgram;
  /** Parse and check diagnostics, suppressions applied, sorted. */
  readonly diagnostics: readonly Diagnostic[];
  /** Declarations and the uses the checker resolved to them (also with errors), for editors. */
  readonly bindings: Bindings;
}

export interface CheckOptions {
  /** Deck templates: with a host, a stage naming a template that does not exist is LCP6001. */
  readonly templates?: TemplateHost;
}

export function check(loaded: LoadedProgram, options: CheckOptions = {}): CheckResult {
  const ctx = new CheckContext();
  const symbols = bindDeclarations(ctx, loaded.declarations, loaded.rootPath);
  const attributes = buildAttributeSchemas(ctx, symbols.attributes);
  const dimensions = buildDimensions(ctx, symbols.dimensions, symbols.envs);
  const environment = { envNames: new Set(symbols.envs.keys()), attributes, ...(dimensions.size > 0 ? { dimensions: new Set(dimensions.keys()) } : {}) };

  const site = buildSite(ctx, symbols, environment, loaded.rootPath);
  const envs = buildEnvs(ctx, symbols);
  const tools = buildTools(ctx, symbols, environment);
  const queues = buildQueues(ctx, symbols);

  let defaultQueue: string | undefined;
  if (site.defaultQueue) {
    if (symbols.queues.has(site.defaultQueue.name)) defaultQueue = site.defaultQueue.name;
    else {
      const hint = didYouMean(site.defaultQueue.name, symbols.queues.keys());
      ctx.report('LCP2001', site.defaultQueue.span, `unknown queue \`${site.defaultQueue.name}\``, {
        label: 'no queue of this name',
        ...(hint ? { help: hint } : {}),
        fixes: suggestionFixes(site.defaultQueue.name, site.defaultQueue.span, symbols.queues.keys()),
      });
    }
  }
  const siteModel = { ...site.model, ...(defaultQueue ? { defaultQueue } : {}) };
  if (defaultQueue) {
    ctx.markUsed('queue', defaultQueue);
    ctx.references.use('queue', site.defaultQueue!);
  }

  const nodes = buildNodes(ctx, symbols, siteModel, attributes);
  const corners = buildCorners(ctx, symbols, siteModel, attributes);
  const names = {
    node: new Set(symbols.nodes.keys()),
    library: new Set(symbols.libraries.keys()),
    corner: new Set([...symbols.corners.values()].filter((d) => d.kind === 'CornerDecl').map((d) => d.name.name)),
  };
  // `corner.name in SET` in conditions reads corner sets through the resolver, which itself
  // evaluates conditions in filtered sets: the scope refers to it lazily.
  let resolver: CornerSetResolver | undefined;
  const conditionScope = {
    processes: siteModel.processes,
    rcCorners: siteModel.rcCorners,
    names,
    cornerSet: (name: Identifier) => resolver!.resolveName(name)?.map((choice) => choice.name),
    attributes,
    nodeAttributes: new Map([...nodes].map(([name, node]) => [name, node.model.attributes])),
  };
  resolver = new CornerSetResolver(ctx, symbols, corners, conditionScope);
  for (const decl of symbols.corners.values()) if (decl.kind === 'CornerSetDecl') resolver.resolveSet(decl);
  const libraries = buildLibraries(ctx, symbols, nodes, resolver, environment, attributes);
  // Required attributes missing on corners of a shared YAML table matter only where used.
  const used = new Set([...libraries.values()].flatMap((l) => l.choices.map((c) => c.name)));
  for (const corner of corners.values()) {
    if (corner.missingAttributes === undefined || !used.has(corner.decl.name.name)) continue;
    for (const attribute of corner.missingAttributes) reportMissingAttribute(ctx, attribute, `corner \`${corner.decl.name.name}\``, corner.decl.name.span);
  }
  const stages = buildStages(ctx, {
    dimensions,
    symbols,
    queues,
    ...(defaultQueue ? { defaultQueue } : {}),
    ...(site.stageTemplate ? { stageTemplate: site.stageTemplate } : {}),
    ...(siteModel.schedulerOptions ? { schedulerOptions: siteModel.schedulerOptions } : {}),
    // Stages also read other stages' directories and the tools' paths and versions.
    environment: {
      ...environment,
      stageNames: new Set(symbols.stages.keys()),
      // A tool with errors of its own still exists: no second error where it is read.
      tools: new Map([...symbols.tools.keys()].map((name) => [name, { version: tools.find((t) => t.name === name)?.version !== undefined || !tools.some((t) => t.name === name) }])),
    },
    conditionScope,
  });

  const input: RuleInput = {
    sources: loaded.sources,
    declarations: loaded.declarations,
    symbols,
    site: siteModel,
    envs,
    tools,
    queues,
    nodes,
    corners,
    libraries,
    stages,
    ...(options.templates ? { templates: options.templates } : {}),
  };
  for (const rule of RULES) rule.run(ctx, input);

  const suppressions = collectSuppressions(ctx, loaded.files, loaded.sources);
  const diagnostics = sortDiagnostics(applySuppressions([...loaded.diagnostics, ...ctx.diagnostics.items], suppressions, loaded.sources));
  const byName = <T extends { name: string }>(models: Iterable<T | undefined>) => new Map([...models].flatMap((m) => (m ? [[m.name, m] as const] : [])));
  const bindings = ctx.references.build(symbols, {
    site: siteModel,
    envs: byName(envs),
    tools: byName(tools),
    queues: byName(queues),
    nodes: byName([...nodes.values()].map((n) => n.model)),
    libraries: new Map([...libraries.values()].flatMap((l) => (l.model ? [[l.model.id, l.model] as const] : []))),
    corners: byName([...corners.values()].map((c) => c.model)),
    stages: byName([...stages.values()].map((s) => s.model)),
    attributes,
  });
  if (hasErrors(diagnostics) || symbols.pipeline === undefined) return { diagnostics, bindings };

  const characterized = new Set([...libraries.values()].flatMap((l) => l.model?.corners ?? []));
  const program: CheckedProgram = {
    pipeline: { name: symbols.pipeline.name.name, span: symbols.pipeline.name.span },
    rootFile: loaded.rootPath,
    files: loaded.files.map((f) => f.path),
    site: siteModel,
    envs,
    tools,
    queues,
    nodes: [...nodes.values()].map((n) => n.model),
    libraries: [...libraries.values()].flatMap((l) => (l.model ? [l.model] : [])),
    // Only corners some library characterizes: a shared YAML table may declare many more.
    corners: [...corners.values()].flatMap((c) => (c.model && characterized.has(c.model.name) ? [c.model] : [])),
    stages: [...stages.values()].flatMap((s) => (s.model ? [s.model] : [])),
    ...(dimensions.size > 0 ? { dimensions: [...dimensions.values()] } : {}),
    ...(symbols.attributes.length > 0
      ? {
          attributes: (['node', 'library', 'corner'] as const).flatMap((entity) =>
            [...attributes[entity].values()].map((a) => ({ entity, name: a.name, type: a.type, ...(a.default !== undefined ? { default: a.default } : {}) })),
          ),
        }
      : {}),
  };
  return { program, diagnostics, bindings };
}
