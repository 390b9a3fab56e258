/** A directory's files as a map (path → mode and content), for comparing generated trees. */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` (none when it is missing), the top-level names in `skipped` left out. */
export function fileTree(dir: string, skipped: ReadonlySet<string> = new Set()): Map<string, string> {
  const result = new Map<string, string>();
  if (!existsSync(dir)) return result;
  const walk = (path: string, prefix: string) => {
    for (const name of readdirSync(path).sort()) {
      if (prefix === '' && skipped.has(name)) continue;
      const full = join(path, name);
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(full, `${prefix}${name}/`);
      else result.set(`${prefix}${name}`, `${(stat.mode & 0o777).toString(8)} ${readFileSync(full, 'utf8')}`);
    }
  };
  walk(dir, '');
  return result;
}
