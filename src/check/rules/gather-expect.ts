/**
 * Lint (language.md §8, LCP3108): a stage that gathers the jobs of an upstream stage (its key set
 * is a strict subset of the upstream's: `merge` per library after `characterize` per library,
 * corner) and expects a glob without a count. `expect "…"` means `>= 1`, so the job passes when
 * one of the N gathered outputs is there and the others are missing. Suggests `== N` (or
 * `>= N`) when every group gathers the same number of jobs; silent when each gathers one.
 * Declared dimensions count as keys; corner groups (`group by`) are not checked.
 */
import type { Rule } from './rule.js';

export const gatherExpect: Rule = {
  name: 'gather-expect',
  run(ctx, input) {
    // Every (node, library, corner) triple, as the fan-out sees them (before `where` filters).
    // Dimensions are not crossed in: every job of a group gathers each of their values, so they
    // multiply the group's size (crossing them made 26 million objects for four dimensions of 60).
    const triples: Record<string, string>[] = [];
    for (const library of input.libraries.values()) {
      const node = library.model?.node ?? library.decl.node?.name;
      if (node === undefined) continue;
      for (const choice of library.choices) triples.push({ node, library: library.decl.name.name, corner: choice.name });
    }
    const dimensionSizes = new Map([...input.symbols.dimensions.values()].map((d) => [d.name.name, d.values.length]));
    for (const stage of input.stages.values()) {
      const shape = stage.shape;
      if (shape === undefined) continue;
      const ownKeys: readonly string[] = [...shape.keySet, ...(shape.dimensions ?? [])];
      const keys = new Set(ownKeys);
      let gathered: readonly string[] | undefined;
      let upstreamName: string | undefined;
      for (const dependency of shape.after) {
        const upstream = input.stages.get(dependency.stage)?.shape;
        if (upstream === undefined) continue;
        const upstreamKeys: readonly string[] = [...upstream.keySet, ...(upstream.dimensions ?? [])];
        // A grouped stage gathers the corners of its groups: not counted here.
        if (shape.groupBy !== undefined || upstream.groupBy !== undefined) continue;
        const superset = ownKeys.every((k) => upstreamKeys.includes(k)) && upstreamKeys.length > ownKeys.length;
        if (superset) {
          gathered = upstreamKeys;
          upstreamName = upstream.name;
          break;
        }
      }
      if (gathered === undefined || upstreamName === undefined) continue;
      // Only a glob without a count is reported: without one, the groups need not be counted.
      const uncounted = (stage.body ?? stage.decl.body).items.filter((item) => item.kind === 'ExpectStatement' && item.count === undefined && /[*?[]/.test(item.pattern.text));
      if (uncounted.length === 0) continue;
      const builtinOwn = ownKeys.filter((k) => !dimensionSizes.has(k));
      const builtinGathered = gathered.filter((k) => !dimensionSizes.has(k));
      let perDimensions = 1;
      for (const k of gathered) if (!keys.has(k)) perDimensions *= dimensionSizes.get(k) || 1;
      const groups = new Map<string, Set<string>>();
      for (const triple of triples) {
        const group = builtinOwn.map((k) => triple[k]).join('\u0000');
        const member = builtinGathered.map((k) => triple[k]).join('\u0000');
        if (!groups.has(group)) groups.set(group, new Set());
        groups.get(group)!.add(member);
      }
      const sizes = new Set([...groups.values()].map((g) => g.size * perDimensions));
      const n = sizes.size === 1 ? [...sizes][0]! : undefined;
      if (n === 1) continue; // one job gathered: `>= 1` is all of it
      const inner = gathered.filter((k) => !keys.has(k));
      for (const item of uncounted) {
        if (item.kind !== 'ExpectStatement') continue;
        const count = n === undefined ? 'N' : String(n);
        ctx.report('LCP3108', item.pattern.span, `stage \`${shape.name}\` gathers the jobs of \`${upstreamName}\` but expects this glob without a count`, {
          label: 'means `>= 1`: one output of all the gathered jobs is enough to pass',
          help: `say how many files the stage must find, e.g. \`expect "${item.pattern.text}" == ${count}\` or \`>= ${count}\``,
          notes: [
            n === undefined
              ? `each job gathers one job of \`${upstreamName}\` per ${inner.join(', ')}; the number differs between jobs`
              : `each job gathers ${n} job${n === 1 ? '' : 's'} of \`${upstreamName}\` (one per ${inner.join(', ')})`,
          ],
        });
      }
    }
  },
};
