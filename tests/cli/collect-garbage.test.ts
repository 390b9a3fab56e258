import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/cli/collect-garbage.js';

/** A WeakRef's target is kept until the end of the job that made it (ECMAScript's KeepDuringJob). */
const nextTask = () => new Promise((resolve) => setImmediate(resolve));

describe('collectGarbage', () => {
  it('collects at once what nothing refers to, and keeps what something does', async () => {
    const kept = { rows: new Array(1000).fill('row') };
    const dropped = new WeakRef({ rows: new Array(1000).fill('row') });
    const held = new WeakRef(kept);
    await nextTask();
    collectGarbage();
    expect(dropped.deref()).toBeUndefined();
    expect(held.deref()).toBe(kept);
  });

  it('works again on a later call (the function is fetched once)', async () => {
    collectGarbage();
    const dropped = new WeakRef({ rows: new Array(1000).fill('row') });
    await nextTask();
    collectGarbage();
    expect(dropped.deref()).toBeUndefined();
  });
});
