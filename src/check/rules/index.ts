import { absolutePaths } from './absolute-paths.js';
import { cornerNodeCompatibility } from './corner-node-compatibility.js';
import { deckTemplates } from './deck-templates.js';
import { estimateWithinRuntime } from './estimate-within-runtime.js';
import { fanoutMatching } from './fanout-matching.js';
import { gatherExpect } from './gather-expect.js';
import { jobNames } from './job-names.js';
import { queueLimits } from './queue-limits.js';
import type { Rule } from './rule.js';
import { riskyShell } from './risky-shell.js';
import { secretLiterals } from './secret-literals.js';
import { stageCycles } from './stage-cycles.js';
import { stageExpect } from './stage-expect.js';
import { stageReads } from './stage-reads.js';
import { unusedDeclarations } from './unused-declarations.js';

/** Every rule, in the order they run (output is sorted afterwards, so order only affects speed). */
export const RULES: readonly Rule[] = [
  cornerNodeCompatibility,
  queueLimits,
  jobNames,
  stageCycles,
  fanoutMatching,
  stageReads,
  deckTemplates,
  estimateWithinRuntime,
  stageExpect,
  gatherExpect,
  absolutePaths,
  riskyShell,
  secretLiterals,
  unusedDeclarations,
];
