/**
 * Libraries. Rules: a library names a declared node after `:` (LCP2001, LCP2007) and a
 * non-empty list of corners (`corners`, required); its `kit` and `cells` are paths that may
 * interpolate env variables only.
 */
import { didYouMean, suggestionFixes } from '../diagnostics/suggest.js';
import type { LibraryDecl } from '../syntax/ast.js';
import type { CheckContext } from './context.js';
import type { CornerChoice, CornerSetResolver } from './corners.js';
import { readGlobalString, type NodeBuild } from './declarations.js';
import type { LibraryModel } from './model.js';
import { readBlock } from './schema.js';
import type { SymbolTable } from './symbols.js';
import type { TemplateEnvironment } from './templates.js';
import { mismatch } from './values.js';
import { attributeProperties, NO_ATTRIBUTES, readAttributes, type AttributeSchemas } from './attributes.js';

export interface LibraryBuild {
  readonly decl: LibraryDecl;
  readonly model?: LibraryModel;
  /** The corners, each with the span in the `corners` value that chose it. */
  readonly choices: readonly CornerChoice[];
}

export function buildLibraries(
  ctx: CheckContext,
  symbols: SymbolTable,
  nodes: ReadonlyMap<string, NodeBuild>,
  resolver: CornerSetResolver,
  environment: TemplateEnvironment,
  attributes: AttributeSchemas = NO_ATTRIBUTES,
): Map<string, LibraryBuild> {
  const libraries = new Map<string, LibraryBuild>();
  for (const decl of symbols.libraries.values()) {
    const id = decl.name.name;
    const what = `library \`${id}\``;
    let ok = true;
    let node: string | undefined;
    if (decl.node === undefined || decl.node.name === '') {
      const only = nodes.size === 1 ? [...nodes.keys()][0] : undefined;
      ctx.report('LCP2007', decl.name.span, `${what} does not say which node it belongs to`, {
        label: 'no node',
        help: `write \`library ${id} : ${only ?? '<node>'} { … }\``,
      });
      ok = false;
    } else if (!symbols.nodes.has(decl.node.name)) {
      const hint = didYouMean(decl.node.name, symbols.nodes.keys());
      ctx.report('LCP2001', decl.node.span, `unknown node \`${decl.node.name}\``, {
        label: 'no node of this name',
        ...(hint ? { help: hint } : {}),
        fixes: suggestionFixes(decl.node.name, decl.node.span, symbols.nodes.keys()),
      });
      ok = false;
    } else {
      node = decl.node.name;
      ctx.markUsed('node', node);
      ctx.references.use('node', decl.node);
    }

    const contents = readBlock(
      ctx,
      decl.body,
      { properties: { name: 'value', kit: 'value', cells: 'value', corners: 'value', ...attributeProperties(attributes, 'library') }, required: ['corners'] },
      what,
      decl.name.span,
    );
    const value = (key: string) => contents.values.get(key)?.value;
    let name = id;
    const nameExpression = value('name');
    if (nameExpression) {
      if (nameExpression.kind !== 'String' || nameExpression.parts.some((p) => p.kind === 'Interpolation')) {
        if (nameExpression.kind === 'String') {
          ctx.report('LCP3001', nameExpression.span, 'a library `name` cannot contain interpolations', {
            label: 'interpolation is not allowed here',
            help: 'write the full name literally: it names files and jobs when the pipeline is compiled, before any env variable is known',
          });
        } else mismatch(ctx, nameExpression, 'a string', 'name');
        ok = false;
      } else if (!/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(nameExpression.text)) {
        ctx.report('LCP3005', nameExpression.span, 'a library name starts with a letter or digit and has only letters, digits, `_`, `.`, `+` and `-`', {
          label: 'invalid library name',
          help: 'library names become file and job names',
        });
        ok = false;
      } else name = nameExpression.text;
    }
    const kitExpression = value('kit');
    const cellsExpression = value('cells');
    const kit = kitExpression && readGlobalString(ctx, kitExpression, 'kit', environment);
    const cells = cellsExpression && readGlobalString(ctx, cellsExpression, 'cells', environment);
    if ((kitExpression && !kit) || (cellsExpression && !cells)) ok = false;

    const attributeValues = readAttributes(ctx, attributes, 'library', contents.values, what, decl.name.span, decl.body);
    if (!attributeValues.ok) ok = false;

    const cornersExpression = value('corners');
    const choices = cornersExpression ? resolver.evaluate(cornersExpression, what) : undefined;
    if (cornersExpression && choices !== undefined && choices.length === 0) {
      ctx.report('LCP3005', cornersExpression.span, `${what} has no corners`, {
        label: 'selects no corner',
        help: 'a library is characterized at one corner at least',
      });
      ok = false;
    }
    if (choices === undefined) ok = false;

    const model: LibraryModel | undefined =
      ok && node !== undefined && choices !== undefined
        ? {
            id,
            name,
            node,
            ...(kit ? { kit } : {}),
            ...(cells ? { cells } : {}),
            corners: choices.map((c) => c.name),
            ...(attributeValues.attributes ? { attributes: attributeValues.attributes } : {}),
            span: decl.name.span,
          }
        : undefined;
    libraries.set(id, { decl, ...(model ? { model } : {}), choices: choices ?? [] });
  }
  return libraries;
}
