/**
 * Templates on disk: the site's directory (`--templates DIR`) first, then libcc's own
 * (`templates/` in the package). A deck may also sit next to the pipeline file. Names are
 * relative, `/`-separated; one that would leave its root (`..`, absolute) resolves to nothing,
 * and so does one whose file, once symbolic links are resolved, is not under its root's real
 * path (a link in the pipeline's repository or a site directory that points out of it): the
 * deck is then "not found" (LCP6001) and nothing outside the roots is read.
 */
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { TemplateHost } from '../check/template-host.js';
import { readSourceFile, safeFileSystemHost } from '../syntax/read-source.js';

export interface TemplateRoots {
  /** The directory of the pipeline file (decks next to it). */
  readonly flowDir: string;
  /** The site's overrides (`--templates DIR`), if any. */
  readonly siteDir?: string;
  /** libcc's own templates. */
  readonly builtinDir: string;
}

export function fileSystemTemplates(roots: TemplateRoots): TemplateHost {
  const searchPath = roots.siteDir === undefined ? [roots.builtinDir] : [roots.siteDir, roots.builtinDir];
  const texts = new Map<string, string | undefined>();
  const builtIn = new Set<string>();
  const realRoots = new Map<string, string | undefined>();
  const realRoot = (dir: string): string | undefined => {
    if (!realRoots.has(dir)) realRoots.set(dir, safeFileSystemHost.realPath(dir));
    return realRoots.get(dir);
  };
  const read = (name: string, dirs: readonly string[]): string | undefined => {
    if (!isSafeName(name)) return undefined;
    for (const dir of dirs) {
      const root = realRoot(dir);
      const real = safeFileSystemHost.realPath(join(dir, ...name.split('/')));
      if (root === undefined || real === undefined || !isWithin(root, real)) continue;
      // As a pipeline file is read: a regular file of at most 16 MiB, never a device or a FIFO.
      const found = readSourceFile(real);
      if ('text' in found) {
        if (dir === roots.builtinDir) builtIn.add(name);
        return found.text;
      }
      // Not in this directory: try the next.
    }
    return undefined;
  };
  let known: string[] | undefined;
  return {
    resolveDeck(name) {
      if (!texts.has(name)) texts.set(name, read(name, [roots.flowDir, ...searchPath]));
      return texts.get(name) === undefined ? undefined : name;
    },
    text(key) {
      if (!texts.has(key)) texts.set(key, read(key, key.startsWith('sh/') ? searchPath : [roots.flowDir, ...searchPath]));
      return texts.get(key);
    },
    isBuiltIn(key) {
      return builtIn.has(key);
    },
    knownDecks() {
      known ??= [...new Set(searchPath.flatMap((dir) => listTemplates(dir)))].filter((name) => !name.startsWith('sh/') && !name.startsWith('init/')).sort();
      return known;
    },
  };
}

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function isSafeName(name: string): boolean {
  return name !== '' && !isAbsolute(name) && !name.includes('\\') && !name.split('/').some((part) => part === '..' || part === '');
}

/** Template names (relative, `/`) under a directory. */
function listTemplates(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const name = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) return listTemplates(join(dir, entry.name), name);
    return name.endsWith('.hbs') ? [name] : [];
  });
}
