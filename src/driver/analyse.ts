/**
 * The one analysis behind every command and the language server: it owns the phase order and
 * returns every diagnostic a compile would report before writing anything (TypeScript's
 * `getPreEmitDiagnostics`). No command wires phases by hand.
 *
 *   load → check (incl. stage-level rules: cycles, key matching, deck templates)
 *        → graph (expansion rules: unmatched jobs, empty stages, array sizes; `--slots`)
 *        → scheduler (settings the site's scheduler cannot honour)
 *        → scripts (the generated scripts rendered: a site's override naming a missing field)
 *        → decks (every job's deck rendered: template errors)
 *
 * Each phase runs only on a program the previous one accepted (a plan needs a checked program,
 * a deck needs the plan's jobs), so one run reports everything that can be known. Templates are
 * compiled whatever the check and the plan found: a site's generated-script template, and the
 * deck template of every stage the checker built (a syntax error is LCP6002 beside an LCP6001 or
 * an LCP2006 elsewhere). A plan with errors that still has its jobs (LCP4006) has its decks
 * rendered too.
 */
import { check } from '../check/check.js';
import type { CheckedProgram } from '../check/model.js';
import type { Bindings } from '../check/references.js';
import type { TemplateHost } from '../check/template-host.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/span.js';
import { DRIVER_TEMPLATES } from '../emit/emit.js';
import { compileTemplate, TemplateError } from '../emit/render.js';
import { scriptRenderErrors } from '../emit/script-check.js';
import { compileDeckTemplates, deckTemplateTexts, renderDecks, type DeckRendering, type RenderedDecks } from '../emit/render-decks.js';
import type { RenderedDeck } from '../emit/decks.js';
import { buildPlan, type Plan } from '../graph/plan.js';
import { SCHEDULER_TEMPLATES, schedulerOf, type SchedulerName } from '../schedulers/index.js';
import type { LoadedProgram } from '../syntax/load.js';

export interface AnalyseOptions {
  /** Deck and script templates (`src/driver/templates.ts` reads them from disk). */
  readonly templates: TemplateHost;
  /** Also schedule under a cap of N slots (`plan --slots N`): adds LCP4006 only. */
  readonly slots?: number;
  /** The scheduler to generate for, overriding the site's `scheduler` (`--scheduler`). */
  readonly scheduler?: SchedulerName;
  /**
   * Keep every rendered deck in `Analysis.decks` (default false). Every command only needs their
   * diagnostics here — the renders that cannot fail are skipped and none is kept, so a 100k-job
   * analysis does not hold tens of thousands of deck texts (docs/performance.md); `compile` and
   * `diff` render the decks they write with `renderForWriting`.
   */
  readonly keepDecks?: boolean;
  /**
   * The caller renders every deck itself before it uses the analysis (`renderForWriting`, which
   * reports a failed render as the check would), or needs no deck: its inputs are those of a
   * compile that rendered them all (the no-change fast path). The deck check is then skipped —
   * unless there are errors already, so that a run still reports all its errors at once.
   */
  readonly decksRenderedLater?: boolean;
}

export interface Analysis {
  readonly loaded: LoadedProgram;
  /** Declarations and their resolved uses (for the language server), also when there are errors. */
  readonly bindings: Bindings;
  /** Present when the check found no errors. */
  readonly program?: CheckedProgram;
  /** Present when the program expanded without errors. */
  readonly plan?: Plan;
  /** Present when every deck rendered and `keepDecks` was true. */
  readonly decks?: RenderedDecks;
  /** Every diagnostic, suppressions applied, sorted by position, each once. */
  readonly diagnostics: readonly Diagnostic[];
  /** No errors: everything above is present and a compile can emit (once its decks render, with `decksRenderedLater`). */
  readonly ok: boolean;
}

export function analyse(loaded: LoadedProgram, options: AnalyseOptions): Analysis {
  const checked = check(loaded, { templates: options.templates });
  const diagnostics: Diagnostic[] = [...checked.diagnostics];
  const done = (parts: Partial<Pick<Analysis, 'program' | 'plan' | 'decks'>>, decksRendered = false): Analysis => {
    const sorted = sortDiagnostics(dedupeDiagnostics(diagnostics));
    const ok = !hasErrors(sorted) && decksRendered;
    return { loaded, bindings: checked.bindings, ...parts, diagnostics: sorted, ok };
  };
  // The templates are read whatever else is wrong: all errors in one run.
  const pipeline = loaded.declarations.find((d) => d.kind === 'PipelineDecl');
  if (pipeline !== undefined) diagnostics.push(...scriptTemplateErrors(pipeline.name.span, options.templates));
  const checkedProgram = checked.program;
  if (checkedProgram === undefined) {
    // No plan, so no deck to render: the deck templates of the stages that built are compiled.
    diagnostics.push(...compileDeckTemplates(checked.bindings.models.stages.values(), options.templates).diagnostics);
    return done({});
  }
  // The scheduler is known from here on: the program carries it (site setting or --scheduler).
  const program = options.scheduler === undefined ? checkedProgram : { ...checkedProgram, site: { ...checkedProgram.site, scheduler: options.scheduler } };

  const planned = buildPlan(program, options.slots === undefined ? {} : { slots: options.slots });
  diagnostics.push(...planned.diagnostics);
  const plan = planned.plan;
  if (plan === undefined) {
    diagnostics.push(...compileDeckTemplates(program.stages, options.templates).diagnostics);
    return done({ program });
  }
  // A plan with errors (a job over `--slots`, LCP4006) still has all its jobs: its decks are rendered.

  diagnostics.push(...schedulerOf(program).validate(program, plan));
  // The generated scripts, rendered as compile renders them: a site's override may name a field its view lacks.
  const pipelineSpan = program.pipeline.span;
  for (const message of scriptRenderErrors(program, plan, options.templates)) {
    diagnostics.push(makeDiagnostic('LCP6002', pipelineSpan, message, { label: 'while generating this pipeline' }));
  }

  if (options.decksRenderedLater === true && !hasErrors(diagnostics)) {
    deckTemplateTexts(program.stages, options.templates);
    return done({ program, plan }, true);
  }
  const rendered = renderDecks(program, plan, options.templates, { keep: options.keepDecks ?? false });
  diagnostics.push(...rendered.diagnostics);
  const decksRendered = rendered.decks !== undefined && !hasErrors(diagnostics);
  const kept = decksRendered && options.keepDecks === true ? { decks: rendered.decks } : {};
  return done({ program, plan, ...kept }, decksRendered);
}

/**
 * The decks of an analysis (it found no errors; its decks were not kept), rendered to be
 * written. A compile analyses without keeping decks, where the deck check spares the renders
 * that cannot fail, and renders them only once it knows it will write: a compile whose inputs
 * are unchanged renders none (docs/performance.md). Diagnostics only if a render fails anyway.
 */
export function renderForWriting(analysis: Analysis, templates: TemplateHost, onDeck?: (deck: RenderedDeck) => void): DeckRendering {
  if (!analysis.ok || analysis.program === undefined || analysis.plan === undefined) throw new Error('renderForWriting: the analysis has errors');
  return renderDecks(analysis.program, analysis.plan, templates, { keep: true, ...(onDeck === undefined ? {} : { onDeck }) });
}

/** A generated script's template (a site may override them) that does not compile, reported at `span` (the pipeline's name). */
function scriptTemplateErrors(span: Span, templates: TemplateHost): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const name of [...DRIVER_TEMPLATES, ...SCHEDULER_TEMPLATES]) {
    const text = templates.text(name);
    try {
      if (text === undefined) throw new TemplateError(`template ${name} is missing`);
      compileTemplate(name, text);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      found.push(makeDiagnostic('LCP6002', span, error.message, { label: 'while generating this pipeline' }));
    }
  }
  return found;
}

/** The same diagnostic twice (a file imported by two checked roots) is reported once. */
export function dedupeDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}\u0000${d.primary.span.file}\u0000${d.primary.span.start}\u0000${d.primary.span.end}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
