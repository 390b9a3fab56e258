/**
 * Mermaid flowchart (renders in GitHub and GitLab pull requests). Node ids are the view model's
 * `n<position>` (never a keyword such as `end`, never starting with `o`/`x` after an arrow);
 * every label is in double quotes with the characters that are special to Mermaid or to HTML
 * written as Mermaid entity codes (`#quot;`, `#35;`, …: mermaid.js.org/syntax/flowchart.html,
 * "Entity codes to escape characters"); lines are joined with `<br/>`. The critical path is a
 * `classDef critical` on its nodes and a `linkStyle` (and thick `==>` arrows) on its edges.
 */
import { CRITICAL_COLOR } from './dot.js';
import { collapseNote, summaryLine, type ViewModel, type ViewNode } from './model.js';

const ENTITIES: Readonly<Record<string, string>> = {
  '#': '#35;',
  '"': '#quot;',
  '<': '#lt;',
  '>': '#gt;',
  '&': '#amp;',
  '|': '#124;',
  '`': '#96;',
  '\\': '#92;',
};

/** Text for inside a quoted Mermaid label. */
export function mermaidText(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === '\n' || ch === '\r') out += ' ';
    else out += ENTITIES[ch] ?? ch;
  }
  return out;
}

/** A comment line's text: no line breaks (a comment ends at the line's end). */
function commentText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function nodeLabel(node: ViewNode): string {
  return `"${[`<b>${mermaidText(node.title)}</b>`, ...node.details.map(mermaidText)].join('<br/>')}"`;
}

function shape(node: ViewNode): string {
  const label = nodeLabel(node);
  if (node.kind === 'stage') return `(${label})`;
  if (node.kind === 'group') return `[[${label}]]`;
  return `[${label}]`;
}

export function renderMermaid(model: ViewModel, options: { rankdir?: 'LR' | 'TB' } = {}): string {
  const lines: string[] = [];
  lines.push(`flowchart ${options.rankdir ?? 'LR'}`);
  lines.push(`  %% ${commentText(summaryLine(model))}`);
  const note = collapseNote(model);
  if (note !== undefined) lines.push(`  %% ${commentText(note)}`);
  for (const node of model.nodes) lines.push(`  ${node.id}${shape(node)}`);
  const criticalLinks: number[] = [];
  model.edges.forEach((edge, i) => {
    const arrow = edge.critical ? '==>' : '-->';
    if (edge.critical) criticalLinks.push(i);
    const label = edge.label === '' ? '' : `|"${mermaidText(edge.label)}"|`;
    lines.push(`  ${edge.from} ${arrow}${label} ${edge.to}`);
  });
  const criticalNodes = model.nodes.filter((n) => n.critical).map((n) => n.id);
  lines.push(`  classDef critical fill:#fdecea,stroke:${CRITICAL_COLOR},stroke-width:3px`);
  if (criticalNodes.length > 0) lines.push(`  class ${criticalNodes.join(',')} critical`);
  if (criticalLinks.length > 0) lines.push(`  linkStyle ${criticalLinks.join(',')} stroke:${CRITICAL_COLOR},stroke-width:3px`);
  return `${lines.join('\n')}\n`;
}
