/**
 * Reading a pipeline named on the command line and analysing it, for every command that takes
 * one: the file (a link out of its directory, a directory or an unreadable file is a usage error
 * saying why), its templates (next to it, the site's `--templates`, libcc's own), the one
 * analysis of src/driver, and its diagnostics in the format asked for.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TemplateHost } from '../check/template-host.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { renderJson, renderRich, renderShort } from '../diagnostics/render.js';
import type { SourceFile } from '../diagnostics/source.js';
import { analyse, type Analysis } from '../driver/analyse.js';
import { fileSystemTemplates } from '../driver/templates.js';
import type { SchedulerName } from '../schedulers/index.js';
import { displayPath, loadProgram, MAX_SOURCE_LENGTH, type LoadedProgram } from '../syntax/load.js';
import { recordingLoaderHost, type InputReads } from './inputs.js';
import { fileSystemHost, linkLeavesDirectory, packageRoot, userPath } from './io.js';
import { committedLinkRefusal } from './safe-fs.js';
import { UsageError } from './usage.js';

export type DiagnosticFormat = 'rich' | 'short' | 'json';

/** Loads a pipeline from disk; `text`, when given, is the root file's text (standard input). */
export function load(path: string, text?: string, reads?: InputReads): LoadedProgram {
  const root = displayPath(userPath(path));
  const refused = text === undefined ? linkLeavesDirectory(path) : undefined;
  if (refused !== undefined) throw new UsageError(refused);
  // Read as a file, a directory was "no such file, or not readable".
  if (text === undefined && isDirectory(path)) throw new UsageError(`\`${path}\` is a directory, not a pipeline file`, pipelineInDirectoryHelp(path));
  const readFile = text === undefined ? fileSystemHost.readFile : (file: string) => (file === root ? text : fileSystemHost.readFile(file));
  const host = { readFile, realPath: fileSystemHost.realPath };
  const loaded = loadProgram(userPath(path), reads === undefined ? host : recordingLoaderHost(host, dirname(root), reads));
  if (loaded === undefined) throw new UsageError(`cannot read \`${path}\`: ${whyUnreadable(path)}`);
  return loaded;
}

/** Why a pipeline file could not be read, in a user's words (the loader says only that it could not). */
function whyUnreadable(path: string): string {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return 'not a regular file (a FIFO, a device or a socket is never read)';
    if (stat.size > MAX_SOURCE_LENGTH) return `${(stat.size / 2 ** 20).toFixed(1)} MiB, over the limit of ${(MAX_SOURCE_LENGTH / 2 ** 20).toFixed(0)} MiB for a source file`;
    return 'not readable';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'not readable';
  }
}

/** What to give instead of a directory: the one pipeline file in it, if it has exactly one. */
function pipelineInDirectoryHelp(dir: string): string {
  let names: string[] = [];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.lcp'))
      .map((entry) => entry.name);
  } catch {
    // Unreadable: the general help.
  }
  if (names.length === 1) return `did you mean \`${join(dir, names[0]!)}\`?`;
  const others = '(`check` and `fmt` take directories)';
  return names.length === 0 ? `give the pipeline's .lcp file ${others}` : `it holds ${names.length} .lcp files: give one of them ${others}`;
}

/** Templates from disk: next to the pipeline, the site's (`--templates`), libcc's own. */
export function templatesFor(loaded: LoadedProgram, options: { templates?: string }): TemplateHost {
  if (options.templates !== undefined) {
    const refused = committedLinkRefusal(options.templates, repositoryRoots(loaded), `to read templates from ${options.templates}`, 'give the real path with --templates', { last: true });
    if (refused !== undefined) throw new UsageError(refused);
    if (!isDirectory(options.templates)) throw new UsageError(`no templates directory \`${options.templates}\``);
  }
  return fileSystemTemplates({
    flowDir: dirname(loaded.rootPath),
    ...(options.templates === undefined ? {} : { siteDir: options.templates }),
    builtinDir: join(packageRoot(), 'templates'),
  });
}

/** The one analysis (src/driver) of a loaded program, with templates from disk (or `templates`). */
export function analyseProgram(
  loaded: LoadedProgram,
  options: { templates?: string; slots?: number; scheduler?: SchedulerName } = {},
  templates: TemplateHost = templatesFor(loaded, options),
  decksRenderedLater = false,
): Analysis {
  return analyse(loaded, {
    templates,
    decksRenderedLater,
    ...(options.slots === undefined ? {} : { slots: options.slots }),
    ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, SourceFile>,
  format: DiagnosticFormat,
  color: boolean,
): string {
  if (format === 'json') return renderJson(diagnostics, sources);
  if (format === 'short') return renderShort(diagnostics, sources);
  return renderRich(diagnostics, sources, { color });
}

/**
 * The directories whose content the repository decides, for `checkOutputDir`: the working
 * directory (a checkout) and the directory of the root pipeline file (where the default output
 * goes). A symbolic link below them on the way to the output directory was committed.
 */
export function repositoryRoots(loaded: LoadedProgram): string[] {
  return [process.cwd(), dirname(loaded.rootPath)];
}

/** `--quiet`: the errors only. */
export function errorsOnly(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}
