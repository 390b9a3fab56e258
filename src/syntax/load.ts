/**
 * Loads a program: the root `.lcp` file and everything it imports, transitively. Files are read
 * through a host (the CLI passes the file system; tests pass a map), each file is parsed once,
 * so diamond imports and import cycles are harmless.
 *
 * Imports are confined to the root file's directory (the pipeline's repository root): an import
 * that resolves outside it — `../x.lcp`, an absolute path, or a symbolic link that points out —
 * is refused (LCP2005, unsupported import) and not read. Pipelines come from pull requests; a
 * checker that followed `import "../../secrets.yaml"` would print its lines in diagnostics.
 *
 * Declaration order is the program order: a file's declarations in source order, with an
 * imported file's declarations spliced in at its (first) `import`. Every later phase orders
 * entities by it, so output never depends on hashing or on how the files were read.
 */
import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/diagnostic.js';
import { createSourceFile, type SourceFile } from '../diagnostics/source.js';
import type { Declaration, ImportDecl, LcpFile } from './ast.js';
import { parseLcp } from './parse.js';
import type { ParseResult } from './result.js';
import { parseCornerTable } from './yaml-corners.js';

export interface LoaderHost {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
  /**
   * Where a path really is, symbolic links resolved (undefined when it does not exist). Hosts
   * without links (tests' in-memory files) leave it out; with it (the CLI, the language server),
   * an import that leaves the root's directory through a link is refused like one written with `..`.
   */
  realPath?(path: string): string | undefined;
}

export interface LoadedProgram {
  readonly rootPath: string;
  /** Every source read, by display path (for rendering diagnostics). */
  readonly sources: ReadonlyMap<string, SourceFile>;
  /** Parsed files in load order, root first. */
  readonly files: readonly LcpFile[];
  /** All declarations in program order. */
  readonly declarations: readonly Declaration[];
  readonly diagnostics: readonly Diagnostic[];
}

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);

/**
 * Limits on one source file, so that hostile input ends in bounded time and memory: a file over
 * 16 MiB (a real pipeline is a few kB; a corner table a few hundred kB) and a YAML file over
 * 100 000 lines (the YAML parser takes ~3 s for that many) are not parsed. An import over a
 * limit is refused (LCP2005); a root file over it is not loaded at all, like one that cannot be
 * read. Hosts reading the file system should refuse such files before reading them
 * (`readSourceFile` in read-source.ts: also device files and FIFOs).
 */
export const MAX_SOURCE_LENGTH = 16 * 1024 * 1024;
export const MAX_YAML_LINES = 100_000;

/** Why a file's text is over a limit, or undefined. */
export function sourceTooLarge(path: string, text: string): string | undefined {
  if (text.length > MAX_SOURCE_LENGTH) return `it is ${(text.length / 2 ** 20).toFixed(1)} MiB long, over the limit of ${MAX_SOURCE_LENGTH / 2 ** 20} MiB`;
  if (isYaml(path)) {
    let lines = 1;
    for (let i = text.indexOf('\n'); i >= 0 && lines <= MAX_YAML_LINES; i = text.indexOf('\n', i + 1)) lines++;
    if (lines > MAX_YAML_LINES) return `it has more than ${MAX_YAML_LINES.toLocaleString('en-US')} lines, the limit for a YAML file`;
  }
  return undefined;
}

/** Normalises a user-given path to the display form used in spans: posix, no `./` prefix. */
export function displayPath(path: string): string {
  const normalised = posix.normalize(path.replace(/\\/g, '/'));
  return normalised.startsWith('./') ? normalised.slice(2) : normalised;
}

/**
 * Loads `rootPath` and its imports. Returns undefined when the root itself cannot be read (a
 * usage error for the CLI, not a diagnostic: there is no source to point into).
 */
export function loadProgram(rootPath: string, host: LoaderHost): LoadedProgram | undefined {
  const root = displayPath(rootPath);
  const rootText = host.readFile(root);
  if (rootText === undefined || sourceTooLarge(root, rootText) !== undefined) return undefined;
  const confinement = posix.dirname(root);
  const realConfinement = host.realPath?.(confinement);

  const sources = new Map<string, SourceFile>();
  const parsed = new Map<string, LcpFile>();
  const files: LcpFile[] = [];
  const declarations: Declaration[] = [];
  const diagnostics: Diagnostic[] = [];

  const parseSource = (path: string, text: string): LcpFile => {
    const source = createSourceFile(path, text);
    sources.set(path, source);
    const result: ParseResult = isYaml(path) ? parseCornerTable(source) : parseLcp(source);
    // A loop, not push(...): a spread of ~125 000 diagnostics overflows the stack.
    for (const d of result.diagnostics) diagnostics.push(d);
    parsed.set(path, result.file);
    files.push(result.file);
    return result.file;
  };

  // Iterative depth-first walk, so a long import chain cannot overflow the stack.
  type Frame = { file: LcpFile; next: number };
  const stack: Frame[] = [{ file: parseSource(root, rootText), next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const declaration = frame.file.declarations[frame.next++];
    if (declaration === undefined) {
      stack.pop();
      continue;
    }
    declarations.push(declaration);
    if (declaration.kind !== 'ImportDecl') continue;
    const target = resolveImport(frame.file.path, declaration, diagnostics);
    if (target === undefined || parsed.has(target)) continue;
    if (!isWithin(confinement, target)) {
      diagnostics.push(
        makeDiagnostic('LCP2005', declaration.path.span, `cannot import \`${target}\`: it is outside the directory of \`${root}\``, {
          label: 'leaves the directory of the root file',
          help: 'imports must stay under the directory of the pipeline file; move the file there',
        }),
      );
      continue;
    }
    const realTarget = realConfinement === undefined ? undefined : host.realPath?.(target);
    if (realConfinement !== undefined && realTarget !== undefined && !isWithin(realConfinement, realTarget)) {
      diagnostics.push(
        makeDiagnostic('LCP2005', declaration.path.span, `cannot import \`${target}\`: a symbolic link takes it outside the directory of \`${root}\``, {
          label: 'resolves to a file outside the directory of the root file',
          help: 'imports must stay under the directory of the pipeline file; copy the file there instead of linking it',
        }),
      );
      continue;
    }
    const text = host.readFile(target);
    if (text === undefined) {
      diagnostics.push(
        makeDiagnostic('LCP2003', declaration.path.span, `cannot find imported file \`${target}\``, {
          label: 'no such file',
          help: 'import paths are relative to the importing file',
        }),
      );
      continue;
    }
    const tooLarge = sourceTooLarge(target, text);
    if (tooLarge !== undefined) {
      diagnostics.push(
        makeDiagnostic('LCP2005', declaration.path.span, `cannot import \`${target}\`: ${tooLarge}`, {
          label: 'file too large',
          help: 'split the file, or generate the corner table with fewer, shared entries',
        }),
      );
      continue;
    }
    stack.push({ file: parseSource(target, text), next: 0 });
  }

  return { rootPath: root, sources, files, declarations, diagnostics };
}

/** `path` is `dir` or below it (posix paths, both relative to the same directory or both absolute). */
function isWithin(dir: string, path: string): boolean {
  if (posix.isAbsolute(path) && !posix.isAbsolute(dir)) return false; // an absolute import from a relative root
  const rel = posix.relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !posix.isAbsolute(rel));
}

function isYaml(path: string): boolean {
  return YAML_EXTENSIONS.has(posix.extname(path).toLowerCase());
}

function resolveImport(importer: string, declaration: ImportDecl, diagnostics: Diagnostic[]): string | undefined {
  const literal = declaration.path;
  if (literal.parts.some((part) => part.kind === 'Interpolation')) {
    diagnostics.push(
      makeDiagnostic('LCP2005', literal.span, 'import paths cannot contain interpolations', {
        label: 'must be a plain relative path',
      }),
    );
    return undefined;
  }
  const written = literal.text;
  const extension = posix.extname(written).toLowerCase();
  if (extension !== '.lcp' && !YAML_EXTENSIONS.has(extension)) {
    diagnostics.push(
      makeDiagnostic('LCP2005', literal.span, `cannot import \`${written}\`: only .lcp and .yaml files can be imported`, {
        label: 'unsupported file type',
      }),
    );
    return undefined;
  }
  const base = posix.dirname(importer);
  return displayPath(posix.isAbsolute(written) ? written : posix.join(base, written));
}
