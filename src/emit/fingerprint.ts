/**
 * A job's fingerprint as bytes: the UTF-8 of its JSON (made in a reused buffer, a deck's body
 * escaped into it from its own UTF-8) and its sha256. Apart from the facts (`jobs.ts`) so that a
 * thread of a big compile can hash fingerprints with this module alone.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ReusedBytes } from '../graph/json-bytes.js';

/**
 * Where the fingerprints of jobs with a deck (the bulk of the bytes hashed: the deck escaped into
 * the job's JSON) may be hashed instead of in line — a thread of a big compile. Their facts carry
 * `PENDING_FINGERPRINT`, to be replaced by `results()` before any table is read.
 */
export interface DeferredFingerprints {
  /** The fingerprint of job `position`: of `head` (to copy: the caller reuses it), the JSON string of the deck's UTF-8 `body`, and `}`. */
  add(position: number, head: Uint8Array, body: Uint8Array): void;
  /** Every added job's fingerprint (as `fingerprintOf` makes it), by position; waits for them. */
  results(): ReadonlyMap<number, string>;
}

/** A fingerprint still to come (`DeferredFingerprints`): as long as one, and never one (not hex). */
export const PENDING_FINGERPRINT = '????????????????';

/** A job's fingerprint from its JSON's UTF-8: the first 8 bytes of its sha256, in hex. */
export function fingerprintOf(json: Uint8Array): string {
  return sha256Hex(json).slice(0, 16);
}

/** `fingerprintOf` of a deferred job's JSON: `head`, the deck `body` as a JSON string, `}` (`into` is reused). */
export function deferredFingerprint(into: ReusedBytes, head: Uint8Array, body: Uint8Array): string {
  into.reset();
  into.writeBytes(head);
  into.writeJsonString(body);
  into.write('}');
  return fingerprintOf(into.bytes());
}

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: 'hex') => string;
/** `crypto.hash` (Node 20.12 and later: one call, no hash object), else null (a `Hash`); looked up on first use, so that runs that hash nothing never load crypto. */
let oneShotHash: OneShotHash | null | undefined;

/** In hex: made by crypto as a string, without a Buffer to convert (2.5× faster for a job's JSON in a micro benchmark). */
function sha256Hex(bytes: Uint8Array): string {
  // Through `require`, not a namespace import: the bundler would copy the whole module (loading it) when the CLI loads.
  if (oneShotHash === undefined) oneShotHash = (createRequire(import.meta.url)('node:crypto') as { hash?: OneShotHash }).hash ?? null;
  return oneShotHash === null ? createHash('sha256').update(bytes).digest('hex') : oneShotHash('sha256', bytes, 'hex');
}

