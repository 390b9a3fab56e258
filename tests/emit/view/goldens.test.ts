/**
 * Golden pictures of the examples: `tests/samples/graphs/<example>.<level>.<ext>`. Regenerate with
 * `npm run test:update` (LIBCC_UPDATE_GOLDEN=1) after an intended change and review the diff;
 * render the SVGs (any browser, or `rsvg-convert`) when the layout changes.
 */
import { describe, test } from 'vitest';
import { renderGraph, type GraphFormat } from '../../../src/emit/view/index.js';
import { expectGolden } from '../../helpers/golden.js';
import { examplePlan } from './helpers.js';

const FORMATS: readonly (readonly [GraphFormat, string])[] = [
  ['dot', 'dot'],
  ['mermaid', 'mmd'],
  ['svg', 'svg'],
  ['html', 'html'],
];

describe.each(['minimal', 'n2_tanager'])('examples/%s', (example) => {
  // With a slot cap, as in tests/samples/plans, so the HTML summary shows the capped makespan.
  const plan = examplePlan(example, 64);
  for (const level of ['stages', 'jobs'] as const) {
    for (const [format, extension] of FORMATS) {
      test(`${level} ${format}`, () => {
        expectGolden(`tests/samples/graphs/${example}.${level}.${extension}`, renderGraph(plan, { format, level }));
      });
    }
  }
});
