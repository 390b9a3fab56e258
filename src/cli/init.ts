/**
 * `libcc init [dir] [--name NAME]`: scaffold a small working pipeline — `flow.lcp` (an env
 * variable, a node, a library, three stages), `corners.yaml` (corners and a `signoff` set),
 * `site.lcp` (site block, queues, a tool), `.gitignore`, a `README.md` with the next
 * commands and a `package.json` that pins this libcc as a devDependency (`npm install` then
 * installs it, from the registry mirror or tarball the README's install section describes) with
 * the scripts `npm run check` and `npm run compile`. It checks clean, compiles, and runs with `run-local.sh` without any EDA tool.
 *
 * The files come from `templates/init/`: `NAME.hbs` is rendered (Handlebars, strict) with
 * `{ name }` and written as `NAME`; `gitignore.hbs` becomes `.gitignore` (npm drops files named
 * `.gitignore` from published packages). Refuses a directory that is not empty, one reached
 * through a symbolic link below the working directory or itself a link, and never overwrites a
 * file.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, isAbsolute, join, parse, resolve, sep } from 'node:path';
import { compileTemplate } from '../emit/render.js';
import { shQuote } from '../emit/shell.js';
import { KEYWORD_WORDS } from '../syntax/tokens.js';
import { packageRoot, packageVersion, terminalSafe } from './io.js';
import { committedLinkRefusal } from './safe-fs.js';

/** The files of a scaffold, in the order they are written: output name ← template name. */
const FILES: readonly (readonly [output: string, template: string])[] = [
  ['flow.lcp', 'flow.lcp.hbs'],
  ['corners.yaml', 'corners.yaml'],
  ['site.lcp', 'site.lcp'],
  ['.gitignore', 'gitignore.hbs'],
  ['README.md', 'README.md.hbs'],
  ['package.json', ''], // generated: see projectPackageJson
];

/** Why `libcc init` wrote nothing: the directory is not empty, or the name is not usable. */
export class InitError extends Error {
  override name = 'InitError';
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Is `name` usable as a pipeline name: an identifier that is not a keyword? */
export function isPipelineName(name: string): boolean {
  return IDENTIFIER.test(name) && !KEYWORD_WORDS.includes(name);
}

/**
 * A pipeline name from a directory name: accents dropped, every run of other characters than
 * letters, digits and `_` made one `_`, a leading digit prefixed with `p_`, a keyword suffixed
 * with `_flow`; `flow` when nothing is left (`my-flow` → `my_flow`, `5nm` → `p_5nm`).
 */
export function pipelineNameFor(dir: string): string {
  return sanitizeName(basename(resolve(dir)));
}

function sanitizeName(raw: string): string {
  let name = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') return 'flow';
  if (/^[0-9]/.test(name)) name = `p_${name}`;
  return KEYWORD_WORDS.includes(name) ? `${name}_flow` : name;
}

/**
 * Writes the scaffold into `dir` (created when missing, a directory at a time). Throws
 * `InitError`, having written nothing, when `dir` is not an empty directory, cannot be created
 * (`directoriesToCreate`) or `options.name` is not a valid pipeline name. Returns the files
 * written, relative to `dir`.
 */
export function initProject(dir: string, options: { name?: string }): { written: string[] } {
  const name = options.name ?? pipelineNameFor(dir);
  if (!isPipelineName(name)) {
    const hint = sanitizeName(name);
    throw new InitError(
      `\`${name}\` cannot name a pipeline: use letters, digits and \`_\`, not starting with a digit, and not a keyword (try \`--name ${hint}\`)`,
    );
  }
  const missing = directoriesToCreate(dir);
  if (missing.length === 0) {
    const entries = readdirSync(dir);
    if (entries.length > 0) {
      const shown = entries.sort().slice(0, 3).join(', ');
      throw new InitError(`\`${dir}\` is not empty (${shown}${entries.length > 3 ? ', …' : ''}); libcc init writes only into a new or empty directory`);
    }
  }

  const templates = join(packageRoot(), 'templates', 'init');
  // Render everything before writing anything: a broken template leaves no half scaffold.
  const rendered = FILES.map(([output, template]) => {
    if (output === 'package.json') return [output, projectPackageJson(name)] as const;
    const text = readFileSync(join(templates, template), 'utf8');
    return [output, template.endsWith('.hbs') ? compileTemplate(`init/${template}`, text)({ name }) : text] as const;
  });
  // One directory at a time, not `mkdirSync(…, { recursive: true })`, which loops forever on /proc in Node 20.
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      throw new InitError(`cannot create the directory \`${path}\`: ${systemReason(error)}`);
    }
  }
  const written: string[] = [];
  for (const [output, text] of rendered) {
    writeFileSync(join(dir, output), text, { flag: 'wx', mode: 0o644 }); // `wx`: never replaces a file
    written.push(output);
  }
  return { written };
}

/**
 * The directories to create, outermost first, for `dir` to exist (none when it does); throws
 * `InitError` when it cannot be used: a symbolic link below the working directory on the way (a
 * repository can commit one: the rule of `compile -o`, safe-fs.ts), `dir` itself a symbolic link
 * (to a directory or dangling), a component that is not a directory (a file, a dangling link), or
 * one the system refuses to look at. Components are looked at as written, one by one.
 */
function directoriesToCreate(dir: string): string[] {
  const link = committedLinkRefusal(dir, [process.cwd()], `to create the pipeline in ${dir}`, 'give the real path');
  if (link !== undefined) throw new InitError(link);
  const absolute = isAbsolute(dir);
  const parts = dir.split(sep).filter((part) => part !== '' && part !== '.');
  const prefix = (count: number) => `${absolute ? parse(resolve(dir)).root : ''}${parts.slice(0, count).join(sep)}`;
  for (let i = 0; i < parts.length; i++) {
    const path = prefix(i + 1);
    const last = i === parts.length - 1;
    let stat: Stats;
    try {
      stat = lstatSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parts.slice(i).map((_, j) => prefix(i + j + 1));
      throw new InitError(`cannot use \`${path}\`: ${systemReason(error)}`);
    }
    if (stat.isSymbolicLink()) {
      const target = readlinkSync(path);
      const resolved = statOrUndefined(path);
      if (last) throw new InitError(`\`${path}\` is a symbolic link (to ${target}${resolved === undefined ? ', which does not resolve' : ''}): give the real directory`);
      if (resolved === undefined) throw new InitError(`\`${path}\` is a symbolic link to ${target}, which does not resolve: not a directory to create the pipeline in`);
      stat = resolved;
    }
    if (!stat.isDirectory()) throw new InitError(last ? `\`${path}\` exists and is not a directory` : `\`${path}\` is not a directory`);
  }
  return [];
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** What the system said, without the call and path Node appends (`ENOENT: no such file or directory`). */
function systemReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, \w+ '.*'$/s, '');
}

/**
 * The scaffold's `package.json`: private (never published by accident), this libcc pinned
 * exactly as a devDependency, and npm scripts for the two commands CI runs. The npm name is the
 * pipeline name in lower case with `-` for `_` (npm names are lower case).
 */
export function projectPackageJson(name: string): string {
  const pkg = {
    name: name.toLowerCase().replace(/_/g, '-'),
    version: '0.0.0',
    private: true,
    description: `The characterization pipeline ${name}, in libcc's .lcp language`,
    scripts: {
      check: 'libcc check .',
      compile: 'libcc compile flow.lcp',
    },
    devDependencies: {
      libcc: packageVersion(),
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** `libcc init [dir] [--name NAME]`: 0 written, 2 refused (nothing written). */
export function initCommand(dir: string | undefined, options: { name?: string }, output: Output): number {
  const target = dir ?? '.';
  let written: string[];
  try {
    ({ written } = initProject(target, options));
  } catch (error) {
    if (error instanceof InitError) {
      output.stderr(terminalSafe(`libcc: error: ${error.message}\n`));
      return 2;
    }
    throw error;
  }
  const name = options.name ?? pipelineNameFor(target);
  const prefix = target === '.' ? '' : `${target.replace(/\/+$/, '')}/`;
  const here = target === '.' ? '' : `cd ${/^[A-Za-z0-9_.\/+-]+$/.test(target) ? target : shQuote(target)} && `;
  output.stdout(
    terminalSafe(
      `created pipeline \`${name}\` in ${target === '.' ? 'the current directory' : target}: ${written.map((file) => `${prefix}${file}`).join(', ')}\n` +
        `next: ${here}npx libcc check . && npx libcc compile flow.lcp && KIT_DIR=/tmp ./${name}/run-local.sh -j 2  (see ${prefix}README.md)\n`,
    ),
  );
  return 0;
}
