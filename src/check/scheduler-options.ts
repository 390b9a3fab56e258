/**
 * Scheduler options, `site { scheduler_options { … } }` and `resources { scheduler { … } }`:
 * typed pass-through settings of the submission (docs/language.md §2.1). Rules: an unknown
 * option is LCP2006 (did-you-mean); a value of the wrong type LCP3001; `priority` an integer
 * ≥ 1; strings are plain, non-empty, one line (LCP3005). Whether the chosen scheduler supports
 * an option is checked when compiling (src/schedulers/*, LCP6003).
 */
import type { Span } from '../diagnostics/span.js';
import type { NestedBlock } from '../syntax/ast.js';
import type { CheckContext } from './context.js';
import { SCHEDULER_OPTION_NAMES, type SchedulerOptionName, type SchedulerOptions } from './model.js';
import { readBlock } from './schema.js';
import { mismatch, readInteger } from './values.js';

const SCHEMA = { properties: Object.fromEntries(SCHEDULER_OPTION_NAMES.map((n) => [n, 'value'])) as Record<SchedulerOptionName, 'value'> } as const;

type Mutable = { -readonly [K in keyof SchedulerOptions]: SchedulerOptions[K] } & { spans: Partial<Record<SchedulerOptionName, Span>> };

/** The options of one block; `undefined` after an error. */
export function readSchedulerOptions(ctx: CheckContext, block: NestedBlock, what: string): SchedulerOptions | undefined {
  const contents = readBlock(ctx, block.body, SCHEMA, what, block.key.span);
  const options: Mutable = { spans: {} };
  let ok = true;
  for (const [name, property] of contents.values) {
    const option = name as SchedulerOptionName;
    const expression = property.value;
    if (option === 'priority') {
      const value = readInteger(ctx, expression, 'priority', 1);
      if (value === undefined) ok = false;
      else options.priority = value;
    } else {
      if (expression.kind !== 'String') {
        mismatch(ctx, expression, 'a string', option);
        ok = false;
        continue;
      }
      if (expression.parts.some((p) => p.kind === 'Interpolation') || expression.text.trim() === '' || /[\u0000-\u001f\u007f]/.test(expression.text)) {
        ctx.report('LCP3005', expression.span, `\`${option}\` must be a plain, non-empty string on one line`, {
          label: 'not passed to the scheduler as is',
        });
        ok = false;
        continue;
      }
      options[option] = expression.text;
    }
    options.spans[option] = expression.span;
  }
  return ok ? options : undefined;
}

/** The stage's options over the site's, option by option. */
export function mergeSchedulerOptions(site: SchedulerOptions | undefined, stage: SchedulerOptions | undefined): SchedulerOptions | undefined {
  if (site === undefined) return stage;
  if (stage === undefined) return site;
  return { ...site, ...stage, spans: { ...site.spans, ...stage.spans } };
}
