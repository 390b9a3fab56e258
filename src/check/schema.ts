/**
 * Block schemas: which properties and statements a block accepts. `readBlock` enforces the
 * rules shared by every block — unknown property (LCP2006, with did-you-mean), repeated
 * property (LCP2008), missing required property (LCP2007), a value where a block is expected
 * or the reverse (LCP3001) — so the typed readers see each property at most once.
 */
import { didYouMean, replaceWith, suggestionFixes } from '../diagnostics/suggest.js';
import type { Span } from '../diagnostics/span.js';
import type { Block, ExpectStatement, NestedBlock, Property, RetryStatement } from '../syntax/ast.js';
import type { CheckContext } from './context.js';

export interface BlockSchema {
  /** Property name → whether it takes a value (`k = v`) or a block (`k { … }`). */
  readonly properties: Readonly<Record<string, 'value' | 'block'>>;
  readonly required?: readonly string[];
  /** Statements allowed in the block. */
  readonly statements?: readonly ('expect' | 'retry')[];
  /** Any property name is accepted (e.g. `licenses { name = N }`). */
  readonly open?: boolean;
}

export interface BlockContents {
  readonly values: ReadonlyMap<string, Property>;
  readonly blocks: ReadonlyMap<string, NestedBlock>;
  readonly expects: readonly ExpectStatement[];
  readonly retry?: RetryStatement;
}

/** Words people reach for, and the property they mean (when the block has it). */
const SYNONYMS: Readonly<Record<string, string>> = {
  memory: 'mem',
  ram: 'mem',
  cores: 'cpus',
  threads: 'cpus',
  slots: 'cpus',
  ncpus: 'cpus',
  walltime: 'runtime',
  time: 'runtime',
  time_limit: 'runtime',
  command: 'run',
  cmd: 'run',
  script: 'run',
  temp: 'temperature',
  volt: 'voltage',
  vdd: 'voltage',
  rc_corner: 'rc',
  process_corner: 'process',
  max_memory: 'max_mem',
  max_time: 'max_runtime',
  max_cpus: 'max_slots',
  rsh_command: 'rsh_cmd',
  clients: 'packet_clients',
  netlists: 'netlist_format',
  spice_format: 'netlist_format',
  monte_trials: 'mc_samples',
  mc_trials: 'mc_samples',
};

/**
 * Reads a block against its schema. `what` names the owner in messages ("stage `merge`");
 * `ownerSpan` is where missing properties are reported (the declaration's name).
 */
export function readBlock(ctx: CheckContext, block: Block, schema: BlockSchema, what: string, ownerSpan: Span): BlockContents {
  const values = new Map<string, Property>();
  const blocks = new Map<string, NestedBlock>();
  const expects: ExpectStatement[] = [];
  let retry: RetryStatement | undefined;
  const seen = new Map<string, Span>();
  const known = Object.keys(schema.properties);
  ctx.references.schema(block.span, schema);

  for (const item of block.items) {
    if (item.kind === 'ExpectStatement' || item.kind === 'RetryStatement') {
      const statement = item.kind === 'ExpectStatement' ? 'expect' : 'retry';
      if (!(schema.statements ?? []).includes(statement)) {
        ctx.report('LCP2006', keywordSpan(item.span, statement), `\`${statement}\` is not allowed in ${what}`, {
          label: 'only stages have this statement',
        });
        continue;
      }
      if (item.kind === 'ExpectStatement') expects.push(item);
      else if (retry === undefined) retry = item;
      else
        ctx.report('LCP2008', keywordSpan(item.span, 'retry'), `${what} has more than one \`retry\``, {
          label: 'second retry',
          secondary: [{ span: keywordSpan(retry.span, 'retry'), message: 'first retry here' }],
          help: 'list every exit code in one statement: `retry 2 on exit 75, 76 backoff 10m`',
        });
      continue;
    }

    const key = item.key.name;
    if (key === '') continue; // recovered from a syntax error, already reported
    // Own properties only: `toString` or `constructor` is no property of any block.
    const shape = Object.hasOwn(schema.properties, key) ? schema.properties[key] : schema.open ? 'value' : undefined;
    if (shape === undefined) {
      const synonym = Object.hasOwn(SYNONYMS, key) ? SYNONYMS[key] : undefined;
      const isSynonym = synonym !== undefined && known.includes(synonym);
      const hint = isSynonym ? `did you mean \`${synonym}\`?` : didYouMean(key, known);
      ctx.report('LCP2006', item.key.span, `unknown property \`${key}\` in ${what}`, {
        label: 'not a property of this block',
        fixes: isSynonym ? [replaceWith(item.key.span, synonym)] : suggestionFixes(key, item.key.span, known),
        ...(hint ? { help: hint } : { notes: [`known properties: ${known.map((k) => `\`${k}\``).join(', ') || 'none'}`] }),
      });
      continue;
    }
    const previous = seen.get(key);
    if (previous !== undefined) {
      ctx.report('LCP2008', item.key.span, `\`${key}\` is set more than once in ${what}`, {
        label: 'set again here',
        secondary: [{ span: previous, message: 'first set here' }],
        help: 'keep one of them',
      });
      continue;
    }
    seen.set(key, item.key.span);
    if (item.kind === 'Property') {
      if (shape === 'block') {
        ctx.report('LCP3001', item.key.span, `\`${key}\` is a block, not a value`, {
          label: 'expected `{ … }`',
          help: `write \`${key} { … }\``,
        });
        continue;
      }
      values.set(key, item);
    } else {
      if (shape === 'value') {
        ctx.report('LCP3001', item.key.span, `\`${key}\` takes a value, not a block`, {
          label: 'expected `=`',
          help: `write \`${key} = …\``,
        });
        continue;
      }
      blocks.set(key, item);
    }
  }

  for (const key of schema.required ?? []) {
    if (!seen.has(key)) {
      ctx.report('LCP2007', ownerSpan, `${what} is missing the required property \`${key}\``, {
        label: `no \`${key}\``,
        help: `add \`${key} = …\` to its block`,
      });
    }
  }

  return { values, blocks, expects, ...(retry ? { retry } : {}) };
}

/** The span of a statement's leading keyword. */
function keywordSpan(span: Span, keyword: string): Span {
  return { file: span.file, start: span.start, end: Math.min(span.end, span.start + keyword.length) };
}
