/** Modes of generated files, in a module of their own: the verify thread needs them, not the emitter. */

/** Executable files (mode 0755); everything else is 0644. */
export function isExecutable(path: string): boolean {
  return path.endsWith('.sh') && !path.startsWith('lib/');
}
