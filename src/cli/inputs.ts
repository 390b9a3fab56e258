/**
 * What a compile's output depends on, as one digest (the manifest's `# inputs` line, see
 * `renderManifest`): libcc itself (its version, its own templates and, in a checkout, its
 * source, so that a development change invalidates too), every source file the program loaded
 * (path relative to the root file's directory, and content), every template the analysis and
 * the emitter read (a site's `--templates` overrides and decks next to the pipeline included; a
 * name that was looked up but not found counts too), and the options that change the output.
 * `libcc compile` skips rendering when the digest is the one recorded (docs/performance.md,
 * "No-change re-compile").
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { TemplateHost } from '../check/template-host.js';
import type { LoaderHost } from '../syntax/load.js';

/** Every input read so far, by name: its text, or undefined when it was looked up and not found. */
export interface InputReads {
  readonly sources: Map<string, string | undefined>;
  readonly templates: Map<string, string | undefined>;
}

export function newInputReads(): InputReads {
  return { sources: new Map(), templates: new Map() };
}

/** `host`, recording each file it reads by its path relative to `rootDir`. */
export function recordingLoaderHost(host: LoaderHost, rootDir: string, reads: InputReads): LoaderHost {
  return {
    ...host,
    readFile(path) {
      const text = host.readFile(path);
      reads.sources.set(relative(rootDir, path).split(sep).join('/'), text);
      return text;
    },
  };
}

/** `host`, recording each template text it gives out (deck resolution only names one; its text is read to render it). */
export function recordingTemplates(host: TemplateHost, reads: InputReads): TemplateHost {
  return {
    resolveDeck(name) {
      const key = host.resolveDeck(name);
      if (key === undefined) reads.templates.set(`deck:${name}`, undefined);
      return key;
    },
    text(key) {
      const text = host.text(key);
      reads.templates.set(key, text);
      return text;
    },
    knownDecks: () => host.knownDecks(),
  };
}

function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * libcc's identity for the digest: its version, the content of its own templates directory and,
 * in a checkout of libcc (a `src` directory beside the templates, which the npm package does not
 * ship), the content of its source — so that a change of the emitter that keeps the version and
 * the templates also invalidates what it generated, and `compile --check` cannot call an output
 * of the previous code up to date.
 */
export function libccIdentity(version: string, templatesDir: string, sourceDir?: string): string {
  const hash = createHash('sha256');
  hashTree(hash, templatesDir);
  if (sourceDir !== undefined) {
    hash.update('\u0000src\u0000');
    hashTree(hash, sourceDir);
  }
  return `${version} ${hash.digest('hex')}`;
}

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const name of listFiles(dir)) {
    hash.update(`${name}\u0000`);
    hash.update(readFileSync(join(dir, ...name.split('/'))));
    hash.update('\u0000');
  }
}

/** Files under `dir`, relative and `/`-separated, sorted. */
function listFiles(dir: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .flatMap((entry) => {
      const name = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) return listFiles(join(dir, entry.name), name);
      return entry.isFile() ? [name] : [];
    })
    .sort();
}

export interface DigestInput {
  readonly libcc: string;
  readonly reads: InputReads;
  /** The options that change the output (scheduler, the pipeline as seen from the output directory, …). */
  readonly options: Readonly<Record<string, string>>;
}

/** The digest of everything listed in `input`: deterministic (sorted), each text by its hash. */
export function inputsDigest(input: DigestInput): string {
  const entries = (map: ReadonlyMap<string, string | undefined>) =>
    [...map].map(([name, text]) => [name, text === undefined ? null : sha256(text)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const options = Object.entries(input.options).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256(JSON.stringify({ format: 1, libcc: input.libcc, options, sources: entries(input.reads.sources), templates: entries(input.reads.templates) }));
}

