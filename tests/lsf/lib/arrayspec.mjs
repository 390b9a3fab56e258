// bsub -J job names and job array specifications:
//   -J name                         a plain job (name up to 4094 characters)
//   -J "name[index_list]%limit"     a job array; index_list = start[-end[:step]][,...]
// LSF 10.1 rules (IBM docs "Job arrays", "bsub -J"): array names use a-z A-Z 0-9 . - _;
// the whole specification is at most 255 characters; indices are unique positive integers;
// no index may exceed MAX_JOB_ARRAY_SIZE (default 1000), which also caps the element count.

export class SpecError extends Error {}

/**
 * Parses a -J value. Returns { name, indices: number[] | null, slotLimit: number | null }.
 * Throws SpecError with LSF's message text ("Bad job name", "Job array index error",
 * "Job array index too large").
 */
export function parseJobName(spec, maxArraySize = 1000) {
  if (spec === '') throw new SpecError('Bad job name');
  if (!spec.includes('[')) {
    if (spec.length > 4094) throw new SpecError('Bad job name');
    return { name: spec, indices: null, slotLimit: null };
  }
  if (spec.length > 255) throw new SpecError('Bad job name');
  const m = /^([^[\]]*)\[([^\]]*)\](?:%(.*))?$/.exec(spec);
  if (!m) throw new SpecError('Job array index error');
  const [, name, list, limit] = m;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new SpecError('Bad job name');
  const indices = parseIndexList(list, maxArraySize);
  let slotLimit = null;
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1) throw new SpecError('Job array index error');
    slotLimit = Number(limit);
  }
  return { name, indices, slotLimit };
}

/** "1-10:2,15" -> [1,3,5,7,9,15] (sorted). Duplicates and zero are errors. */
export function parseIndexList(list, maxArraySize = 1000) {
  if (list.trim() === '') throw new SpecError('Job array index error');
  const seen = new Set();
  for (const rawPart of list.split(',')) {
    const part = rawPart.trim();
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) throw new SpecError('Job array index error');
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (start < 1 || end < start || step < 1) throw new SpecError('Job array index error');
    if (end > maxArraySize) throw new SpecError('Job array index too large');
    for (let i = start; i <= end; i += step) {
      if (seen.has(i)) throw new SpecError('Job array index error');
      seen.add(i);
    }
  }
  if (seen.size > maxArraySize) throw new SpecError('Job array index too large');
  return [...seen].sort((a, b) => a - b);
}

/** Index selection used by bjobs/bkill arguments "123[1-3,7]" (no size cap, no dup check). */
export function parseIndexSelection(list) {
  const out = new Set();
  for (const rawPart of list.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(rawPart.trim());
    if (!m) return null;
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    for (let i = start; i <= end; i += Math.max(step, 1)) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}
