/**
 * Graphviz DOT. Node ids are the names people know (stage names, job ids), always quoted; labels
 * are HTML-like (`<…>`), so no escString (`\n`, `\N`, `\G`) is ever interpreted. The critical path
 * is bold and red.
 */
import { collapseNote, summaryLine, type ViewModel, type ViewNode } from './model.js';

export const CRITICAL_COLOR = '#d62728';

/** A DOT double-quoted string: `"` and `\` escaped, line breaks as `\n`. */
export function dotQuote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n|\r/g, '\\n')}"`;
}

/** Text inside an HTML-like label. */
export function dotHtmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r?\n|\r/g, ' ');
}

function nodeLabel(node: ViewNode): string {
  return `<${[`<B>${dotHtmlText(node.title)}</B>`, ...node.details.map(dotHtmlText)].join('<BR/>')}>`;
}

export function renderDot(model: ViewModel, options: { rankdir?: 'LR' | 'TB' } = {}): string {
  const names = new Map(model.nodes.map((n) => [n.id, n.name] as const));
  const caption = [summaryLine(model), collapseNote(model)].filter((s): s is string => s !== undefined);
  const lines: string[] = [];
  lines.push(`digraph ${dotQuote(model.pipeline)} {`);
  lines.push(
    `  graph [rankdir=${options.rankdir ?? 'LR'}, fontname="monospace", fontsize=11, labelloc=t, label=<${caption.map(dotHtmlText).join('<BR/>')}>];`,
  );
  lines.push('  node [shape=box, style="rounded", fontname="monospace", fontsize=10, margin="0.15,0.08"];');
  lines.push('  edge [fontname="monospace", fontsize=9, color="#555555"];');
  for (const node of model.nodes) {
    const attributes = [`label=${nodeLabel(node)}`];
    if (node.kind === 'group') attributes.push('peripheries=2');
    if (node.critical) attributes.push(`color="${CRITICAL_COLOR}"`, 'penwidth=2.5', `style="rounded,bold"`, 'class="critical"');
    lines.push(`  ${dotQuote(node.name)} [${attributes.join(', ')}];`);
  }
  for (const edge of model.edges) {
    const attributes: string[] = [];
    if (edge.label !== '') attributes.push(`label=<${dotHtmlText(edge.label)}>`);
    if (edge.critical) attributes.push(`color="${CRITICAL_COLOR}"`, `fontcolor="${CRITICAL_COLOR}"`, 'penwidth=2.5', 'style=bold', 'class="critical"');
    const from = dotQuote(names.get(edge.from)!);
    const to = dotQuote(names.get(edge.to)!);
    lines.push(`  ${from} -> ${to}${attributes.length === 0 ? '' : ` [${attributes.join(', ')}]`};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
