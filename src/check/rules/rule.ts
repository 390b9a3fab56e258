/**
 * A semantic rule or lint. Each rule lives in its own file, names the language rule it enforces
 * in its doc comment, and reports through the context; rules never throw and never mutate
 * what they read. They run after the model is built, also when it has errors, so one run
 * reports everything it can.
 */
import type { SourceFile } from '../../diagnostics/source.js';
import type { CheckContext } from '../context.js';
import type { CornerBuild } from '../corners.js';
import type { NodeBuild } from '../declarations.js';
import type { LibraryBuild } from '../libraries.js';
import type { EnvModel, QueueModel, SiteModel, ToolModel } from '../model.js';
import type { StageBuild } from '../stages.js';
import type { TemplateHost } from '../template-host.js';
import type { SymbolTable } from '../symbols.js';
import type { Declaration } from '../../syntax/ast.js';

export interface RuleInput {
  readonly sources: ReadonlyMap<string, SourceFile>;
  readonly declarations: readonly Declaration[];
  readonly symbols: SymbolTable;
  readonly site: SiteModel;
  readonly envs: readonly EnvModel[];
  readonly tools: readonly ToolModel[];
  readonly queues: readonly QueueModel[];
  readonly nodes: ReadonlyMap<string, NodeBuild>;
  readonly corners: ReadonlyMap<string, CornerBuild>;
  readonly libraries: ReadonlyMap<string, LibraryBuild>;
  readonly stages: ReadonlyMap<string, StageBuild>;
  /** Deck templates; rules that need them do nothing without. */
  readonly templates?: TemplateHost;
}

export interface Rule {
  readonly name: string;
  run(ctx: CheckContext, input: RuleInput): void;
}
