/**
 * `emitBytes` (src/emit/emit.ts): what the lazily made contents keep alive. `libcc diff` keeps
 * only the contents of the files that differ while it prints their patches; plan.json's must not
 * hold every other file through the scope it was made in (at 100k jobs, 130 MB of decks).
 */
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/cli/collect-garbage.js';
import { emitBytes, type LazyBytes } from '../../src/emit/emit.js';
import { analyseFile, builtinTemplates } from '../helpers/analysis.js';

/** plan.json's content of examples/n2_tanager, and a weak reference to every other file's content. */
function planAndOthers(): { plan: LazyBytes; others: WeakRef<object>[] } {
  const analysis = analyseFile('examples/n2_tanager/flow.lcp', { keepDecks: true });
  const files = emitBytes({ program: analysis.program!, plan: analysis.plan!, decks: analysis.decks!, source: '../flow.lcp', templates: builtinTemplates('examples/n2_tanager') }).files!;
  const others = [...files].filter(([path]) => path !== 'plan.json').map(([, content]) => new WeakRef(content));
  return { plan: files.get('plan.json') as LazyBytes, others };
}

describe('emitBytes', () => {
  it("plan.json's content keeps the plan, and none of the other files", async () => {
    const { plan, others } = planAndOthers();
    expect(others.length).toBeGreaterThan(50);
    // A weak reference holds its target until the current turn ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(others.filter((other) => other.deref() !== undefined)).toHaveLength(0);
    expect(JSON.parse(plan().toString('utf8')).pipeline).toBe('n2_tanager');
  });
});
