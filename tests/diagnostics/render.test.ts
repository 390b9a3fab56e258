import { describe, expect, it } from 'vitest';
import { makeDiagnostic, type Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { renderJson, renderRich, renderShort } from '../../src/diagnostics/render.js';
import { createSourceFile, type SourceFile } from '../../src/diagnostics/source.js';
import { span } from '../../src/diagnostics/span.js';

const MAIN = [
  'pipeline n2', //                                                         1
  '', //                                                                    2
  'library base_svt : tcbn02 {', //                                         3
  '  corners = [ssgnp_0p48v_m40c_cworst, ttg_0p48v_25c_typical]', //      4
  '}', //                                                                   5
  'stage copy for each library, corner {', //                              6
  '  run = shell """', //                                                   7
  '    rsync -a a b', //                                                    8
  '    echo one', //                                                        9
  '    echo two', //                                                       10
  '    echo three', //                                                     11
  '  """', //                                                              12
  '  resources {', //                                                      13
  '\tmem\t= 64', //                                                         14
  '  }', //                                                                15
  '}', //                                                                  16
  '',
].join('\n');
const YAML = 'corners:\n  - name: ssgnp_0p48v_m40c_cworst_CCworst_T\n    vdd: 0.48\n';

const main = createSourceFile('flows/n2.lcp', MAIN);
const yaml = createSourceFile('flows/corners.yaml', YAML);
const files: ReadonlyMap<string, SourceFile> = new Map([
  [main.path, main],
  [yaml.path, yaml],
]);

/** Span of the `occurrence`-th match of `needle` in the main file. */
function at(needle: string, occurrence = 0, file: SourceFile = main): ReturnType<typeof span> {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) index = file.text.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`not found: ${needle}`);
  return span(file.path, index, index + needle.length);
}

const unknownCorner = makeDiagnostic('LCP2001', at('ssgnp_0p48v_m40c_cworst'), 'unknown corner `ssgnp_0p48v_m40c_cworst`', {
  label: 'not declared',
  notes: ['corners are declared in `flows/corners.yaml`'],
  help: 'did you mean `ssgnp_0p48v_m40c_cworst_CCworst_T`?',
});

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

describe('renderRich', () => {
  it('renders a single-line span with a note and a help', () => {
    expect(renderRich([unknownCorner], files, { color: false })).toBe(
      [
        'error[LCP2001]: unknown corner `ssgnp_0p48v_m40c_cworst`',
        ' --> flows/n2.lcp:4:14',
        '  |',
        '4 |   corners = [ssgnp_0p48v_m40c_cworst, ttg_0p48v_25c_typical]',
        '  |              ^^^^^^^^^^^^^^^^^^^^^^^ not declared',
        '  |',
        '  = note: corners are declared in `flows/corners.yaml`',
        '  = help: did you mean `ssgnp_0p48v_m40c_cworst_CCworst_T`?',
        '',
        'error: 1 error emitted',
        '',
      ].join('\n'),
    );
  });

  it('puts one caret under a zero-length span at the end of the file', () => {
    const eof = span(main.path, MAIN.length, MAIN.length);
    const d = makeDiagnostic('LCP1002', eof, 'expected `}`, found end of file', { label: 'expected `}`' });
    expect(renderRich([d], files, { color: false })).toBe(
      [
        'error[LCP1002]: expected `}`, found end of file',
        '  --> flows/n2.lcp:17:1',
        '   |',
        '17 |',
        '   | ^ expected `}`',
        '',
        'error: 1 error emitted',
        '',
      ].join('\n'),
    );
  });

  it('shows the first and last line of a long multi-line span, eliding the middle', () => {
    const start = MAIN.indexOf('"""');
    const end = MAIN.indexOf('"""', start + 3) + 3;
    const d = makeDiagnostic('LCP3102', span(main.path, start, end), 'stage `copy` has no `expect`', {
      label: 'a job that produces nothing would pass',
      help: 'add `expect "${work}/…" >= 1`',
    });
    expect(renderRich([d], files, { color: false })).toBe(
      [
        'warning[LCP3102]: stage `copy` has no `expect`',
        '  --> flows/n2.lcp:7:15',
        '   |',
        ' 7 |   run = shell """',
        '   |               ^^^',
        '...',
        '12 |   """',
        '   |   ^^^ a job that produces nothing would pass',
        '   |',
        '   = help: add `expect "${work}/…" >= 1`',
        '',
        'warning: 1 warning emitted',
        '',
      ].join('\n'),
    );
  });

  it('shows the lines in between when a multi-line span is short', () => {
    const start = MAIN.indexOf('resources');
    const end = MAIN.indexOf('  }') + 3;
    const d = makeDiagnostic('LCP2007', span(main.path, start, end), 'missing property `queue` in `resources`');
    expect(renderRich([d], files, { color: false })).toBe(
      [
        'error[LCP2007]: missing property `queue` in `resources`',
        '  --> flows/n2.lcp:13:3',
        '   |',
        '13 |   resources {',
        '   |   ^^^^^^^^^^^',
        '14 |     mem    = 64',
        '15 |   }',
        '   |   ^',
        '',
        'error: 1 error emitted',
        '',
      ].join('\n'),
    );
  });

  it('draws two labels on one line, stacking the message that cannot go inline', () => {
    const d = makeDiagnostic('LCP3016', at('ttg_0p48v_25c_typical'), 'corner `ttg_0p48v_25c_typical` listed twice', {
      label: 'listed again here',
      secondary: [{ span: at('ssgnp_0p48v_m40c_cworst'), message: 'first listed here' }],
    });
    expect(renderRich([d], files, { color: false })).toBe(
      [
        'error[LCP3016]: corner `ttg_0p48v_25c_typical` listed twice',
        ' --> flows/n2.lcp:4:39',
        '  |',
        '4 |   corners = [ssgnp_0p48v_m40c_cworst, ttg_0p48v_25c_typical]',
        '  |              -----------------------  ^^^^^^^^^^^^^^^^^^^^^ listed again here',
        '  |              |',
        '  |              first listed here',
        '',
        'error: 1 error emitted',
        '',
      ].join('\n'),
    );
  });

  it('stacks three messages on one line rightmost first', () => {
    const d = makeDiagnostic('LCP2002', at('library'), 'three labels', {
      label: 'a',
      secondary: [
        { span: at('base_svt'), message: 'b' },
        { span: at('tcbn02'), message: 'c' },
      ],
    });
    const out = renderRich([d], files, { color: false });
    expect(out).toContain(
      [
        '3 | library base_svt : tcbn02 {',
        '  | ^^^^^^^ --------   ------ c',
        '  | |       |',
        '  | |       b',
        '  | a',
      ].join('\n'),
    );
  });

  it('elides lines between distant labels in the same file', () => {
    const d = makeDiagnostic('LCP2002', at('copy'), 'duplicate declaration `copy`', {
      label: 'declared again',
      secondary: [{ span: at('n2'), message: 'first here' }],
    });
    expect(renderRich([d], files, { color: false })).toBe(
      [
        'error[LCP2002]: duplicate declaration `copy`',
        ' --> flows/n2.lcp:6:7',
        '  |',
        '1 | pipeline n2',
        '  |          -- first here',
        '...',
        '6 | stage copy for each library, corner {',
        '  |       ^^^^ declared again',
        '',
        'error: 1 error emitted',
        '',
      ].join('\n'),
    );
  });

  it('shows a secondary label in another file under `:::`', () => {
    const d = makeDiagnostic('LCP3007', at('ssgnp_0p48v_m40c_cworst'), 'corner name disagrees with its `vdd`', {
      label: 'the name says 0.48 V',
      secondary: [{ span: at('0.48', 0, yaml), message: 'the field says 0.48' }],
    });
    expect(renderRich([d], files, { color: false })).toBe(
      [
        'error[LCP3007]: corner name disagrees with its `vdd`',
        ' --> flows/n2.lcp:4:14',
        '  |',
        '4 |   corners = [ssgnp_0p48v_m40c_cworst, ttg_0p48v_25c_typical]',
        '  |              ^^^^^^^^^^^^^^^^^^^^^^^ the name says 0.48 V',
        '  |',
        ' ::: flows/corners.yaml:3:10',
        '  |',
        '3 |     vdd: 0.48',
        '  |          ---- the field says 0.48',
        '',
        'error: 1 error emitted',
        '',
      ].join('\n'),
    );
  });

  it('expands tabs so carets line up', () => {
    const d = makeDiagnostic('LCP3002', at('64'), 'missing unit on `mem`', { label: 'a memory', help: 'write `64GB`' });
    expect(renderRich([d], files, { color: false })).toBe(
      [
        'error[LCP3002]: missing unit on `mem`',
        '  --> flows/n2.lcp:14:8',
        '   |',
        '14 |     mem    = 64',
        '   |              ^^ a memory',
        '   |',
        '   = help: write `64GB`',
        '',
        'error: 1 error emitted',
        '',
      ].join('\n'),
    );
  });

  it('puts carets under wide (CJK, fullwidth, emoji) characters and after combining marks', () => {
    const text = 'stage 特性化 {\n  note = "日本語 ｘ 🚀 e\u0301"  bad = 3\n}\n';
    const file = createSourceFile('wide.lcp', text);
    const one = new Map([[file.path, file]]);
    const first = makeDiagnostic('LCP2001', span(file.path, text.indexOf('特'), text.indexOf(' {')), 'unknown stage', { label: 'here' });
    const second = makeDiagnostic('LCP3002', span(file.path, text.indexOf('bad'), text.indexOf('bad') + 3), 'missing unit', { label: 'here' });
    const lines = (d: Diagnostic) => renderRich([d], one, { color: false }).split('\n');
    // Each CJK character takes two terminal cells: six carets under three characters.
    expect(lines(first).slice(3, 5)).toEqual(['1 | stage 特性化 {', '  |       ^^^^^^ here']);
    // After 日本語 (6 cells), a fullwidth ｘ (2), a rocket (2, one surrogate pair) and e + U+0301 (1).
    const [source, carets] = lines(second).slice(3, 5) as [string, string];
    expect(source).toBe('2 |   note = "日本語 ｘ 🚀 e\u0301"  bad = 3');
    expect(carets).toBe(`  | ${' '.repeat(27)}^^^ here`);
    // Display width of what precedes `bad`: its carets start right under it.
    const prefix = '  note = "日本語 ｘ 🚀 e\u0301"  ';
    expect(carets.indexOf('^') - 4).toBe([...prefix.normalize('NFD')].reduce((w, ch) => w + (/[\u0300-\u036f]/.test(ch) ? 0 : /[\u3000-\u9fff\uff00-\uffef]|\p{Extended_Pictographic}/u.test(ch) ? 2 : 1), 0));
  });

  it('expands tabs before and inside a span', () => {
    const text = 'a\tb\t= 1\n';
    const file = createSourceFile('tabs.lcp', text);
    const d = makeDiagnostic('LCP3002', span(file.path, 2, 6), 'tabbed', { label: 'here' });
    const [source, carets] = renderRich([d], new Map([[file.path, file]]), { color: false }).split('\n').slice(3, 5);
    expect(source).toBe('1 | a    b    = 1');
    expect(carets).toBe('  |      ^^^^^^^ here'); // b, a tab (4), =, a space
  });

  it('never copies control characters of the source to the terminal', () => {
    const text = 'x = "\u001b[31mred\u0007"\n';
    const file = createSourceFile('ctl.lcp', text);
    const d = makeDiagnostic('LCP3001', span(file.path, text.indexOf('"'), text.lastIndexOf('"') + 1), 'a string');
    const out = renderRich([d], new Map([[file.path, file]]), { color: false });
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(out).toContain('1 | x = "\ufffd[31mred\ufffd"\n  |     ^^^^^^^^^^^\n');
  });

  it('renders without an excerpt when the file is unknown', () => {
    const d = makeDiagnostic('LCP2003', span('flows/gone.lcp', 10, 20), 'import `gone.lcp` not found', {
      label: 'here',
      notes: ['imports are relative to the importing file'],
    });
    expect(renderRich([d], files, { color: false })).toBe(
      [
        'error[LCP2003]: import `gone.lcp` not found',
        ' --> flows/gone.lcp',
        '  |',
        '  = note: imports are relative to the importing file',
        '',
        'error: 1 error emitted',
        '',
      ].join('\n'),
    );
  });

  it('separates diagnostics with a blank line and counts them in the summary', () => {
    const warning = makeDiagnostic('LCP3103', at('base_svt'), 'unused library `base_svt`');
    const out = renderRich([unknownCorner, unknownCorner, warning, unknownCorner], files, { color: false });
    expect(out.endsWith('\n\nerror: 3 errors and 1 warning emitted\n')).toBe(true);
    expect(out.split('\n\n')).toHaveLength(5);
    expect(renderRich([warning, warning], files, { color: false })).toMatch(/\nwarning: 2 warnings emitted\n$/);
    expect(renderRich([], files, { color: false })).toBe('');
  });

  it('adds ANSI colour only when asked, and only as decoration', () => {
    const ds: Diagnostic[] = [
      unknownCorner,
      makeDiagnostic('LCP3016', at('ttg_0p48v_25c_typical'), 'listed twice', {
        label: 'again',
        secondary: [{ span: at('ssgnp_0p48v_m40c_cworst'), message: 'first' }],
      }),
      makeDiagnostic('LCP3101', at('rsync -a a b'), 'a warning', { notes: ['n'] }),
    ];
    const plain = renderRich(ds, files, { color: false });
    const coloured = renderRich(ds, files, { color: true });
    expect(plain).not.toContain('\u001b[');
    expect(coloured).toContain('\u001b[1;31merror[LCP2001]\u001b[0m');
    expect(coloured).toContain('\u001b[1;33mwarning[LCP3101]\u001b[0m');
    expect(coloured).toContain('\u001b[1;34m4 |\u001b[0m');
    expect(coloured).toContain('\u001b[1;36mhelp\u001b[0m');
    expect(stripAnsi(coloured)).toBe(plain);
  });

  it('is deterministic whatever the order of secondary labels', () => {
    const a = { span: at('base_svt'), message: 'b' };
    const b = { span: at('tcbn02'), message: 'c' };
    const d1 = makeDiagnostic('LCP2002', at('library'), 'x', { label: 'a', secondary: [a, b] });
    const d2 = makeDiagnostic('LCP2002', at('library'), 'x', { label: 'a', secondary: [b, a] });
    expect(renderRich([d1], files, { color: false })).toBe(renderRich([d2], files, { color: false }));
  });
});

describe('renderShort', () => {
  it('prints one line per diagnostic with the help in parentheses', () => {
    const warning = makeDiagnostic('LCP3103', at('base_svt'), 'unused library `base_svt`');
    const lost = makeDiagnostic('LCP2003', span('flows/gone.lcp', 0, 1), 'import not found');
    expect(renderShort([unknownCorner, warning, lost], files)).toBe(
      [
        'flows/n2.lcp:4:14: error[LCP2001]: unknown corner `ssgnp_0p48v_m40c_cworst` (help: did you mean `ssgnp_0p48v_m40c_cworst_CCworst_T`?)',
        'flows/n2.lcp:3:9: warning[LCP3103]: unused library `base_svt`',
        'flows/gone.lcp: error[LCP2003]: import not found',
        '',
      ].join('\n'),
    );
    expect(renderShort([], files)).toBe('');
  });
});

describe('renderJson', () => {
  it('writes a stable document with fixed key order', () => {
    const d = makeDiagnostic('LCP3016', at('ttg_0p48v_25c_typical'), 'listed twice', {
      label: 'again',
      secondary: [{ span: at('0.48', 0, yaml), message: 'first' }],
      notes: ['n'],
    });
    const text = renderJson([d, unknownCorner], files);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "version": 1,\n  "diagnostics": [\n')).toBe(true);
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual(['version', 'diagnostics', 'summary']);
    expect(Object.keys(doc.diagnostics[0])).toEqual(['code', 'severity', 'message', 'file', 'range', 'labels', 'notes', 'help']);
    expect(doc.summary).toEqual({ errors: 2, warnings: 0 });
    const first = doc.diagnostics[0];
    expect(first).toMatchObject({ code: 'LCP3016', severity: 'error', message: 'listed twice', file: 'flows/n2.lcp', notes: ['n'], help: null });
    const offset = MAIN.indexOf('ttg_0p48v_25c_typical');
    expect(first.range).toEqual({
      start: { line: 4, column: 39, offset },
      end: { line: 4, column: 60, offset: offset + 21 },
    });
    expect(first.labels).toEqual([
      { primary: true, message: 'again', file: 'flows/n2.lcp', range: first.range },
      {
        primary: false,
        message: 'first',
        file: 'flows/corners.yaml',
        range: {
          start: { line: 3, column: 10, offset: YAML.indexOf('0.48') },
          end: { line: 3, column: 14, offset: YAML.indexOf('0.48') + 4 },
        },
      },
    ]);
    expect(doc.diagnostics[1].help).toBe('did you mean `ssgnp_0p48v_m40c_cworst_CCworst_T`?');
  });

  it('tolerates unknown files and empty input', () => {
    const lost = makeDiagnostic('LCP2003', span('flows/gone.lcp', 3, 5), 'import not found');
    const doc = JSON.parse(renderJson([lost], files));
    expect(doc.diagnostics[0].range.start).toEqual({ line: null, column: null, offset: 3 });
    expect(renderJson([], files)).toBe(
      '{\n  "version": 1,\n  "diagnostics": [],\n  "summary": {\n    "errors": 0,\n    "warnings": 0\n  }\n}\n',
    );
  });
});
