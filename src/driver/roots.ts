/**
 * Which of the loaded files are programs of their own: a file imported by another checked file
 * is analysed as part of it (so a directory holding `flow.lcp` and the `site.lcp` it imports
 * analyses `flow.lcp` once, and `site.lcp`, which has no `pipeline`, is not reported as a program
 * of its own). Files that only import each other (a cycle no other file imports) are analysed
 * from the first of them.
 */
import type { LoadedProgram } from '../syntax/load.js';

export function programRoots(programs: readonly LoadedProgram[]): LoadedProgram[] {
  const importedElsewhere = (program: LoadedProgram) =>
    programs.some((other) => other !== program && other.rootPath !== program.rootPath && other.sources.has(program.rootPath));
  const roots: LoadedProgram[] = [];
  const covered = new Set<string>();
  const take = (program: LoadedProgram) => {
    roots.push(program);
    for (const path of program.sources.keys()) covered.add(path);
  };
  for (const program of programs) if (!importedElsewhere(program)) take(program);
  for (const program of programs) if (!covered.has(program.rootPath)) take(program);
  return programs.filter((program) => roots.includes(program));
}
