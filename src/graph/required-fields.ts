/**
 * Rule (language.md §6, LCP2007): a job may only read an optional field of its library or corner
 * that names something (`${library.kit}`, `${library.cells}`, `${corner.rc}`) when that entity
 * sets it. Otherwise the command would run with an empty value — `rsync "${library.kit}/LPE"`
 * becomes `rsync "/LPE"` — and fail, or worse succeed, on the farm. Decided per job, after
 * `where`, so a stage filtered to the libraries that set the field is fine.
 */
import type { CornerModel, LibraryModel, StageModel, Template } from '../check/model.js';
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import type { ExpandedStage, Universe } from './expand.js';

type Entity = 'library' | 'corner';

/**
 * Optional fields that name something (a directory, a file, an extraction corner): empty, they
 * silently change what a command touches. `mc_samples` is not among them: unset means "no Monte
 * Carlo samples", and it reads as empty (decks see 0).
 */
const OPTIONAL: Readonly<Record<Entity, readonly string[]>> = { library: ['kit', 'cells'], corner: ['rc'] };

function isModel(value: LibraryModel | CornerModel | { readonly name: string }): value is LibraryModel | CornerModel {
  return 'span' in value;
}

function isSet(field: string, value: LibraryModel | CornerModel): boolean {
  if ('kit' in value || 'corners' in value) {
    const library = value as LibraryModel;
    return field === 'kit' ? library.kit !== undefined : library.cells !== undefined;
  }
  return (value as CornerModel).rc !== undefined;
}

interface Read {
  readonly entity: Entity;
  readonly field: string;
  readonly template: Template;
}

/** Optional fields the stage's own strings read, each once, at the first string that reads it. */
function optionalReads(stage: StageModel): Read[] {
  const templates: Template[] = [...(stage.run.kind === 'shell' ? [stage.run.command] : stage.run.args), ...stage.expects.map((e) => e.pattern)];
  const reads = new Map<string, Read>();
  for (const template of templates) {
    for (const part of template.parts) {
      if (part.kind !== 'field' || (part.entity !== 'library' && part.entity !== 'corner')) continue;
      if (!OPTIONAL[part.entity].includes(part.field)) continue;
      const key = `${part.entity}.${part.field}`;
      if (!reads.has(key)) reads.set(key, { entity: part.entity, field: part.field, template });
    }
  }
  return [...reads.values()];
}

export function checkRequiredFields(bag: DiagnosticBag, universe: Universe, expanded: ExpandedStage): void {
  const reads = optionalReads(expanded.stage);
  if (reads.length === 0) return;
  const reported = new Set<string>();
  for (let j = 0; j < expanded.node.length; j++) {
    for (const read of reads) {
      let id = read.entity === 'library' ? expanded.library[j]! : expanded.corner[j]!;
      if (id < 0) continue;
      // A group's grouped fields are its first corner's (`group by`).
      if (read.entity === 'corner' && expanded.grouping !== undefined) id = expanded.grouping.representative[id]!;
      const entity = read.entity === 'library' ? universe.libraries[id]! : universe.corners[id]!;
      // A corner a library names without declaring it has no model to read (reported by the checker).
      if (!isModel(entity) || isSet(read.field, entity)) continue;
      const name = 'id' in entity ? entity.id : entity.name;
      const key = `${read.entity}.${read.field}\u0000${name}`;
      if (reported.has(key)) continue;
      reported.add(key);
      bag.report(
        'LCP2007',
        read.template.span,
        `stage \`${expanded.stage.name}\` reads \`\${${read.entity}.${read.field}}\`, but ${read.entity} \`${name}\` does not set \`${read.field}\``,
        {
          label: `empty for ${read.entity} \`${name}\``,
          secondary: [{ span: entity.span, message: `\`${name}\` declared here, without \`${read.field}\`` }],
          help: `set \`${read.field}\` on ${read.entity} \`${name}\`, or exclude it from \`${expanded.stage.name}\` with \`where\``,
        },
      );
    }
  }
}
