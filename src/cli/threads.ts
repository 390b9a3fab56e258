/** Where a thread's script is: next to this module (built), or built in dist/ when this runs from src/ (the tests). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function threadScript(name: string): URL {
  const here = new URL(`./${name}.js`, import.meta.url);
  return existsSync(fileURLToPath(here)) ? here : new URL(`../../dist/cli/${name}.js`, import.meta.url);
}
