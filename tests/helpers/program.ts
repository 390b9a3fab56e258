/** Test helpers: load and check programs from in-memory files. */
import { check, type CheckResult } from '../../src/check/check.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { loadProgram, type LoadedProgram } from '../../src/syntax/load.js';

export function loadFiles(files: Record<string, string>, root = 'main.lcp'): LoadedProgram {
  const loaded = loadProgram(root, { readFile: (path) => files[path] });
  if (loaded === undefined) throw new Error(`no root file ${root}`);
  return loaded;
}

export function checkFiles(files: Record<string, string>, root = 'main.lcp'): CheckResult & { loaded: LoadedProgram } {
  const loaded = loadFiles(files, root);
  return { ...check(loaded), loaded };
}

/** Checks one source as `main.lcp`. */
export function checkSource(text: string): CheckResult & { loaded: LoadedProgram } {
  return checkFiles({ 'main.lcp': text });
}

/** `[code, text under the primary span]` for each diagnostic, in output order. */
export function codesAndSpans(result: { diagnostics: readonly Diagnostic[]; loaded: LoadedProgram }): [string, string][] {
  return result.diagnostics.map((d) => {
    const source = result.loaded.sources.get(d.primary.span.file);
    return [d.code, source ? source.text.slice(d.primary.span.start, d.primary.span.end) : `<${d.primary.span.file}>`];
  });
}

export function codes(result: { diagnostics: readonly Diagnostic[] }): string[] {
  return result.diagnostics.map((d) => d.code);
}

/** A small valid program; tests splice mistakes into it. */
export const PRELUDE = `pipeline t
node n { vdd = 0.4V .. 1.0V  temperature = -40C .. 125C  processes = [ss, tt]  rc_corners = [typical, cworst_CCworst_T] }
corner tt_0p75v_25c_typical {}
corner ss_0p675v_m40c_typical {}
library lib : n { corners = [tt_0p75v_25c_typical, ss_0p675v_m40c_typical] }
`;

/** A flow with a Liberate tool and one library over two corners: the start of the deck tests' flows. */
export const DECK_PRELUDE = `pipeline t
env KIT: path
tool liberate { path = "\${KIT}/bin/liberate"  kind = liberate }
node n { processes = [tt] }
corner tt_0p80v_25c_typical {}
corner tt_0p90v_25c_typical {}
library lib : n { kit = "\${KIT}/lib"  cells = "\${KIT}/lib/cells.list"  corners = [tt_0p80v_25c_typical, tt_0p90v_25c_typical] }
`;

export const STAGE = `stage s for each library, corner { run = shell "echo \${corner.name}"  expect "x" >= 1 }
`;
