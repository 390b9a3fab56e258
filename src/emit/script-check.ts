/**
 * The generated scripts rendered as `compile` renders them, for their errors alone: a site's
 * override (`--templates DIR`) that names a field its view lacks fails `compile`, so `check` must
 * fail it too. The views come from `scriptRenders`, the list `compile` writes from. The job pass
 * (tables, fingerprints) is not run: a stage's job count and stride come from the plan, and which
 * library files its decks read from its deck template's text, where `compile` learns it from the
 * rendered decks — the same views, unless a template reads `library.kitTcl` only on some jobs.
 */
import type { CheckedProgram, StageModel } from '../check/model.js';
import type { TemplateHost } from '../check/template-host.js';
import type { Plan } from '../graph/plan.js';
import { SCHEDULER_TEMPLATES } from '../schedulers/index.js';
import { elementLayout, type SubmissionUnit } from '../submission/plan.js';
import { DRIVER_TEMPLATES, generatedHeader, scriptRenders, submissionUnits, type StageScriptFacts } from './emit.js';
import { compileTemplate, TemplateError, type TemplateFunction } from './render.js';
import { deckTemplateTexts } from './render-decks.js';

/**
 * The message of each generated script whose template is not libcc's own and fails to render
 * (a missing or uncompilable template is reported by the analysis beforehand). libcc's own are
 * rendered by its tests; skipping them spares `check` of a 100k-job flow planning its submission
 * (a quarter of a second).
 */
export function scriptRenderErrors(program: CheckedProgram, plan: Plan, templates: TemplateHost): string[] {
  const wanted = (template: string) => templates.isBuiltIn?.(template) !== true;
  if (![...DRIVER_TEMPLATES, ...SCHEDULER_TEMPLATES].some(wanted)) return [];

  let decks: Map<string, string> | undefined;
  const facts = (name: string): StageScriptFacts => {
    const stage = plan.stages.find((s) => s.name === name);
    const model = program.stages.find((s) => s.name === name);
    if (stage === undefined || model === undefined) return { count: 0, stride: 1, deckReads: { kit: false, cells: false } };
    decks ??= new Map(deckTemplateTexts(program.stages, templates).map((d) => [d.stage.name, d.text]));
    return { count: stage.jobCount, stride: elementLayout(stage).stride, deckReads: deckReadsOf(program, model, decks.get(name)) };
  };
  let units: readonly SubmissionUnit[] | undefined;
  const header = generatedHeader(program.pipeline.span.file);
  const renders = scriptRenders(program, plan, header, facts, () => (units ??= submissionUnits(program, plan)), wanted);

  const compiled = new Map<string, TemplateFunction | undefined>();
  const errors: string[] = [];
  for (const script of renders) {
    if (!compiled.has(script.template)) compiled.set(script.template, compiles(script.template, templates.text(script.template)));
    const render = compiled.get(script.template);
    if (render === undefined) continue;
    try {
      render(script.view);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      if (!errors.includes(error.message)) errors.push(error.message);
    }
  }
  return errors;
}

/** The compiled template, or undefined when it is missing or does not compile (reported elsewhere). */
function compiles(name: string, text: string | undefined): TemplateFunction | undefined {
  if (text === undefined) return undefined;
  try {
    return compileTemplate(name, text);
  } catch (error) {
    if (error instanceof TemplateError) return undefined;
    throw error;
  }
}

/** Whether a stage's decks read its libraries' kit and cell list, judged from the deck template's text. */
function deckReadsOf(program: CheckedProgram, stage: StageModel, deckText: string | undefined): StageScriptFacts['deckReads'] {
  if (deckText === undefined || !stage.keySet.includes('library')) return { kit: false, cells: false };
  return {
    kit: deckText.includes('kitTcl') && program.libraries.some((l) => l.kit !== undefined),
    cells: deckText.includes('cellsTcl') && program.libraries.some((l) => l.cells !== undefined),
  };
}
