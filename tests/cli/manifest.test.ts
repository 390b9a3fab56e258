// The manifest parser (`parseManifest`) and the path check under it (`checkRelativePath`), both
// scanned in place for speed: every malformed line and refused path still names its line and
// reason, and the fast path of the path check never accepts what the full check refuses.
import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest } from '../../src/cli/compile.js';
import { checkRelativePath } from '../../src/cli/safe-fs.js';

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
  ])('refuses %j', (text, message) => {
    expect(() => parseManifest(text, 'm')).toThrow(ManifestError);
    expect(() => parseManifest(text, 'm')).toThrow(message);
  });
});

describe('checkRelativePath', () => {
  it.each([
    ['a', undefined],
    ['a/b.c/d', undefined],
    ['.gitignore', undefined],
    ['a/..b/...', undefined],
    ['', 'empty path'],
    ['x'.repeat(4097), 'path too long'],
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
