/**
 * Document symbols: the declarations of one file (`.lcp` or YAML corner table), each with its
 * block's properties and nested blocks as children (a stage's `resources { … }` holds its
 * properties). Imports are not symbols. Pure: reads only the file's AST.
 */
import type { Span } from '../diagnostics/span.js';
import type { Block, Declaration, LcpFile } from '../syntax/ast.js';

export type OutlineKind = 'pipeline' | 'env' | 'site' | 'tool' | 'queue' | 'node' | 'library' | 'corner' | 'corner set' | 'dimension' | 'stage' | 'template' | 'attribute' | 'property' | 'block';

export interface OutlineSymbol {
  readonly name: string;
  readonly kind: OutlineKind;
  /** A short description (`: n` for a library, `for each library, corner` for a stage). */
  readonly detail?: string;
  /** The whole declaration or property. */
  readonly span: Span;
  /** Its name (inside `span`). */
  readonly selection: Span;
  readonly children: readonly OutlineSymbol[];
}

export function outline(file: LcpFile, textOf: (span: Span) => string): OutlineSymbol[] {
  const symbols: OutlineSymbol[] = [];
  for (const decl of file.declarations) {
    const symbol = declarationSymbol(decl, textOf);
    if (symbol) symbols.push(symbol);
  }
  return symbols;
}

function declarationSymbol(decl: Declaration, textOf: (span: Span) => string): OutlineSymbol | undefined {
  const named = (kind: OutlineKind, detail?: string, body?: Block): OutlineSymbol | undefined => {
    if (!('name' in decl) || decl.name.name === '') return undefined;
    return {
      name: decl.name.name,
      kind,
      ...(detail ? { detail } : {}),
      span: cover(decl.span, decl.name.span),
      selection: decl.name.span,
      children: body ? blockSymbols(body, textOf) : [],
    };
  };
  switch (decl.kind) {
    case 'PipelineDecl':
      return named('pipeline');
    case 'ImportDecl':
      return undefined;
    case 'EnvDecl':
      return named('env', decl.type.name);
    case 'SiteDecl':
      return { name: 'site', kind: 'site', span: cover(decl.span, decl.keyword), selection: decl.keyword, children: blockSymbols(decl.body, textOf) };
    case 'ToolDecl':
      return named('tool', undefined, decl.body);
    case 'QueueDecl':
      return named('queue', undefined, decl.body);
    case 'NodeDecl':
      return named('node', undefined, decl.body);
    case 'LibraryDecl':
      return named('library', decl.node && decl.node.name !== '' ? `: ${decl.node.name}` : undefined, decl.body);
    case 'CornerDecl':
      return named('corner', undefined, decl.body);
    case 'CornerSetDecl':
      return named('corner set', oneLine(textOf(decl.value.span)));
    case 'AttributeDecl': {
      if (decl.entity.name === '' || decl.name.name === '') return undefined;
      const type = decl.type.name === '' ? '' : `: ${decl.type.name}`;
      const detail = `${type}${decl.default ? ` = ${oneLine(textOf(decl.default.span))}` : ''}`;
      return {
        name: `${decl.entity.name}.${decl.name.name}`,
        kind: 'attribute',
        ...(detail ? { detail } : {}),
        span: cover(decl.span, decl.name.span),
        selection: decl.name.span,
        children: [],
      };
    }
    case 'TemplateDecl':
      return named('template', decl.extends && decl.extends.name !== '' ? `extends ${decl.extends.name}` : undefined, decl.body);
    case 'DimensionDecl':
      return named('dimension', decl.values.map((v) => v.name).join(', '));
    case 'StageDecl': {
      const parts = [
        ...(decl.forEach && decl.forEach.keys.length > 0 ? [`for each ${decl.forEach.keys.map((k) => k.name).join(', ')}`] : []),
        ...(decl.forEach?.groupBy ? [`group by ${decl.forEach.groupBy.fields.map((f) => f.name).join(', ')}`] : []),
        ...(decl.after.length > 0 ? [`after ${decl.after.map((a) => a.name).join(', ')}`] : []),
        ...(decl.extends && decl.extends.name !== '' ? [`extends ${decl.extends.name}`] : []),
      ];
      return named('stage', parts.join(' '), decl.body);
    }
  }
}

function blockSymbols(block: Block, textOf: (span: Span) => string): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  for (const item of block.items) {
    if (item.kind === 'Property' && item.key.name !== '') {
      out.push({ name: item.key.name, kind: 'property', detail: oneLine(textOf(item.value.span)), span: cover(item.span, item.key.span), selection: item.key.span, children: [] });
    } else if (item.kind === 'NestedBlock' && item.key.name !== '') {
      out.push({ name: item.key.name, kind: 'block', span: cover(item.span, item.key.span), selection: item.key.span, children: blockSymbols(item.body, textOf) });
    }
  }
  return out;
}

/** `span` grown to contain `inner` (the LSP requires the selection inside the range). */
function cover(span: Span, inner: Span): Span {
  return { file: span.file, start: Math.min(span.start, inner.start), end: Math.max(span.end, inner.end) };
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}
