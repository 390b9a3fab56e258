/**
 * A stage's `deck { … }` block: the settings of a Liberate / Variety deck that a pipeline
 * chooses (docs/language.md, "Deck settings"). Rules: only a stage that runs a tool on a deck
 * has one (LCP2006); `packet_clients` is an integer ≥ 0 (LCP3001, LCP3005); remote clients
 * (`packet_clients` > 0) need `rsh_cmd`, the command that starts one (LCP2007); `rsh_cmd` is a
 * string that may read env variables; `netlist_format` is `hspice` or `spectre` (LCP3006);
 * `mc_samples` is an integer ≥ 1; `dirs { NAME = "…" }` names directories the deck reads
 * (strings in the stage's scope: `${copy_kits.work}/netlists`).
 */
import type { Span } from '../diagnostics/span.js';
import type { NestedBlock } from '../syntax/ast.js';
import type { CheckContext } from './context.js';
import { readGlobalString } from './declarations.js';
import { NETLIST_FORMATS, type DeckModel, type NetlistFormat, type RunModel, type Template } from './model.js';
import { readBlock } from './schema.js';
import { resolveTemplate, type TemplateEnvironment, type TemplateScope } from './templates.js';
import { mismatch, readEnum, readInteger } from './values.js';

const DECK_SCHEMA = {
  properties: { packet_clients: 'value', rsh_cmd: 'value', netlist_format: 'value', mc_samples: 'value', dirs: 'block' },
} as const;

/** The settings when a stage has no `deck` block: what the bundled decks are correct with. */
export const DEFAULT_DECK: DeckModel = { packetClients: 0, netlistFormat: 'hspice' };

/**
 * Reads the block; `undefined` after an error. `run` is the stage's run when it was valid: a
 * deck block beside anything but `run = <tool> deck "…"` is reported.
 */
export function readDeck(
  ctx: CheckContext,
  block: NestedBlock,
  run: RunModel | undefined,
  what: string,
  environment: TemplateEnvironment,
  /** The stage's scope: `dirs` may read job fields and other stages' directories. */
  scope: TemplateScope,
): DeckModel | undefined {
  if (run !== undefined && !(run.kind === 'tool' && run.deck !== undefined)) {
    ctx.report('LCP2006', block.key.span, `${what} has a \`deck\` block but runs no deck`, {
      label: 'deck settings without a deck',
      help: 'run a tool on a deck template (`run = liberate deck "liberate/char.tcl.hbs"`), or remove the block',
    });
    return undefined;
  }
  const contents = readBlock(ctx, block.body, DECK_SCHEMA, `the deck settings of ${what}`, block.key.span);
  const value = (key: string) => contents.values.get(key)?.value;
  let ok = true;

  const clientsExpression = value('packet_clients');
  const packetClients = clientsExpression ? readInteger(ctx, clientsExpression, 'packet_clients', 0) : 0;
  if (packetClients === undefined) ok = false;

  const rshExpression = value('rsh_cmd');
  const rshCmd = rshExpression ? readGlobalString(ctx, rshExpression, 'rsh_cmd', environment) : undefined;
  if (rshExpression && rshCmd === undefined) ok = false;
  if (rshCmd !== undefined && rshCmd.parts.length === 0) {
    ctx.report('LCP3005', rshExpression!.span, '`rsh_cmd` must not be empty', { label: 'no command' });
    ok = false;
  }

  if (packetClients !== undefined && packetClients > 0 && rshExpression === undefined) {
    const span: Span = clientsExpression!.span;
    ctx.report('LCP2007', span, `${packetClients} remote packet clients need \`rsh_cmd\`, the command that starts one`, {
      label: 'remote clients, but no way to start them',
      help: 'add `rsh_cmd = "bsub -q <queue> -o %B/%L -e %B/%L"` to the deck block, or set `packet_clients = 0` to simulate in the job',
    });
    ok = false;
  }

  const formatExpression = value('netlist_format');
  const netlistFormat: NetlistFormat | undefined = formatExpression
    ? readEnum(ctx, formatExpression, NETLIST_FORMATS, 'netlist_format', 'netlist format')
    : DEFAULT_DECK.netlistFormat;
  if (netlistFormat === undefined) ok = false;

  const samplesExpression = value('mc_samples');
  const mcSamples = samplesExpression ? readInteger(ctx, samplesExpression, 'mc_samples', 1) : undefined;
  if (samplesExpression && mcSamples === undefined) ok = false;

  const dirs: { name: string; value: Template }[] = [];
  const dirsBlock = contents.blocks.get('dirs');
  if (dirsBlock) {
    const d = readBlock(ctx, dirsBlock.body, { properties: {}, open: true }, `the deck directories of ${what}`, dirsBlock.key.span);
    for (const [name, property] of d.values) {
      const dir = property.value.kind === 'String' ? resolveTemplate(ctx, property.value, scope, environment) : mismatch(ctx, property.value, 'a string', name);
      if (dir === undefined) ok = false;
      else dirs.push({ name, value: dir });
    }
  }

  if (!ok || packetClients === undefined || netlistFormat === undefined) return undefined;
  return {
    packetClients,
    ...(rshCmd ? { rshCmd } : {}),
    netlistFormat,
    ...(mcSamples !== undefined ? { mcSamples } : {}),
    ...(dirs.length > 0 ? { dirs } : {}),
  };
}
