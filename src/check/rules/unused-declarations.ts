/**
 * Lint (language.md §8, LCP3103): declarations nothing uses — an env variable no string
 * interpolates, a tool no stage runs, a queue no stage uses, a corner set nothing names, a
 * corner declared in a `.lcp` file that no library characterizes, a node without libraries, a
 * stage template no `extends` names.
 * Corners and sets of YAML tables are exempt: a table is shared by pipelines that use parts of it.
 */
import type { Rule } from './rule.js';

export const unusedDeclarations: Rule = {
  name: 'unused-declarations',
  run(ctx, input) {
    const warn = (span: Parameters<typeof ctx.report>[1], what: string, help: string) =>
      ctx.report('LCP3103', span, `${what} is never used`, { label: 'unused', help });

    for (const env of input.symbols.envs.values()) {
      if (!ctx.isUsed('env', env.name.name)) warn(env.name.span, `env variable \`${env.name.name}\``, 'interpolate it with `${…}` or remove it');
    }
    for (const tool of input.symbols.tools.values()) {
      if (!ctx.isUsed('tool', tool.name.name)) warn(tool.name.span, `tool \`${tool.name.name}\``, 'run it from a stage or remove it');
    }
    for (const queue of input.symbols.queues.values()) {
      if (!ctx.isUsed('queue', queue.name.name)) warn(queue.name.span, `queue \`${queue.name.name}\``, 'use it in a stage\'s `resources` or remove it');
    }
    const characterized = new Set<string>();
    for (const library of input.libraries.values()) for (const choice of library.choices) characterized.add(choice.name);
    for (const decl of input.symbols.corners.values()) {
      if (decl.kind === 'CornerSetDecl') {
        if (!ctx.isUsed('corner', decl.name.name) && !/\.ya?ml$/i.test(decl.span.file)) warn(decl.name.span, `corner set \`${decl.name.name}\``, 'use it in a library\'s `corners` or remove it');
      } else if (!input.corners.get(decl.name.name)?.fromTable && !characterized.has(decl.name.name) && !ctx.isUsed('corner', decl.name.name)) {
        warn(decl.name.span, `corner \`${decl.name.name}\``, 'add it to a library\'s `corners` or remove it');
      }
    }
    for (const template of input.symbols.templates.values()) {
      if (!ctx.isUsed('template', template.name.name)) warn(template.name.span, `stage template \`${template.name.name}\``, 'extend it from a stage (`stage s … extends t { … }`) or remove it');
    }
    for (const node of input.symbols.nodes.values()) {
      if (!ctx.isUsed('node', node.name.name)) warn(node.name.span, `node \`${node.name.name}\``, 'declare a library of it (`library x : node { … }`) or remove it');
    }
  },
};
