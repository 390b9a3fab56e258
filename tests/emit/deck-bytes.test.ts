/**
 * Decks kept as UTF-8 bytes (`ByteArena`) give the same files and fingerprints as decks kept as
 * text: the fingerprint's JSON is escaped from the bytes, and a deck file is its header and its
 * body's bytes without their trailing whitespace (docs/performance.md).
 */
import { describe, expect, test } from 'vitest';
import { ThreadedFingerprints } from '../../src/cli/fingerprint-hasher.js';
import { analyse } from '../../src/driver/analyse.js';
import { ByteArena } from '../../src/emit/decks.js';
import { emit, emitBytes } from '../../src/emit/emit.js';
import { ReusedBytes } from '../../src/graph/json-bytes.js';
import type { RenderedDecks } from '../../src/emit/render-decks.js';
import { templatesWith } from '../helpers/analysis.js';
import { loadFiles } from '../helpers/program.js';

const DECK = 'bodies.tcl.hbs';

const FLOW = `pipeline b
tool liberate { path = "/tools/liberate"  kind = liberate }
node n { vdd = 0.4V .. 1.0V  temperature = -40C .. 125C  processes = [ss]  rc_corners = [typical] }
corner ss_0p675v_m40c_typical {}
corner ss_0p72v_m40c_typical {}
library lib : n { corners = [ss_0p675v_m40c_typical, ss_0p72v_m40c_typical] }
stage char for each library, corner {
  run = liberate deck "${DECK}"
  expect "x"
}
`;

/** Deck bodies that end, or escape, in every way the byte paths treat apart. */
const TEMPLATES = [
  'set corner {{tcl corner.name}} ;# "quoted" \\ back\tslash\n',
  'trailing blanks {{corner.voltage}}  \t\n\n  \n',
  'crlf {{corner.voltage}}\r\nend\r\n',
  'vertical tab and form feed at the end {{corner.voltage}}\u000b \u000c',
  'no-break space at the end {{corner.voltage}}\u00a0',
  'text then a no-break space \u00a0 then blanks {{corner.voltage}} \n',
  'not ascii at the end {{corner.voltage}} é…',
  'controls \u0001\u0008\u000b\u000c\u001f\u007f {{corner.voltage}}',
  '   \n\t',
  '',
  'emoji \ud83d\ude00 {{corner.name}}\n',
];

function emitted(template: string): { text: ReadonlyMap<string, string>; bytes: ReadonlyMap<string, string>; threaded: ReadonlyMap<string, string> } {
  const analysis = analyse(loadFiles({ 'main.lcp': FLOW }), { templates: templatesWith(new Map([[DECK, template]])), keepDecks: true });
  expect(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  const decks = analysis.decks!;
  expect([...decks.byJob.values()].every((deck) => deck.bytes !== undefined)).toBe(true);
  // The same decks as text only: the paths that were there before the bytes.
  const asText: RenderedDecks = { byJob: new Map([...decks.byJob].map(([job, deck]) => [job, { path: deck.path, template: deck.template, body: deck.body, reads: deck.reads }])) };
  const input = { program: analysis.program!, plan: analysis.plan!, source: '../main.lcp', templates: templatesWith(new Map([[DECK, template]])) };
  const text = emit({ ...input, decks: asText }).files!;
  const asStrings = (files: ReadonlyMap<string, Buffer | (() => Buffer)>) => new Map([...files].map(([path, content]) => [path, Buffer.from(typeof content === 'function' ? content() : content).toString('utf8')]));
  const bytes = asStrings(emitBytes({ ...input, decks }).files!);
  // The fingerprints of the deck jobs hashed on the thread of big compiles (src/cli/fingerprint-hasher.ts).
  const fingerprints = new ThreadedFingerprints(input.plan.jobs.length);
  try {
    return { text, bytes, threaded: asStrings(emitBytes({ ...input, decks, fingerprints }).files!) };
  } finally {
    void fingerprints.close();
  }
}

describe('decks as bytes', () => {
  test.each(TEMPLATES.map((t) => [JSON.stringify(t), t]))('the files and fingerprints of a deck %s are those made from its text', (_, template) => {
    const { text, bytes, threaded } = emitted(template);
    expect([...bytes.keys()]).toEqual([...text.keys()]);
    for (const [path, content] of text) expect(bytes.get(path), path).toBe(content);
    expect(threaded).toEqual(bytes);
    expect(threaded.get('lib/jobs.tsv')).not.toContain('?');
  });

  test('the fingerprint JSON from bytes is the UTF-8 of JSON.stringify', () => {
    const samples = [
      '',
      String.fromCharCode(...Array.from({ length: 128 }, (_, i) => i)),
      'a "b" \\c\\ \u2028\u2029 é… \ud83d\ude00 \u00a0\ufeff',
      Array.from({ length: 3000 }, (_, i) => String.fromCodePoint((i * 7919) % 0x2000)).join(''),
    ];
    for (const sample of samples) {
      const json = new ReusedBytes();
      json.writeJsonString(Buffer.from(sample, 'utf8'));
      expect(json.bytes().toString('utf8')).toBe(JSON.stringify(sample));
    }
  });

  test('a text with a lone surrogate is not kept as bytes (UTF-8 cannot hold it)', () => {
    const arena = new ByteArena();
    expect(arena.encode('a\ud800b')).toBeUndefined();
    expect(arena.encode('a\udc00')).toBeUndefined();
    expect(Buffer.from(arena.encode('a\ud83d\ude00')!).toString('utf8')).toBe('a\ud83d\ude00');
  });
});
