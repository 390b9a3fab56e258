/** Test helpers: the driver's analysis of files on disk or in memory, with real or in-memory templates. */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TemplateHost } from '../../src/check/template-host.js';
import { fileSystemHost } from '../../src/cli/io.js';
import { analyse, type Analysis } from '../../src/driver/analyse.js';
import { fileSystemTemplates } from '../../src/driver/templates.js';
import { loadProgram } from '../../src/syntax/load.js';

/** libcc's own templates, with decks next to `flowDir`. */
export function builtinTemplates(flowDir = '.'): TemplateHost {
  return fileSystemTemplates({ flowDir, builtinDir: 'templates' });
}

/** libcc's own templates plus in-memory ones (by name) that take precedence. */
export function templatesWith(extra: ReadonlyMap<string, string>, flowDir = '.'): TemplateHost {
  const builtin = builtinTemplates(flowDir);
  return {
    resolveDeck: (name) => (extra.has(name) ? name : builtin.resolveDeck(name)),
    text: (key) => extra.get(key) ?? builtin.text(key),
    knownDecks: () => [...new Set([...extra.keys(), ...builtin.knownDecks()])].sort(),
  };
}

/** The analysis `libcc` would make of a pipeline file on disk. */
export function analyseFile(path: string, options: { slots?: number; templates?: TemplateHost; keepDecks?: boolean } = {}): Analysis {
  const loaded = loadProgram(path, fileSystemHost);
  if (loaded === undefined) throw new Error(`cannot read ${path}`);
  return analyse(loaded, { templates: options.templates ?? builtinTemplates(dirname(path)), ...(options.slots === undefined ? {} : { slots: options.slots }), keepDecks: options.keepDecks ?? false });
}

/** The text of one of libcc's templates. */
export function templateText(name: string): string {
  return readFileSync(`templates/${name}`, 'utf8');
}
