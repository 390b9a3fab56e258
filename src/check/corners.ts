/**
 * Corners and corner sets.
 * Rules: a corner's fields agree with its name under the site's `corner_style` (LCP3007); an
 * omitted field is derived from the name, or is LCP3008 when the name does not follow the
 * style; process and RC corners come from the site vocabulary (LCP3006). Corner-set expressions
 * name declared corners or sets (LCP2001), are not defined in terms of themselves, and a list
 * does not name the same corner twice (LCP3016).
 */
import { didYouMean, suggest, suggestionFixes } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import type { CornerDecl, CornerSetDecl, Expression, Identifier } from '../syntax/ast.js';
import { listNames, type CheckContext } from './context.js';
import { compileCornerStyle, formatCornerName, notationOf, parseCornerName, temperaturesEqual, voltagesEqual } from './corner-name.js';
import { resolveCondition, type ConditionScope } from './conditions.js';
import { evaluateCondition } from './evaluate.js';
import { cornerField } from './fields.js';
import { formatTemperature, formatVoltage } from './units.js';
import type { CornerModel, SiteModel } from './model.js';
import { readBlock } from './schema.js';
import { suggestRcCorner } from './vocabulary.js';
import { attributeProperties, NO_ATTRIBUTES, readAttributes, type AttributeSchema, type AttributeSchemas } from './attributes.js';
import type { SymbolTable } from './symbols.js';
import { describeExpression, isMissing, readEnum, readInteger, readQuantity } from './values.js';

export interface CornerBuild {
  readonly decl: CornerDecl;
  /** Undefined when the corner has errors of its own. */
  readonly model?: CornerModel;
  /** Span of each field as written (for node-compatibility messages); the name when derived. */
  readonly fieldSpans: Readonly<Record<'process' | 'voltage' | 'temperature' | 'rc', Span>>;
  /** Declared in a YAML table: shared tables may hold corners a pipeline does not use. */
  readonly fromTable: boolean;
  /**
   * Required attributes a table corner does not set: reported (LCP2007) only when a library
   * uses the corner, since a shared table may serve pipelines that do not declare them.
   */
  readonly missingAttributes?: readonly AttributeSchema[];
}

const CORNER_PROPERTIES = { process: 'value', voltage: 'value', temperature: 'value', rc: 'value', mc_samples: 'value' } as const;

export function buildCorners(ctx: CheckContext, symbols: SymbolTable, site: SiteModel, attributes: AttributeSchemas = NO_ATTRIBUTES): Map<string, CornerBuild> {
  const compiled = compileCornerStyle(site.cornerStyle);
  const style = 'error' in compiled ? undefined : compiled;
  const corners = new Map<string, CornerBuild>();

  for (const decl of symbols.corners.values()) {
    if (decl.kind !== 'CornerDecl') continue;
    const name = decl.name.name;
    const what = `corner \`${name}\``;
    const contents = readBlock(ctx, decl.body, { properties: { ...CORNER_PROPERTIES, ...attributeProperties(attributes, 'corner') } }, what, decl.name.span);
    const value = (key: string) => contents.values.get(key)?.value;
    const fromName = style ? parseCornerName(style, name) : undefined;
    let ok = true;

    const processExpression = value('process');
    const voltageExpression = value('voltage');
    const temperatureExpression = value('temperature');
    const rcExpression = value('rc');
    const mcExpression = value('mc_samples');

    let process = processExpression ? readEnum(ctx, processExpression, site.processes, 'process', 'process corner') : fromName?.process;
    let voltage = voltageExpression ? readQuantity(ctx, voltageExpression, 'voltage', 'voltage') : fromName?.voltage;
    let temperature = temperatureExpression ? readQuantity(ctx, temperatureExpression, 'temperature', 'temperature') : fromName?.temperature;
    let rc = rcExpression ? readEnum(ctx, rcExpression, site.rcCorners, 'rc', 'RC corner') : fromName?.rc;
    const mcSamples = mcExpression ? readInteger(ctx, mcExpression, 'mc_samples', 1) : undefined;
    if (mcExpression && mcSamples === undefined) ok = false;
    const fromTable = /\.ya?ml$/i.test(decl.span.file);
    const missingAttributes: AttributeSchema[] = [];
    const attributeValues = readAttributes(ctx, attributes, 'corner', contents.values, what, decl.name.span, decl.body, fromTable ? missingAttributes : undefined);
    if (!attributeValues.ok) ok = false;

    if (voltage !== undefined && voltage <= 0 && voltageExpression) {
      ctx.report('LCP3005', voltageExpression.span, 'a corner voltage must be positive', { label: 'not a supply voltage' });
      voltage = undefined;
      ok = false;
    }

    // Fields that were given must agree with the name.
    if (fromName !== undefined) {
      const disagreements: { field: string; span: Span; written: string; named: string }[] = [];
      if (processExpression && process !== undefined && process !== fromName.process)
        disagreements.push({ field: 'process', span: processExpression.span, written: process, named: fromName.process });
      if (voltageExpression && voltage !== undefined && !voltagesEqual(voltage, fromName.voltage))
        disagreements.push({ field: 'voltage', span: voltageExpression.span, written: formatVoltage(voltage), named: `\`${fromName.voltageText}\` (${formatVoltage(fromName.voltage)})` });
      if (temperatureExpression && temperature !== undefined && !temperaturesEqual(temperature, fromName.temperature))
        disagreements.push({ field: 'temperature', span: temperatureExpression.span, written: formatTemperature(temperature), named: `\`${fromName.temperatureText}\` (${formatTemperature(fromName.temperature)})` });
      if (rcExpression && rc !== undefined && fromName.rc !== undefined && rc !== fromName.rc)
        disagreements.push({ field: 'rc', span: rcExpression.span, written: rc, named: fromName.rc });
      for (const d of disagreements) {
        const renamed =
          process !== undefined && voltage !== undefined && temperature !== undefined && style
            ? formatCornerName(style, { process, voltage, temperature, ...(rc !== undefined ? { rc } : {}) }, notationOf(fromName))
            : undefined;
        ctx.report('LCP3007', d.span, `the ${d.field} of corner \`${name}\` disagrees with its name`, {
          label: `this says ${d.written}`,
          secondary: [{ span: decl.name.span, message: `the name says ${d.named}` }],
          help: renamed && renamed !== name ? `fix the field, or rename the corner \`${renamed}\`` : `fix the field or the name`,
        });
        ok = false;
      }
    }

    // Omitted fields that the name could not supply.
    const missing: string[] = [];
    if (!processExpression && process === undefined) missing.push('process');
    if (!voltageExpression && voltage === undefined) missing.push('voltage');
    if (!temperatureExpression && temperature === undefined) missing.push('temperature');
    if (missing.length > 0) {
      ctx.report('LCP3008', decl.name.span, `corner \`${name}\` has no ${listNames(missing, 'or')} and its name does not follow the corner style`, {
        label: `expected a name like \`${site.cornerStyle}\``,
        help: `write the field${missing.length > 1 ? 's' : ''} explicitly, e.g. \`${missing.map((field) => exampleField(field, isYamlFile(decl.name.span.file))).join(yamlJoin(decl.name.span.file))}\``,
        notes: [`the corner style is \`${site.cornerStyle}\` (site \`corner_style\`)`],
      });
      ok = false;
    }

    if (process === undefined || voltage === undefined || temperature === undefined) ok = false;
    if (processExpression && process === undefined) ok = false;
    if (rcExpression && rc === undefined) ok = false;
    // A derived process or RC corner must be in the vocabulary too.
    if (!processExpression && process !== undefined && !site.processes.includes(process)) {
      ctx.report('LCP3006', decl.name.span, `corner \`${name}\` names the unknown process corner \`${process}\``, {
        label: 'derived from the name',
        notes: [`known: ${site.processes.map((p) => `\`${p}\``).join(', ')}`],
      });
      process = undefined;
      ok = false;
    }
    if (!rcExpression && rc !== undefined && !site.rcCorners.includes(rc)) {
      ctx.report('LCP3006', decl.name.span, `corner \`${name}\` names the unknown RC corner \`${rc}\``, {
        label: 'derived from the name',
        ...(suggestRcCorner(rc, site.rcCorners) ? { help: suggestRcCorner(rc, site.rcCorners)! } : {}),
      });
      rc = undefined;
      ok = false;
    }

    const model: CornerModel | undefined =
      ok && process !== undefined && voltage !== undefined && temperature !== undefined
        ? {
            name,
            process,
            voltage,
            temperature,
            ...(rc !== undefined ? { rc } : {}),
            ...(mcSamples !== undefined ? { mcSamples } : {}),
            ...(attributeValues.attributes ? { attributes: attributeValues.attributes } : {}),
            span: decl.name.span,
          }
        : undefined;
    corners.set(name, {
      decl,
      ...(model ? { model } : {}),
      fieldSpans: {
        process: processExpression?.span ?? decl.name.span,
        voltage: voltageExpression?.span ?? decl.name.span,
        temperature: temperatureExpression?.span ?? decl.name.span,
        rc: rcExpression?.span ?? decl.name.span,
      },
      fromTable,
      ...(missingAttributes.length > 0 ? { missingAttributes } : {}),
    });
  }
  return corners;
}

/** A field as the corner's own file writes it: `voltage = 0.48V` in a pipeline, `voltage: 0.48V` in a YAML corner table. */
function exampleField(field: string, yaml: boolean): string {
  const value = field === 'process' ? 'ssgnp' : field === 'voltage' ? '0.48V' : '-40C';
  return yaml ? `${field}: ${value}` : `${field} = ${value}`;
}

function isYamlFile(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

/** Fields side by side in a pipeline; in YAML each is a key of the corner's mapping, listed with `, `. */
function yamlJoin(file: string): string {
  return isYamlFile(file) ? ', ' : '  ';
}

/** A corner chosen by a corner-set expression, with the span that chose it. */
export interface CornerChoice {
  readonly name: string;
  readonly span: Span;
}

/**
 * Evaluates corner-set expressions (named sets and library `corners` values), memoising named
 * sets. Returns undefined after reporting when the expression is invalid.
 */
export class CornerSetResolver {
  private readonly memo = new Map<string, CornerChoice[] | undefined>();
  private readonly resolving = new Set<string>();

  constructor(
    private readonly ctx: CheckContext,
    private readonly symbols: SymbolTable,
    private readonly corners: ReadonlyMap<string, CornerBuild>,
    private readonly conditionScope: Omit<ConditionScope, 'what' | 'keySet'>,
  ) {}

  resolveSet(decl: CornerSetDecl): CornerChoice[] | undefined {
    const name = decl.name.name;
    if (this.memo.has(name)) return this.memo.get(name);
    if (this.resolving.has(name)) {
      this.ctx.report('LCP2001', decl.name.span, `corner set \`${name}\` is defined in terms of itself`, {
        label: 'refers back to itself',
      });
      this.memo.set(name, undefined);
      return undefined;
    }
    this.resolving.add(name);
    const result = this.evaluate(decl.value, `corner set \`${name}\``);
    this.resolving.delete(name);
    this.memo.set(name, result);
    return result;
  }

  /** `what` names the owner for messages ("library `base_svt`"). */
  evaluate(expression: Expression, what: string): CornerChoice[] | undefined {
    switch (expression.kind) {
      case 'List': {
        const result: CornerChoice[] = [];
        const direct = new Map<string, Span>();
        let ok = true;
        for (const item of expression.items) {
          if (item.kind === 'Reference' && item.path.length === 1) {
            const identifier = item.path[0]!;
            const target = this.symbols.corners.get(identifier.name);
            if (target?.kind === 'CornerDecl') {
              const first = direct.get(identifier.name);
              if (first !== undefined) {
                this.ctx.report('LCP3016', identifier.span, `corner \`${identifier.name}\` is listed twice in ${what}`, {
                  label: 'listed again here',
                  secondary: [{ span: first, message: 'first listed here' }],
                  help: 'remove the duplicate: each corner is characterized once per library',
                });
                continue; // reported; the rest of the list is still checked
              }
              direct.set(identifier.name, identifier.span);
            }
          }
          const chosen = this.evaluate(item, what);
          if (chosen === undefined) ok = false;
          else for (const choice of chosen) if (!result.some((c) => c.name === choice.name)) result.push(choice);
        }
        return ok ? result : undefined;
      }
      case 'Reference': {
        if (expression.path.length !== 1) return this.notASet(expression, what);
        return this.resolveName(expression.path[0]!);
      }
      case 'Filter': {
        const source = this.evaluate(expression.source, what);
        const condition = resolveCondition(this.ctx, expression.condition, {
          ...this.conditionScope,
          what,
          keySet: new Set(['corner']),
        });
        if (source === undefined || condition === undefined) return undefined;
        return source.filter((choice) => {
          const corner = this.corners.get(choice.name)?.model;
          if (corner === undefined) return true; // its own errors are reported; keep it for other checks
          return evaluateCondition(condition, (entity, field) => (entity === 'corner' ? cornerField(corner, field) : undefined));
        });
      }
      default:
        return this.notASet(expression, what);
    }
  }

  /** A corner or corner set by name; undefined after reporting. */
  resolveName(identifier: Identifier): CornerChoice[] | undefined {
    if (identifier.name === '') return undefined;
    const target = this.symbols.corners.get(identifier.name);
    if (target === undefined) {
      const hint = didYouMean(identifier.name, this.symbols.corners.keys());
      // The corner the user meant is not "unused": one mistake, one diagnostic.
      for (const meant of suggest(identifier.name, this.symbols.corners.keys(), 1)) this.ctx.markUsed('corner', meant);
      this.ctx.report('LCP2001', identifier.span, `unknown corner \`${identifier.name}\``, {
        label: 'no corner or corner set of this name',
        ...(hint ? { help: hint } : {}),
        fixes: suggestionFixes(identifier.name, identifier.span, this.symbols.corners.keys()),
      });
      return undefined;
    }
    this.ctx.markUsed('corner', identifier.name);
    this.ctx.references.use('corner', identifier);
    if (target.kind === 'CornerDecl') return [{ name: identifier.name, span: identifier.span }];
    const members = this.resolveSet(target);
    // Members chosen through a set are attributed to the set's name at this use.
    return members?.map((m) => ({ name: m.name, span: identifier.span }));
  }

  private notASet(expression: Expression, what: string): undefined {
    if (isMissing(expression)) return undefined;
    this.ctx.report('LCP3001', expression.span, `${what} expects corners, found ${describeExpression(expression)}`, {
      label: 'expected a corner, a corner set, or a list of them',
    });
    return undefined;
  }
}
