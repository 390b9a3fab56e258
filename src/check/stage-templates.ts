/**
 * Stage templates (language.md §4.6): `template t extends base { … }` holds stage properties;
 * `stage s … extends t { … }` builds from the template's body with its own body on top.
 *
 * Rules: `extends` names a declared template (LCP2001, with did-you-mean); a chain of `extends`
 * must not come back to a template (LCP2019, reported once per cycle, with the cycle). The
 * merge is done on the syntax tree, so that the stage reader sees one block and diagnostics
 * about an inherited property point at the template's text:
 *
 * - a property (`k = v`) of the derived body replaces the base's property `k` (and a base block
 *   `k { … }`);
 * - a block (`resources { … }`, `deck { … }`, and `licenses { … }` inside `resources`) given in
 *   both is merged field by field by the same rules, recursively;
 * - `expect` statements accumulate: the base's first, then the derived body's;
 * - a `retry` in the derived body replaces the base's.
 *
 * A chain `base ← t ← stage` merges base into t, then the result into the stage. The site's
 * `stage_template` is under every stage's chain (unless the chain holds it already). Diagnostics
 * whose primary span lies in a template get a secondary label at the stage's `extends`; an
 * error in a template extended by several stages is reported once.
 */
import { didYouMean, suggest, suggestionFixes } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import type { Block, BlockItem, Identifier, NestedBlock, StageDecl, TemplateDecl } from '../syntax/ast.js';
import type { CheckContext } from './context.js';
import type { SymbolTable } from './symbols.js';

/** A stage's body with its template chain merged in, and the context to read it with. */
export interface ExtendedStage {
  readonly body: Block;
  readonly ctx: CheckContext;
  /** False when the template chain has an error (unknown template, cycle). */
  readonly ok: boolean;
}

export class StageTemplates {
  /** Bodies of templates with their own bases merged in; `undefined`: the chain is broken. */
  private readonly resolved = new Map<string, Block | undefined>();
  private readonly reportedCycles = new Set<string>();
  /** Diagnostics in template text already reported (through another stage). */
  private readonly reported = new Set<string>();

  /** The site's `stage_template`, resolved on first use: its merged body, or why not. */
  private site: { body: Block; name: string } | 'none' | 'broken' | undefined;

  constructor(
    private readonly ctx: CheckContext,
    private readonly symbols: SymbolTable,
    /** `site { stage_template = t }`: the base of every stage. */
    private readonly siteTemplate?: { readonly name: string; readonly span: Span },
  ) {}

  private siteBase(): { body: Block; name: string } | 'none' | 'broken' {
    if (this.site !== undefined) return this.site;
    this.site = 'none';
    if (this.siteTemplate === undefined) return this.site;
    const template = this.lookup(this.siteTemplate);
    const body = template === undefined ? undefined : this.resolve(template.name.name, []);
    this.site = body === undefined ? 'broken' : { body, name: template!.name.name };
    return this.site;
  }

  /** The names of a template and of every template it extends. */
  private chain(name: string): Set<string> {
    const names = new Set<string>();
    for (let t = this.symbols.templates.get(name); t !== undefined && !names.has(t.name.name); t = t.extends && this.symbols.templates.get(t.extends.name)) names.add(t.name.name);
    return names;
  }

  /** Resolve every template (reports unknown bases and cycles even when no stage extends them). */
  checkAll(): void {
    for (const name of this.symbols.templates.keys()) this.resolve(name, []);
  }

  /** The stage's body merged over its template chain. */
  extend(decl: StageDecl): ExtendedStage {
    const site = this.siteBase();
    if (site === 'broken') {
      // Still resolve the stage's own template: one mistake, one diagnostic.
      if (decl.extends !== undefined && decl.extends.name !== '') this.lookup(decl.extends);
      return { body: decl.body, ctx: this.ctx, ok: false };
    }
    if (decl.extends === undefined) {
      if (site === 'none') return { body: decl.body, ctx: this.ctx, ok: true };
      return { body: mergeBlocks(site.body, decl.body), ctx: this.inheriting(decl, this.siteTemplate!), ok: true };
    }
    if (decl.extends.name === '') return { body: decl.body, ctx: this.ctx, ok: false };
    const template = this.lookup(decl.extends);
    if (template === undefined) return { body: decl.body, ctx: this.ctx, ok: false };
    let base = this.resolve(template.name.name, []);
    if (base === undefined) return { body: decl.body, ctx: this.ctx, ok: false };
    // The site's template is under the chain, unless the chain already holds it.
    if (site !== 'none' && !this.chain(template.name.name).has(site.name)) base = mergeBlocks(site.body, base);
    return { body: mergeBlocks(base, decl.body), ctx: this.inheriting(decl, decl.extends), ok: true };
  }

  /** Look a template name up; records the use or reports LCP2001. */
  private lookup(identifier: Pick<Identifier, 'name' | 'span'>): TemplateDecl | undefined {
    const template = this.symbols.templates.get(identifier.name);
    if (template === undefined) {
      const hint = didYouMean(identifier.name, this.symbols.templates.keys());
      // The template the user meant is not "unused": one mistake, one diagnostic.
      for (const meant of suggest(identifier.name, this.symbols.templates.keys(), 1)) this.ctx.markUsed('template', meant);
      this.ctx.report('LCP2001', identifier.span, `unknown stage template \`${identifier.name}\``, {
        label: 'no template of this name',
        help: hint ?? `declare it: \`template ${identifier.name} { … }\``,
        fixes: suggestionFixes(identifier.name, identifier.span, this.symbols.templates.keys()),
      });
      return undefined;
    }
    this.ctx.markUsed('template', identifier.name);
    this.ctx.references.use('template', identifier);
    return template;
  }

  private resolve(name: string, chain: readonly TemplateDecl[]): Block | undefined {
    if (this.resolved.has(name)) return this.resolved.get(name);
    const template = this.symbols.templates.get(name)!;
    const at = chain.indexOf(template);
    if (at >= 0) {
      const cycle = chain.slice(at);
      const key = cycle.map((t) => t.name.name).sort().join(' ');
      if (!this.reportedCycles.has(key)) {
        this.reportedCycles.add(key);
        const last = cycle[cycle.length - 1]!;
        const names = [...cycle, template].map((t) => `\`${t.name.name}\``).join(' → ');
        this.ctx.report('LCP2019', last.extends!.span, `stage templates extend each other in a cycle: ${names}`, {
          label: 'closes the cycle',
          secondary: cycle.slice(0, -1).map((t) => ({ span: t.extends!.span, message: `\`${t.name.name}\` extends \`${t.extends!.name}\`` })),
          help: 'a template may extend another only if that one does not extend it back; remove one `extends`',
        });
      }
      return undefined;
    }
    let body: Block | undefined = template.body;
    if (template.extends !== undefined && template.extends.name !== '') {
      const base = this.lookup(template.extends);
      const baseBody = base === undefined ? undefined : this.resolve(base.name.name, [...chain, template]);
      body = baseBody === undefined ? undefined : mergeBlocks(baseBody, template.body);
    }
    // A template on a cycle is resolved by the walk that found it; do not cache a partial answer.
    if (!this.resolved.has(name)) this.resolved.set(name, body);
    return body;
  }

  /** A context whose diagnostics in template text name the stage's `extends` (and come once). */
  private inheriting(decl: StageDecl, base: { readonly span: Span }): CheckContext {
    const parent = this.ctx;
    const templates = [...this.symbols.templates.values()].map((t) => t.span);
    const reported = this.reported;
    const inherited: CheckContext = Object.create(parent) as CheckContext;
    inherited.report = (code, span, message, options) => {
      if (!templates.some((t) => contains(t, span))) return parent.report(code, span, message, options);
      const key = `${code}\u0000${span.file}\u0000${span.start}\u0000${span.end}\u0000${message}`;
      if (reported.has(key)) return;
      reported.add(key);
      parent.report(code, span, message, {
        ...options,
        secondary: [...(options?.secondary ?? []), { span: base.span, message: `inherited by stage \`${decl.name.name}\`` }],
      });
    };
    return inherited;
  }
}

function contains(outer: Span, inner: Span): boolean {
  return outer.file === inner.file && outer.start <= inner.start && inner.end <= outer.end;
}

/** `derived` over `base`: the rules in the header. The result has `derived`'s span. */
export function mergeBlocks(base: Block, derived: Block): Block {
  const keyed = new Map<string, BlockItem>();
  for (const item of derived.items) if (item.kind === 'Property' || item.kind === 'NestedBlock') if (!keyed.has(item.key.name)) keyed.set(item.key.name, item);
  const derivedRetry = derived.items.some((i) => i.kind === 'RetryStatement');
  const merged = new Map<NestedBlock, NestedBlock>();
  const items: BlockItem[] = [];
  for (const item of base.items) {
    if (item.kind === 'ExpectStatement') items.push(item);
    else if (item.kind === 'RetryStatement') {
      if (!derivedRetry) items.push(item);
    } else {
      const over = keyed.get(item.key.name);
      if (over === undefined || item.key.name === '') items.push(item);
      else if (over.kind === 'NestedBlock' && item.kind === 'NestedBlock' && !merged.has(over)) {
        merged.set(over, { ...over, body: mergeBlocks(item.body, over.body) });
      }
    }
  }
  for (const item of derived.items) items.push(item.kind === 'NestedBlock' ? (merged.get(item) ?? item) : item);
  return { ...derived, items };
}
