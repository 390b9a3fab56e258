/**
 * The manifest, `libcc.manifest`: a header, then `<sha256>  <path>` of every generated file. It
 * is how libcc knows which files it generated (and never overwrites another) and, by its
 * `# inputs` line, whether a re-compile would change anything. Read from a repository, it is
 * validated whole before any listed file is looked at (`parseManifest`).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { checkGeneratedPath, MANIFEST, ManifestError, printable } from './generated-dir.js';
import { pathLengthIn, probe, UnsafePathError, type Expected } from './safe-fs.js';

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A generated file's content: text, its UTF-8 bytes, or a function making them (`emitBytes`),
 * which may make the same text in pieces too (`LazyBytes`: written and hashed as it is made).
 */
export type Content = string | Uint8Array | ((() => Uint8Array) & { readonly pieces?: () => Iterable<string | Uint8Array> });

/** The sha256 of a content: of its pieces as they are made, when it has them. */
export function contentHash(content: Content): string {
  const pieces = typeof content === 'function' ? content.pieces : undefined;
  if (pieces === undefined) return sha256(typeof content === 'function' ? content() : content);
  const hash = createHash('sha256');
  for (const piece of pieces()) hash.update(piece);
  return hash.digest('hex');
}

/**
 * The manifest: a header, then `<sha256>  <path>` of every generated file. With `inputs` (the
 * digest of everything the output depends on, `inputs.ts`), a `# inputs` line records it, bound
 * to the file list (a manifest mixed from two compiles does not match): a re-compile with the
 * same inputs only verifies the files (`verifyUnchanged`).
 */
export function renderManifest(files: ReadonlyMap<string, Content>, header: string, inputs?: string): string {
  const hashes: [string, string][] = [];
  for (const [path, text] of files) hashes.push([path, contentHash(text)]);
  return manifestText(hashes, header, inputs);
}

/** A manifest not made yet: what `renderManifest` needs, kept to make it (once) when it is read. */
interface ManifestParts {
  readonly files: ReadonlyMap<string, Content>;
  readonly header: string;
  readonly inputs: string | undefined;
  /** Its text, once made. */
  made?: Buffer;
}

const pendingManifests = new WeakMap<object, ManifestParts>();

/**
 * The manifest of `files` as content made when it is first read (then kept: it is small).
 * `writeGenerated` into an empty directory does not read it: it hashes each file as it writes
 * it and makes the same text from those hashes, so no file is made twice.
 */
export function pendingManifest(files: ReadonlyMap<string, Content>, header: string, inputs?: string): () => Buffer {
  const parts: ManifestParts = { files, header, inputs };
  const content = () => (parts.made ??= Buffer.from(renderManifest(files, header, inputs), 'utf8'));
  pendingManifests.set(content, parts);
  return content;
}

/**
 * Makes a pending manifest (`pendingManifest`) now, with the hashes of `hashes` where it has them
 * (content made in pieces, hashed as it was compared with its file) instead of making that
 * content again to hash it; the others are added to `hashes`, which then holds every file it
 * lists. False for other content, or a manifest already made.
 */
export function settleManifest(content: Content, hashes: Map<string, string>): boolean {
  const parts = typeof content === 'function' ? pendingManifests.get(content) : undefined;
  if (parts === undefined || parts.made !== undefined) return false;
  const listed: [string, string][] = [];
  for (const [path, file] of parts.files) {
    const hash = hashes.get(path) ?? contentHash(file);
    hashes.set(path, hash);
    listed.push([path, hash]);
  }
  parts.made = Buffer.from(manifestText(listed, parts.header, parts.inputs), 'utf8');
  return true;
}

/** What a file on disk is compared with for `content`: content made in pieces is compared as it is made. */
export function expectedOf(content: Content | undefined): Expected {
  const pieces = typeof content === 'function' ? content.pieces : undefined;
  return pieces !== undefined ? { pieces } : () => asBytes(content);
}

const MANIFEST_SECOND_LINE = '# sha256 and path of every generated file; libcc never overwrites a file not listed here.\n';

function manifestText(hashes: Iterable<readonly [string, string]>, header: string, inputs: string | undefined): string {
  const entries: string[] = [];
  for (const [path, hash] of hashes) entries.push(`${hash}  ${path}\n`);
  const body = entries.join('');
  const lines = [`# ${header}\n`, MANIFEST_SECOND_LINE];
  if (inputs !== undefined) lines.push(`# inputs ${sha256(`${inputs}\n${body}`)}\n`);
  return lines.join('') + body;
}

/**
 * Whether a manifest that parsed (`parseManifest`) is, byte for byte, the one libcc writes for
 * these inputs (`manifestText` of its own entries): the header lines, the `# inputs` digest of
 * exactly its body, and a body of entry lines only, each ending in a newline — checked in place
 * instead of rebuilding the text (33k lines at 100k jobs).
 */
function isManifestFor(text: string, header: string, inputs: string): boolean {
  const prefix = `# ${header}\n${MANIFEST_SECOND_LINE}# inputs `;
  const bodyStart = prefix.length + 65;
  if (!text.startsWith(prefix) || text.charCodeAt(bodyStart - 1) !== 10) return false;
  const body = text.slice(bodyStart);
  if (body !== '' && (!body.endsWith('\n') || body.startsWith('#') || body.includes('\n#'))) return false;
  return text.startsWith(sha256(`${inputs}\n${body}`), prefix.length);
}

/**
 * Parses and validates a manifest's text: `# ` comment lines, then `<sha256>  <path>` lines,
 * every path relative, normalised, inside the directory, listed once, not too long for the
 * system (in `dir`, when given: the directory it lists). Throws `ManifestError` naming the line
 * on anything else — before any listed file is looked at.
 */
export function parseManifest(text: string, where: string, dir?: string): Map<string, string> {
  const entries = new Map<string, string>();
  const tooLong = dir === undefined ? undefined : pathLengthIn(dir);
  // Scanned in place rather than split and matched: a manifest lists 33k files at 100k jobs.
  for (let at = 0, line = 1; at < text.length; line++) {
    const newline = text.indexOf('\n', at);
    const end = newline < 0 ? text.length : newline;
    const next = end + 1;
    if (text.charCodeAt(at) === 35 /* # */) {
      at = next;
      continue;
    }
    const hash = text.slice(at, at + 64);
    if (end - at < 67 || text.charCodeAt(at + 64) !== 32 || text.charCodeAt(at + 65) !== 32 || !SHA256.test(hash)) {
      throw new ManifestError(`${where}:${line}: not a manifest line (\`<sha256>  <path>\`)`);
    }
    const path = text.slice(at + 66, end);
    const problem = checkGeneratedPath(path) ?? tooLong?.(path);
    if (problem !== undefined) throw new ManifestError(`${where}:${line}: refusing the path \`${printable(path)}\`: ${problem}`);
    if (entries.has(path)) throw new ManifestError(`${where}:${line}: \`${path}\` is listed twice`);
    entries.set(path, hash);
    at = next;
  }
  return entries;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The validated manifest of `dir`, or undefined when there is none. A manifest that is a link,
 * not a file, or not in libcc's format is refused (`ManifestError`, `UnsafePathError`).
 */
export function readManifest(dir: string): Map<string, string> | undefined {
  const found = probe(dir, MANIFEST);
  if (found.kind === 'missing') return undefined;
  if (found.kind === 'unsafe') throw new UnsafePathError(`refusing ${join(dir, MANIFEST)}: ${found.reason}`);
  return parseManifest(found.text, join(dir, MANIFEST), dir);
}

export const INPUTS_DIFFER = `the inputs differ from those ${MANIFEST} records`;

/** Whether a manifest's text (from `verifyListedFiles`) records these header and inputs; else why not. */
export function manifestRecords(text: string, header: string, inputs: string): string | undefined {
  return isManifestFor(text, header, inputs) ? undefined : INPUTS_DIFFER;
}

export function asBytes(content: Content | undefined): Uint8Array | undefined {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : typeof content === 'function' ? content() : content;
}
