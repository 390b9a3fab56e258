/**
 * The new tree of a compile into an empty directory, made in the stage as it will be: each
 * directory made once, each file created exclusively and hashed as it is written, then committed
 * with a journal of its top-level names (a dozen renames instead of one per file).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { changed } from './crash-hook.js';
import { fileMode, MANIFEST, STAGE } from './generated-dir.js';
import { commit } from './journal.js';
import { asBytes, settleManifest, sha256, type Content } from './manifest.js';
import { createExclusive, createExclusivePieces } from './safe-fs.js';

/** The new tree of a compile into an empty directory, made in the stage (`writeFresh`). */
export class FreshTree {
  private readonly stage: string;
  /** Each file's sha256, for the manifest. */
  readonly hashes = new Map<string, string>();
  private readonly keptModes = new Set<number>();
  private readonly made = new Set<string>();
  /** The top-level names of the tree: what the journal renames. */
  private readonly trees = new Set<string>();

  constructor(private readonly dir: string) {
    this.stage = join(dir, STAGE);
    mkdirSync(this.stage, { mode: 0o700 });
    changed();
  }

  /** Makes the directories above `path` (once each): before a file is written there, here or by the writer thread. */
  parents(path: string): void {
    const slash = path.indexOf('/');
    this.trees.add(slash < 0 ? path : path.slice(0, slash));
    makeParents(this.stage, path, this.made);
  }

  write(path: string, content: Content): void {
    this.parents(path);
    const mode = fileMode(path);
    const pieces = typeof content === 'function' ? content.pieces : undefined;
    if (pieces !== undefined) {
      const hash = createHash('sha256');
      createExclusivePieces(join(this.stage, path), pieces(), mode, (bytes) => hash.update(bytes), this.keptModes);
      this.hashes.set(path, hash.digest('hex'));
    } else {
      const bytes = asBytes(content)!;
      createExclusive(join(this.stage, path), bytes, mode, this.keptModes);
      this.hashes.set(path, sha256(bytes));
    }
    changed();
  }

  /** Writes the manifest (from the hashes, when it is the pending one of these files) and commits the tree. */
  commit(files: ReadonlyMap<string, Content>): { written: number; removed: number } {
    const manifest = files.get(MANIFEST);
    if (manifest !== undefined) {
      // Made from the hashes taken while writing: no file is made again to be hashed.
      settleManifest(manifest, this.hashes);
      createExclusive(join(this.stage, MANIFEST), asBytes(manifest)!, 0o644);
      changed();
      this.trees.add(MANIFEST);
    }
    commit(this.dir, { puts: [], trees: [...this.trees], removes: [] });
    return { written: files.size, removed: 0 };
  }
}

/** Makes the directories above `path` in the stage (a new directory of libcc's own), each once per `made`. */
function makeParents(stage: string, path: string, made: Set<string>): void {
  for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
    const parent = path.slice(0, slash);
    if (made.has(parent)) continue;
    mkdirSync(join(stage, parent), { mode: 0o755 });
    changed();
    made.add(parent);
  }
}
