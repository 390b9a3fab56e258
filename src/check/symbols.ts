/**
 * The binder: collects every declaration of the program into its namespace.
 * Rule: names are unique per namespace across all files (LCP2002); corners and corner sets share
 * one namespace because a library's `corners` list may name either; exactly one `pipeline`
 * (LCP2004 when none) and at most one `site`.
 */
import type {
  AttributeDecl,
  CornerDecl,
  CornerSetDecl,
  DimensionDecl,
  Declaration,
  EnvDecl,
  LibraryDecl,
  NodeDecl,
  PipelineDecl,
  QueueDecl,
  SiteDecl,
  StageDecl,
  TemplateDecl,
  ToolDecl,
} from '../syntax/ast.js';
import type { Span } from '../diagnostics/span.js';
import type { CheckContext } from './context.js';

export interface SymbolTable {
  readonly pipeline?: PipelineDecl;
  readonly site?: SiteDecl;
  readonly envs: ReadonlyMap<string, EnvDecl>;
  readonly tools: ReadonlyMap<string, ToolDecl>;
  readonly queues: ReadonlyMap<string, QueueDecl>;
  readonly nodes: ReadonlyMap<string, NodeDecl>;
  readonly libraries: ReadonlyMap<string, LibraryDecl>;
  /** Corners and corner sets: one namespace. */
  readonly corners: ReadonlyMap<string, CornerDecl | CornerSetDecl>;
  readonly stages: ReadonlyMap<string, StageDecl>;
  /** Stage templates (`template t { … }`): a namespace of their own. */
  readonly templates: ReadonlyMap<string, TemplateDecl>;
  /** `attribute` declarations in program order (checked by attributes.ts). */
  readonly attributes: readonly AttributeDecl[];
  /** `dimension` declarations (checked by dimensions.ts). */
  readonly dimensions: ReadonlyMap<string, DimensionDecl>;
}

/** Names built into interpolation that an env variable may not shadow. */
export const RESERVED_NAMES = new Set(['work', 'out', 'pipeline', 'stage', 'node', 'library', 'corner']);

/**
 * Variables the generated scripts or bash itself give a meaning: declaring one as an env
 * variable (and exporting a default) would change how every job runs.
 */
const SHELL_RESERVED = new Set(['IFS', 'BASH_ENV', 'ENV', 'BASHOPTS', 'SHELLOPTS', 'CDPATH', 'GLOBIGNORE', 'PS4', 'PROMPT_COMMAND', 'POSIXLY_CORRECT']);
const RESERVED_PREFIXES = ['LIBCC_', 'lcp_', 'LSB_', 'BASH_FUNC_'];

export function reservedEnvReason(name: string): string | undefined {
  if (RESERVED_NAMES.has(name)) return 'is a built-in name';
  if (SHELL_RESERVED.has(name)) return 'changes how bash runs the generated scripts';
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  return prefix === undefined ? undefined : `starts with \`${prefix}\`, which libcc and LSF use for their own variables`;
}

export function bindDeclarations(ctx: CheckContext, declarations: readonly Declaration[], rootFile: string): SymbolTable {
  let pipeline: PipelineDecl | undefined;
  let site: SiteDecl | undefined;
  const envs = new Map<string, EnvDecl>();
  const tools = new Map<string, ToolDecl>();
  const queues = new Map<string, QueueDecl>();
  const nodes = new Map<string, NodeDecl>();
  const libraries = new Map<string, LibraryDecl>();
  const corners = new Map<string, CornerDecl | CornerSetDecl>();
  const stages = new Map<string, StageDecl>();
  const templates = new Map<string, TemplateDecl>();
  const attributes: AttributeDecl[] = [];
  const dimensions = new Map<string, DimensionDecl>();

  const add = <T extends { name: { name: string; span: Span } }>(map: Map<string, T>, decl: T, what: string): void => {
    const name = decl.name.name;
    if (name === '') return; // recovered from a syntax error, already reported
    const first = map.get(name);
    if (first !== undefined) {
      ctx.report('LCP2002', decl.name.span, `${what} \`${name}\` is declared more than once`, {
        label: 'declared again here',
        secondary: [{ span: first.name.span, message: 'first declared here' }],
        help: `rename one of them or remove the duplicate`,
      });
      return;
    }
    map.set(name, decl);
  };

  for (const decl of declarations) {
    switch (decl.kind) {
      case 'PipelineDecl':
        if (pipeline === undefined) pipeline = decl;
        else
          ctx.report('LCP2002', decl.span, 'a program declares exactly one pipeline', {
            label: 'second pipeline declaration',
            secondary: [{ span: pipeline.span, message: 'first declared here' }],
          });
        break;
      case 'SiteDecl':
        if (site === undefined) site = decl;
        else
          ctx.report('LCP2002', decl.keyword, 'a program has at most one `site` block', {
            label: 'second site block',
            secondary: [{ span: site.keyword, message: 'first declared here' }],
            help: 'merge the settings into one `site { … }`',
          });
        break;
      case 'EnvDecl':
        {
          const reason = reservedEnvReason(decl.name.name);
          if (reason !== undefined) {
            ctx.report('LCP2002', decl.name.span, `\`${decl.name.name}\` ${reason} and cannot be an env variable`, {
              label: 'reserved',
              help: 'choose another name',
            });
            break;
          }
        }
        add(envs, decl, 'env variable');
        break;
      case 'ToolDecl':
        add(tools, decl, 'tool');
        break;
      case 'QueueDecl':
        add(queues, decl, 'queue');
        break;
      case 'NodeDecl':
        add(nodes, decl, 'node');
        break;
      case 'LibraryDecl':
        add(libraries, decl, 'library');
        break;
      case 'CornerDecl':
        add(corners, decl, 'corner');
        break;
      case 'CornerSetDecl':
        add(corners, decl, 'corner set');
        break;
      case 'StageDecl':
        add(stages, decl, 'stage');
        break;
      case 'TemplateDecl':
        add(templates, decl, 'stage template');
        break;
      case 'AttributeDecl':
        attributes.push(decl);
        break;
      case 'DimensionDecl':
        add(dimensions, decl, 'dimension');
        break;
      case 'ImportDecl':
        break;
    }
  }

  if (pipeline === undefined) {
    ctx.report('LCP2004', { file: rootFile, start: 0, end: 0 }, 'the program has no `pipeline` declaration', {
      help: 'start the root file with `pipeline <name>`',
    });
  }

  return {
    ...(pipeline ? { pipeline } : {}),
    ...(site ? { site } : {}),
    envs,
    tools,
    queues,
    nodes,
    libraries,
    corners,
    stages,
    templates,
    attributes,
    dimensions,
  };
}
