// The manifest parser (`parseManifest`) and the path check under it (`checkRelativePath`), both
// scanned in place for speed: every malformed line and refused path still names its line and
// reason, and the fast path of the path check never accepts what the full check refuses.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANIFEST, ManifestError } from '../../src/cli/generated-dir.js';
import { parseManifest, pendingManifest, renderManifest, sha256 } from '../../src/cli/manifest.js';
import { writeGenerated } from '../../src/cli/write-generated.js';
import { checkRelativePath, MAX_PATH_BYTES, pathLengthIn } from '../../src/cli/safe-fs.js';

const H = 'a'.repeat(64);

describe('parseManifest', () => {
  it('reads `<sha256>  <path>` lines, skips `#` lines, with or without a final newline', () => {
    const text = `# header\n# second\n${H}  submit.sh\n# a comment\n${'b'.repeat(64)}  jobs/a b.sh`;
    expect([...parseManifest(text, 'm')]).toEqual([
      ['submit.sh', H],
      ['jobs/a b.sh', 'b'.repeat(64)],
    ]);
    expect(parseManifest('', 'm').size).toBe(0);
    expect(parseManifest(`${H}  x\n`, 'm').size).toBe(1);
  });

  it.each([
    [`${H}  x\n\n`, 'm:2: not a manifest line (`<sha256>  <path>`)'],
    [`# h\n${H} x\n`, 'm:2: not a manifest line (`<sha256>  <path>`)'],
    [`${H.toUpperCase()}  x\n`, 'm:1: not a manifest line (`<sha256>  <path>`)'],
    [`${H.slice(1)}  x\n`, 'm:1: not a manifest line (`<sha256>  <path>`)'],
    [`${H}  \n`, 'm:1: not a manifest line (`<sha256>  <path>`)'],
    [`${H}  ../x\n`, 'm:1: refusing the path `../x`: `..` leaves the directory'],
    [`${H}  a//b\n`, 'm:1: refusing the path `a//b`: empty path component (`//` or a trailing `/`)'],
    [`${H}  /etc/passwd\n`, 'm:1: refusing the path `/etc/passwd`: absolute path'],
    [`${H}  a\\b\n`, 'm:1: refusing the path `a\\\\b`: backslash in path'],
    [`${H}  a\rb\n`, 'm:1: refusing the path `a\\rb`: control character in path'],
    [`${H}  run/x\n`, 'm:1: refusing the path `run/x`: the run state directory is never generated'],
    [`${H}  .libcc-cache/stat-index\n`, "m:1: refusing the path `.libcc-cache/stat-index`: `.libcc-cache` is libcc's own file"],
    [`${H}  x\n${H}  x\n`, 'm:2: `x` is listed twice'],
    [`${H}  jobs/${'a'.repeat(256)}.sh\n`, `m:1: refusing the path \`jobs/${'a'.repeat(95)}…\`: a name of 259 bytes (a file or directory name is at most 255)`],
  ])('refuses %j', (text, message) => {
    expect(() => parseManifest(text, 'm')).toThrow(ManifestError);
    expect(() => parseManifest(text, 'm')).toThrow(message);
  });

  it('refuses a path too long for the system in the directory it lists, when given', () => {
    // Names of 250 bytes, each one within the limit: the whole is not, in `dir`.
    const dir = `/tmp/${'d'.repeat(200)}`;
    const parts = Math.ceil((MAX_PATH_BYTES - dir.length) / 251);
    const path = Array.from({ length: parts }, () => 'p'.repeat(250)).join('/');
    const text = `# h\n${H}  submit.sh\n${H}  ${path}\n`;
    expect(parseManifest(text, 'm').size).toBe(2);
    expect(() => parseManifest(text, 'm', dir)).toThrow(`m:3: refusing the path \`${path.slice(0, 100)}…\`: path too long in ${dir} (${dir.length + 1 + path.length} bytes; the system takes at most ${MAX_PATH_BYTES})`);
  });
});

/** Names of 255 bytes, each within the limit, enough of them for the whole to be over it. */
const LONGEST_NAMES = Array.from({ length: Math.ceil((MAX_PATH_BYTES + 2) / 256) }, () => 'y'.repeat(255)).join('/');

describe('checkRelativePath', () => {
  it.each([
    ['a', undefined],
    ['a/b.c/d', undefined],
    ['.gitignore', undefined],
    ['a/..b/...', undefined],
    ['', 'empty path'],
    ['x'.repeat(MAX_PATH_BYTES + 1), `path too long (${MAX_PATH_BYTES + 1} bytes; the system takes at most ${MAX_PATH_BYTES})`],
    [`a/${'é'.repeat(128)}`, 'a name of 256 bytes (a file or directory name is at most 255)'],
    [`${'x'.repeat(256)}/b`, 'a name of 256 bytes (a file or directory name is at most 255)'],
    [`a/${'x'.repeat(255)}/${'é'.repeat(127)}`, undefined],
    [LONGEST_NAMES, `path too long (${LONGEST_NAMES.length} bytes; the system takes at most ${MAX_PATH_BYTES})`],
    ['\u{1F600}'.repeat(63), undefined],
    ['\u{1F600}'.repeat(64), 'a name of 256 bytes (a file or directory name is at most 255)'],
    ['a/./b', '`.` component (not normalised)'],
    ['.', '`.` component (not normalised)'],
    ['a/..', '`..` leaves the directory'],
    ['a/', 'empty path component (`//` or a trailing `/`)'],
    ['/a', 'absolute path'],
    ['a\u007fb', 'control character in path'],
    ['a\tb/../c', 'control character in path'],
    ['a\\b', 'backslash in path'],
  ])('%j: %s', (path, problem) => {
    expect(checkRelativePath(path)).toBe(problem);
  });
});

describe('pathLengthIn', () => {
  it('measures the path as the system gets it: the directory, a `/`, the path', () => {
    const dir = 'out';
    const fits = 'x'.repeat(MAX_PATH_BYTES - 'out/'.length);
    expect(pathLengthIn(dir)(fits)).toBeUndefined();
    expect(pathLengthIn(dir)(`${fits}x`)).toBe(`path too long in out (${MAX_PATH_BYTES + 1} bytes; the system takes at most ${MAX_PATH_BYTES})`);
    expect(pathLengthIn('/')(`${fits}xxx`)).toBeUndefined();
    expect(pathLengthIn(dir)(`${fits.slice(1)}é`)).toMatch(/^path too long in out/);
  });
});

describe('the manifest', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'libcc-manifest-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back exactly what renderManifest writes', () => {
    const files = new Map([
      ['submit.sh', '#!/bin/sh\n'],
      ['jobs/a.sh', 'a\n'],
    ]);
    expect(parseManifest(renderManifest(files, 'generated by libcc'), 'm')).toEqual(
      new Map([
        ['submit.sh', sha256('#!/bin/sh\n')],
        ['jobs/a.sh', sha256('a\n')],
      ]),
    );
  });

  it('written by a first compile from the hashes it takes while writing, is the one renderManifest makes', () => {
    const pieces = ['{\n', '  "a": "—"\n', '}\n'];
    const files = new Map<string, Buffer | (() => Buffer)>([
      ['decks/s/k.tcl', () => Buffer.from('deck — made when read\n')],
      ['jobs/a.sh', Buffer.from('a\n')],
      ['plan.json', Object.assign(() => Buffer.from(pieces.join('')), { pieces: () => pieces })],
      ['submit.sh', Buffer.from('#!/bin/sh\n')],
    ]);
    const out = join(dir, 'fresh');
    mkdirSync(join(out, 'run'), { recursive: true });
    const all = new Map<string, Buffer | (() => Buffer)>([...files, [MANIFEST, pendingManifest(files, 'generated by libcc', 'inputs')]]);
    expect(writeGenerated(out, all)).toEqual({ written: 5, removed: 0 });
    expect(readFileSync(join(out, MANIFEST), 'utf8')).toBe(renderManifest(files, 'generated by libcc', 'inputs'));
    expect(readFileSync(join(out, 'plan.json'), 'utf8')).toBe(pieces.join(''));
    expect(statSync(join(out, 'submit.sh')).mode & 0o777).toBe(0o755);
    expect(readdirSync(out).sort()).toEqual(['.libcc-cache', 'decks', 'jobs', MANIFEST, 'plan.json', 'run', 'submit.sh']);
  });

  it('refuses, naming the line, any path that is not relative, normalised and inside', () => {
    const hash = 'a'.repeat(64);
    const refused: [string, RegExp][] = [
      [`${hash}  ../x`, /m:2: refusing the path `\.\.\/x`: `\.\.` leaves the directory/],
      [`${hash}  /etc/passwd`, /absolute path/],
      [`${hash}  a//b`, /empty path component/],
      [`${hash}  a/./b`, /not normalised/],
      [`${hash}  a\\b`, /backslash/],
      [`${hash}  a\tb`, /control character/],
      [`${hash}  libcc.manifest`, /libcc's own file/],
      [`${hash}  .libcc-stage/0`, /libcc's own file/],
      [`${hash}  run/x`, /run state/],
      [`${hash} x`, /not a manifest line/],
      [`${hash}  submit.sh\n${hash}  submit.sh`, /m:3: `submit\.sh` is listed twice/],
    ];
    for (const [line, message] of refused) expect(() => parseManifest(`# header\n${line}\n`, 'm'), line).toThrow(message);
  });
});
