// The `deck { … }` block of a stage (src/check/deck.ts; docs/language.md, "Deck settings").
import { describe, expect, it } from 'vitest';
import { checkSource, codesAndSpans, PRELUDE } from '../helpers/program.js';

const TOOL = `env Q: string = "short"\ntool liberate { path = "\${Q}/liberate" }\n`;
const stage = (deck: string, run = 'liberate deck "liberate/char.tcl.hbs"') =>
  PRELUDE + TOOL + `stage c for each library, corner { run = ${run}  expect "x"${deck === '' ? '' : `\n  deck { ${deck} }`} }\n`;

describe('check: deck settings', () => {
  it('defaults: no remote clients, SPICE netlists, no Monte Carlo override', () => {
    const result = checkSource(stage(''));
    expect(codesAndSpans(result)).toEqual([]);
    expect(result.program!.stages[0]!.deck).toEqual({ packetClients: 0, netlistFormat: 'hspice' });
  });

  it('reads every field; rsh_cmd may read env variables', () => {
    const result = checkSource(stage('packet_clients = 200  rsh_cmd = "bsub -q ${Q} -o %B/%L -e %B/%L"  netlist_format = spectre  mc_samples = 500'));
    expect(codesAndSpans(result)).toEqual([]);
    expect(result.program!.stages[0]!.deck).toMatchObject({
      packetClients: 200,
      netlistFormat: 'spectre',
      mcSamples: 500,
      rshCmd: {
        parts: [
          { kind: 'text', value: 'bsub -q ' },
          { kind: 'env', name: 'Q' },
          { kind: 'text', value: ' -o %B/%L -e %B/%L' },
        ],
      },
    });
  });

  it('a shell stage has no deck settings', () => {
    const result = checkSource(stage('', 'shell "x"'));
    expect(result.program!.stages[0]!.deck).toBeUndefined();
  });

  const cases: [name: string, source: string, expected: [string, string][]][] = [
    ['unknown field, did you mean', stage('packet_client = 2'), [['LCP2006', 'packet_client']]],
    ['a deck block beside a shell command', stage('packet_clients = 0', 'shell "x"'), [['LCP3103', 'liberate'], ['LCP2006', 'deck']]],
    ['a deck block beside a tool run without a deck', stage('packet_clients = 0', 'liberate ["a.tcl"]'), [['LCP2006', 'deck']]],
    ['remote clients without rsh_cmd', stage('packet_clients = 200'), [['LCP2007', '200']]],
    ['packet_clients is a count', stage('packet_clients = "200"'), [['LCP3001', '"200"']]],
    ['packet_clients is not negative', stage('packet_clients = -1'), [['LCP3005', '-1']]],
    ['unknown netlist format, did you mean', stage('netlist_format = spectr'), [['LCP3006', 'spectr']]],
    ['netlist format is a name', stage('netlist_format = "hspice"'), [['LCP3001', '"hspice"']]],
    ['rsh_cmd is a string', stage('packet_clients = 2  rsh_cmd = bsub'), [['LCP3001', 'bsub']]],
    ['rsh_cmd is not empty', stage('packet_clients = 2  rsh_cmd = ""'), [['LCP3005', '""']]],
    ['rsh_cmd reads only declared env variables', stage('packet_clients = 2  rsh_cmd = "bsub -q ${QUEUE}"'), [['LCP2011', 'QUEUE']]],
    ['rsh_cmd cannot use job fields', stage('packet_clients = 2  rsh_cmd = "bsub -J ${corner.name}"'), [['LCP2009', 'corner.name']]],
    ['mc_samples at least 1', stage('mc_samples = 0'), [['LCP3005', '0']]],
    ['a field set twice', stage('packet_clients = 0  packet_clients = 1'), [['LCP2008', 'packet_clients']]],
    ['deck is a block', stage('', 'liberate deck "x"  deck = 1'), [['LCP3001', 'deck']]],
  ];
  it.each(cases)('%s', (_name, source, expected) => {
    expect(codesAndSpans(checkSource(source))).toEqual(expected);
  });

  it.each([
    ['rsh_command', 'rsh_cmd'],
    ['monte_trials', 'mc_samples'],
    ['netlist_fromat', 'netlist_format'],
  ])('did-you-mean: %s is %s', (typo, meant) => {
    const result = checkSource(stage(`${typo} = 1`));
    expect(result.diagnostics[0]).toMatchObject({ code: 'LCP2006', help: `did you mean \`${meant}\`?` });
  });
});
