/**
 * Rule (language.md §5, LCP6001): the deck template of `run = TOOL deck "…"` must exist. Deck
 * templates are looked up next to the pipeline file, then in the site's templates directory,
 * then among libcc's own. Runs only when the checker is given a template host (the driver
 * always gives one); rendering errors in a template that exists are LCP6002, found by the
 * driver once the jobs are known.
 */
import { didYouMean } from '../../diagnostics/suggest.js';
import type { Template } from '../model.js';
import { referenceSource } from '../templates.js';
import type { Rule } from './rule.js';

export const deckTemplates: Rule = {
  name: 'deck-templates',
  run(ctx, input) {
    const host = input.templates;
    if (host === undefined) return;
    for (const stage of input.stages.values()) {
      const run = stage.model?.run;
      if (run?.kind !== 'tool' || run.deck === undefined) continue;
      const name = deckName(run.deck);
      if (host.resolveDeck(name) !== undefined) continue;
      ctx.report('LCP6001', run.deck.span, `deck template \`${name}\` not found`, {
        label: 'no such template',
        help:
          didYouMean(name, host.knownDecks()) ??
          "deck templates are looked up next to the pipeline file, then in `--templates DIR`, then among libcc's own templates",
      });
    }
  },
};

/** The deck's name as written: templates are looked up by their literal name, `${…}` included. */
export function deckName(deck: Template): string {
  return deck.parts
    .map((part) => (part.kind === 'text' ? part.value : referenceSource(part)))
    .join('');
}
