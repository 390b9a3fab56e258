/**
 * Renders every job's deck before anything is emitted, so that a template mistake (a Handlebars
 * syntax error, a field the deck view does not have) is a diagnostic (LCP6002) of the analysis —
 * reported by `libcc check` as by `libcc compile` — and the decks are rendered once, then reused
 * by `emit()`. Templates are compiled in strict mode: a misspelled field is an error, not an
 * empty value in a deck that would run for hours.
 */
import type { CheckedProgram, StageModel, Template } from '../check/model.js';
import { deckName } from '../check/rules/deck-templates.js';
import type { TemplateHost } from '../check/template-host.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/diagnostic.js';
import type { Plan } from '../graph/plan.js';
import { deckChecker, type DeckCheck } from './deck-check.js';
import { ByteArena, deckView, renderDeck, type DeckTemplates, type RenderedDeck } from './decks.js';
import { deckWriter, type DeckWriter } from './deck-writer.js';
import { indexProgram } from './jobs.js';
import { compileTemplate, TemplateError, type TemplateFunction } from './render.js';

export interface RenderedDecks {
  /** By position in `Plan.jobs`: the deck of every job whose stage runs a tool on a deck. */
  readonly byJob: ReadonlyMap<number, RenderedDeck>;
}

export interface DeckRendering {
  /** Undefined when a template could not be found, compiled or rendered. */
  readonly decks?: RenderedDecks;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * `onDeck` sees each deck kept as soon as it is rendered (a compile writes it meanwhile). A kept
 * deck is written by its template's writer (deck-writer.ts: the same bytes without Handlebars)
 * when the template is in its subset, except each stage's first, which Handlebars renders.
 * `keep: false` renders every deck for its errors only: `decks.byJob` is then empty, and a job
 * whose view passes its template's check (deck-check.ts: the render cannot fail) is not rendered.
 */
export function renderDecks(program: CheckedProgram, plan: Plan, host: TemplateHost, options: { keep?: boolean; onDeck?: (deck: RenderedDeck) => void } = {}): DeckRendering {
  const keep = options.keep ?? true;
  const diagnostics: Diagnostic[] = [];
  const index = indexProgram(program);
  const templates: DeckTemplates = new Map();
  /** Per stage, without `keep`: the check of its template (undefined: render every job). */
  const checks = new Map<string, DeckCheck | undefined>();
  const compiled = compileDeckTemplates(program.stages, host);
  diagnostics.push(...compiled.diagnostics);
  for (const { stage, key, text, render } of compiled.templates) {
    templates.set(stage.name, keep ? { name: key, render, write: deckWriter(text) } : { name: key, render });
    if (!keep) checks.set(stage.name, deckChecker(text));
  }
  const byJob = new Map<number, RenderedDeck>();
  const failed = new Set<string>();
  /** Stages with one job rendered: Handlebars compiles a template on its first render (errors of its own). */
  const rendered = new Set<string>();
  const arena = new ByteArena();
  plan.jobs.forEach((job, position) => {
    const template = templates.get(job.stage);
    if (template === undefined || failed.has(job.stage)) return;
    try {
      if (keep) {
        const context = { program, job, index };
        const first = !rendered.has(job.stage);
        const deck = renderDeck(first ? { name: template.name, render: template.render } : template, context, arena);
        if (first) {
          rendered.add(job.stage);
          // Never expected (tests/emit/deck-writer.test.ts compares the two on random templates
          // and views); if the writer ever disagreed, Handlebars renders the stage's decks.
          if (template.write !== undefined && !writerAgrees(template.write, deck, context)) templates.set(job.stage, { name: template.name, render: template.render });
        }
        byJob.set(position, deck);
        options.onDeck?.(deck);
        return;
      }
      const { view } = deckView({ program, job, index });
      const check = checks.get(job.stage);
      if (check !== undefined && rendered.has(job.stage) && check(view)) return;
      template.render(view);
      rendered.add(job.stage);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      // One report per stage: the same mistake would repeat for every job.
      failed.add(job.stage);
      const stage = index.stages.get(job.stage)!;
      diagnostics.push(makeDiagnostic('LCP6002', stage.run.span, error.message, { label: `rendering the deck of \`${job.id}\`` }));
    }
  });
  return diagnostics.length > 0 ? { diagnostics } : { decks: { byJob }, diagnostics };
}

/**
 * Each stage's deck template compiled, and an LCP6002 for each stage whose template does not (a
 * syntax error, a built-in property): one report per stage. The driver calls it on its own for
 * the stages a failed check or plan still built, so that these errors come in the same run as
 * the others (no deck can be rendered without a plan's jobs).
 */
export function compileDeckTemplates(
  stages: Iterable<StageModel>,
  host: TemplateHost,
): { templates: { stage: StageModel; key: string; text: string; render: TemplateFunction }[]; diagnostics: Diagnostic[] } {
  const templates = [];
  const diagnostics: Diagnostic[] = [];
  for (const { stage, deck, key, text } of deckTemplateTexts(stages, host)) {
    try {
      templates.push({ stage, key, text, render: compileTemplate(key, text) });
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      diagnostics.push(makeDiagnostic('LCP6002', deck.span, error.message, { label: 'in this deck template' }));
    }
  }
  return { templates, diagnostics };
}

/**
 * Each stage's deck template, read (a missing one is LCP6001, reported by the checker). An
 * analysis that leaves the rendering to later reads them too: what a compile depends on is what
 * its host recorded reading (the manifest's `# inputs` digest), whether or not it rendered.
 */
export function deckTemplateTexts(stages: Iterable<StageModel>, host: TemplateHost): { stage: StageModel; deck: Template; key: string; text: string }[] {
  const texts = [];
  for (const stage of stages) {
    if (stage.run.kind !== 'tool' || stage.run.deck === undefined) continue;
    const deck = stage.run.deck;
    const key = host.resolveDeck(deckName(deck));
    const text = key === undefined ? undefined : host.text(key);
    if (key !== undefined && text !== undefined) texts.push({ stage, deck, key, text });
  }
  return texts;
}

/** The writer's bytes for the job are those of the deck Handlebars rendered (or it gives up where they are text). */
function writerAgrees(write: DeckWriter, deck: RenderedDeck, context: Parameters<typeof deckView>[0]): boolean {
  const written = write(deckView(context).view);
  if (written === undefined) return true;
  return deck.bytes !== undefined && Buffer.compare(written, deck.bytes) === 0;
}
