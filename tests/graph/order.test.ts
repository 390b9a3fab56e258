/** order.ts: the stable topological order, with and without the already-topological shortcut. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { childrenOf, isTopological, stableTopologicalOrder } from '../../src/graph/order.js';

/** Kahn's algorithm taking the smallest ready job, by a linear scan (the definition). */
function reference(parents: readonly (readonly number[])[]): number[] {
  const done = new Set<number>();
  const order: number[] = [];
  while (order.length < parents.length) {
    const v = parents.findIndex((ps, i) => !done.has(i) && ps.every((p) => done.has(p)));
    done.add(v);
    order.push(v);
  }
  return order;
}

describe('stableTopologicalOrder', () => {
  test('a canonical order that is topological comes back unchanged', () => {
    const parents = [[], [0], [0], [1, 2]];
    expect(isTopological(parents)).toBe(true);
    expect([...stableTopologicalOrder(parents, childrenOf(parents))!]).toEqual([0, 1, 2, 3]);
  });

  test('a job before its parent moves after it', () => {
    const parents = [[2], [], []];
    expect(isTopological(parents)).toBe(false);
    expect([...stableTopologicalOrder(parents, childrenOf(parents))!]).toEqual([1, 2, 0]);
  });

  test('equals the definition on random acyclic graphs', () => {
    // A random permutation of a random DAG over 0..n-1 (edges from lower to higher before relabelling).
    const dag = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.tuple(
        fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }),
        fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
      ).map(([edges, label]) => {
        const parents: number[][] = Array.from({ length: n }, () => []);
        for (const [a, b] of edges) if (a < b && !parents[label[b]!]!.includes(label[a]!)) parents[label[b]!]!.push(label[a]!);
        return parents;
      }),
    );
    fc.assert(
      fc.property(dag, (parents) => {
        expect([...stableTopologicalOrder(parents, childrenOf(parents))!]).toEqual(reference(parents));
      }),
    );
  });
});
