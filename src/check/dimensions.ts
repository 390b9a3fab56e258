/**
 * Declared dimensions (language.md §4.1): `dimension arcs = [cons, non_cons]`. Rules (LCP2014):
 * at least one value, no value twice, and a name that is not a built-in fan-out key or a
 * built-in interpolation name or env variable (`${arcs}` must mean the dimension).
 */
import type { DimensionDecl, EnvDecl } from '../syntax/ast.js';
import type { CheckContext } from './context.js';
import type { DimensionModel } from './model.js';
import { RESERVED_NAMES } from './symbols.js';

/** The valid dimensions by name, in declaration order. */
export function buildDimensions(ctx: CheckContext, declarations: ReadonlyMap<string, DimensionDecl>, envs: ReadonlyMap<string, EnvDecl>): Map<string, DimensionModel> {
  const dimensions = new Map<string, DimensionModel>();
  for (const decl of declarations.values()) {
    const name = decl.name.name;
    let ok = true;
    if (RESERVED_NAMES.has(name) || name === 'group') {
      const builtinKey = name === 'node' || name === 'library' || name === 'corner';
      ctx.report('LCP2014', decl.name.span, `\`${name}\` is a built-in ${builtinKey ? 'fan-out key' : 'name'} and cannot be a dimension`, {
        label: builtinKey ? 'already a fan-out key' : 'a built-in interpolation name',
        help: 'choose another name for the dimension',
      });
      ok = false;
    }
    const env = envs.get(name);
    if (env !== undefined) {
      ctx.report('LCP2014', decl.name.span, `dimension \`${name}\` has the name of an env variable`, {
        label: '`${' + name + '}` would be ambiguous',
        secondary: [{ span: env.name.span, message: 'env variable declared here' }],
        help: 'rename the dimension or the env variable',
      });
      ok = false;
    }
    if (decl.values.length === 0) {
      ctx.report('LCP2014', decl.span, `dimension \`${name}\` has no values`, {
        label: 'empty list',
        help: 'list the values the stages fan out over, e.g. `dimension arcs = [cons, non_cons]`',
      });
      ok = false;
    }
    const values: string[] = [];
    const firsts = new Map<string, DimensionDecl['values'][number]>();
    for (const value of decl.values) {
      if (value.name === '') continue; // recovered from a syntax error, already reported
      const first = firsts.get(value.name);
      if (first !== undefined) {
        ctx.report('LCP2014', value.span, `\`${value.name}\` is listed twice in dimension \`${name}\``, {
          label: 'listed again',
          secondary: [{ span: first.span, message: 'first listed here' }],
          help: 'remove the duplicate: each value is one job per stage',
        });
        ok = false;
        continue;
      }
      firsts.set(value.name, value);
      values.push(value.name);
    }
    if (ok && name !== '') dimensions.set(name, { name, values, span: decl.name.span });
  }
  return dimensions;
}
