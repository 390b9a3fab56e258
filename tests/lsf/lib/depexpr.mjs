// bsub -w / bwait -w dependency expressions (IBM LSF 10.1 "bsub -w", "Dependency conditions",
// "Job array dependencies"):
//
//   expr      := or
//   or        := and ( "||" and )*
//   and       := unary ( "&&" unary )*
//   unary     := "!" unary | "(" expr ")" | condition
//   condition := done(ref) | ended(ref) | started(ref) | post_done(ref) | post_err(ref)
//              | exit(ref [, [op] code]) | external(ref, "text")
//              | numdone|numexit|numended|numrun|numpend|numstart|numhold (ref, [op] (N | *))
//              | ref                                    (a bare job means done(ref))
//   ref       := job_ID | job_ID[index] | job_ID[*] | "job_name" | job_name | name[*] | prefix*
//   op        := > | >= | < | <= | == | !=             (no operator means ==)
//
// Job IDs are digits; anything else (or anything in double quotes) is a job name. A name
// matches all of the user's jobs with that name (JOB_DEP_LAST_SUB unset), "prefix*" matches
// names starting with prefix. name[*] / ID[*] is the one-to-one array dependency: element i of
// the new array waits on element i of the referenced array.
//
// Evaluation is three-valued per condition: the current truth value, plus whether it is final
// (can never change again). A job is dispatched when the expression is true now; it is an
// orphan when the expression is false and final ("Dependency condition invalid or never
// satisfied").

export class DepSyntaxError extends Error {}
export class DepResolveError extends Error {
  constructor(message, prefix) {
    super(message);
    this.prefix = prefix;
  }
}

const FUNCS = new Set([
  'done', 'ended', 'exit', 'started', 'post_done', 'post_err', 'external',
  'numdone', 'numexit', 'numended', 'numrun', 'numpend', 'numstart', 'numhold',
]);
const NUM_FUNCS = new Set(['numdone', 'numexit', 'numended', 'numrun', 'numpend', 'numstart', 'numhold']);

function tokenize(s) {
  const toks = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      toks.push({ t: two });
      i += 2;
      continue;
    }
    if (two === '>=' || two === '<=' || two === '==' || two === '!=') {
      toks.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    if (c === '>' || c === '<') {
      toks.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if (c === '!' || c === '(' || c === ')' || c === ',') {
      toks.push({ t: c });
      i++;
      continue;
    }
    if (c === '"') {
      const end = s.indexOf('"', i + 1);
      if (end < 0) throw new DepSyntaxError('unterminated quote');
      toks.push({ t: 'str', v: s.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (c === '&' || c === '|' || c === '=') throw new DepSyntaxError(`unexpected ${c}`);
    let j = i;
    while (j < s.length && !/[\s()",&|!<>=]/.test(s[j])) j++;
    toks.push({ t: 'word', v: s.slice(i, j) });
    i = j;
  }
  return toks;
}

function parseRef(tok) {
  if (!tok || (tok.t !== 'word' && tok.t !== 'str')) throw new DepSyntaxError('job expected');
  const text = tok.v;
  if (text === '') throw new DepSyntaxError('empty job name');
  let base = text;
  let index = null;
  const m = /^(.*)\[([^\]]*)\]$/.exec(text);
  if (m) {
    base = m[1];
    if (m[2] === '*') index = '*';
    else {
      const sel = parseSelection(m[2]);
      if (!sel) throw new DepSyntaxError('bad index');
      index = sel;
    }
    if (base === '') throw new DepSyntaxError('empty job name');
  } else if (text.includes('[') || text.includes(']')) {
    throw new DepSyntaxError('bad index');
  }
  if (tok.t === 'word' && /^\d+$/.test(base)) return { kind: 'id', id: Number(base), index, text };
  return { kind: 'name', name: base, index, text };
}

function parseSelection(list) {
  const out = [];
  for (const part of list.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+)(?::(\d+))?)?\s*$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (b < a || step < 1) return null;
    for (let i = a; i <= b; i += step) out.push(i);
  }
  return out;
}

/** Parses a dependency expression into an AST; throws DepSyntaxError. */
export function parseDependency(text) {
  const toks = tokenize(text);
  let p = 0;
  const peek = () => toks[p];
  const next = () => toks[p++];
  const expect = (t) => {
    const tok = next();
    if (!tok || tok.t !== t) throw new DepSyntaxError(`${t} expected`);
    return tok;
  };

  function parseOr() {
    const items = [parseAnd()];
    while (peek() && peek().t === '||') {
      next();
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0] : { type: 'or', items };
  }
  function parseAnd() {
    const items = [parseUnary()];
    while (peek() && peek().t === '&&') {
      next();
      items.push(parseUnary());
    }
    return items.length === 1 ? items[0] : { type: 'and', items };
  }
  function parseUnary() {
    const tok = peek();
    if (!tok) throw new DepSyntaxError('condition expected');
    if (tok.t === '!') {
      next();
      return { type: 'not', item: parseUnary() };
    }
    if (tok.t === '(') {
      next();
      const e = parseOr();
      expect(')');
      return e;
    }
    return parseCondition();
  }
  function parseNumber(tok, allowStar) {
    if (!tok || tok.t !== 'word') throw new DepSyntaxError('number expected');
    if (allowStar && tok.v === '*') return '*';
    if (!/^\d+$/.test(tok.v)) throw new DepSyntaxError('number expected');
    return Number(tok.v);
  }
  function parseCondition() {
    const tok = next();
    if (tok.t === 'word' && FUNCS.has(tok.v) && peek() && peek().t === '(') {
      const fn = tok.v;
      next();
      const ref = parseRef(next());
      const node = { type: 'cond', fn, ref, op: null, value: null };
      if (peek() && peek().t === ',') {
        next();
        if (fn === 'exit' || NUM_FUNCS.has(fn)) {
          if (peek() && peek().t === 'op') node.op = next().v;
          node.value = parseNumber(next(), NUM_FUNCS.has(fn));
          if (!node.op) node.op = '==';
        } else if (fn === 'external') {
          const t = next();
          if (!t || (t.t !== 'str' && t.t !== 'word')) throw new DepSyntaxError('status text expected');
          node.value = t.v;
        } else {
          throw new DepSyntaxError(`${fn} takes one argument`);
        }
      } else if (NUM_FUNCS.has(fn) || fn === 'external') {
        throw new DepSyntaxError(`${fn} needs two arguments`);
      }
      expect(')');
      return node;
    }
    if (tok.t === 'word' || tok.t === 'str') {
      if (tok.t === 'word' && FUNCS.has(tok.v)) throw new DepSyntaxError('( expected');
      return { type: 'cond', fn: 'done', ref: parseRef(tok), op: null, value: null, bare: true };
    }
    throw new DepSyntaxError('condition expected');
  }

  if (toks.length === 0) throw new DepSyntaxError('empty expression');
  const ast = parseOr();
  if (p !== toks.length) throw new DepSyntaxError('trailing input');
  return ast;
}

function forEachCond(node, fn) {
  if (node.type === 'cond') fn(node);
  else if (node.type === 'not') forEachCond(node.item, fn);
  else for (const it of node.items) forEachCond(it, fn);
}

function sameIndexLists(a, b, mode) {
  if (!a || !b) return false;
  if (mode === 'size') return a.length === b.length;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Resolves every job reference against the jobs LSF can still see, storing the matched job
 * IDs in ref.targets. Names are resolved once, at submission (all jobs with that name).
 * self = { indices } of the job being submitted (null for bwait).
 * Throws DepResolveError(message, prefix) with LSF's texts.
 */
export function resolveDependency(ast, visibleJobs, self, arrayMatchMode = 'indices') {
  const byId = new Map(visibleJobs.map((j) => [j.id, j]));
  forEachCond(ast, (node) => {
    const ref = node.ref;
    let targets;
    if (ref.kind === 'id') {
      const job = byId.get(ref.id);
      if (!job) throw new DepResolveError('No matching job found', ref.text);
      targets = [job];
    } else {
      const pattern = ref.name;
      const matches = pattern.endsWith('*')
        ? (n) => n.startsWith(pattern.slice(0, -1))
        : (n) => n === pattern;
      targets = visibleJobs.filter((j) => matches(j.name));
      if (targets.length === 0) throw new DepResolveError('No matching job found', ref.text);
    }
    for (const job of targets) {
      if (ref.index === '*') {
        if (!job.indices) throw new DepResolveError('No matching job found', ref.text);
        if (!self || !sameIndexLists(self.indices, job.indices, arrayMatchMode)) {
          throw new DepResolveError('Dependent arrays do not have the same size', null);
        }
      } else if (Array.isArray(ref.index)) {
        if (!job.indices || !ref.index.every((i) => job.indices.includes(i))) {
          throw new DepResolveError('No matching job found', ref.text);
        }
      }
    }
    ref.targets = targets.map((j) => j.id);
  });
  return ast;
}

function cmp(a, op, b) {
  switch (op) {
    case '>': return a > b;
    case '>=': return a >= b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '!=': return a !== b;
    default: return a === b;
  }
}

const T_FINAL = { v: true, f: true };
const F_FINAL = { v: false, f: true };
const F_OPEN = { v: false, f: false };

function ended(el) {
  return el.state === 'DONE' || el.state === 'EXIT';
}

function elementValue(fn, node, el) {
  switch (fn) {
    case 'done':
      if (el.state === 'DONE') return T_FINAL;
      if (el.state === 'EXIT') return F_FINAL;
      return F_OPEN;
    case 'ended':
      return ended(el) ? T_FINAL : F_OPEN;
    case 'exit':
      if (el.state === 'DONE') return F_FINAL;
      if (el.state === 'EXIT') {
        if (node.value === null) return T_FINAL;
        if (el.exitCode === null || el.exitCode === undefined) return F_FINAL;
        return cmp(el.exitCode, node.op, node.value) ? T_FINAL : F_FINAL;
      }
      return F_OPEN;
    case 'started':
      return el.everStarted || el.state === 'RUN' || ended(el) ? T_FINAL : F_OPEN;
    case 'post_done':
      if (el.postState === 'POST_DONE') return T_FINAL;
      if (el.postState === 'POST_ERR') return F_FINAL;
      return F_OPEN;
    case 'post_err':
      if (el.postState === 'POST_ERR') return T_FINAL;
      if (el.postState === 'POST_DONE') return F_FINAL;
      return F_OPEN;
    default:
      return F_OPEN; // external(): job status messages are not modelled
  }
}

function and(values) {
  let v = true;
  let allFinal = true;
  for (const x of values) {
    if (!x.v && x.f) return F_FINAL;
    v = v && x.v;
    allFinal = allFinal && x.f;
  }
  return { v, f: allFinal };
}

function or(values) {
  let v = false;
  let allFinal = true;
  for (const x of values) {
    if (x.v && x.f) return T_FINAL;
    v = v || x.v;
    allFinal = allFinal && x.f;
  }
  return { v, f: allFinal };
}

function numValue(node, job) {
  const els = Object.values(job.elements);
  const count = (pred) => els.filter(pred).length;
  let n;
  switch (node.fn) {
    case 'numdone': n = count((e) => e.state === 'DONE'); break;
    case 'numexit': n = count((e) => e.state === 'EXIT'); break;
    case 'numended': n = count(ended); break;
    case 'numrun': n = count((e) => e.state === 'RUN'); break;
    case 'numpend': n = count((e) => e.state === 'PEND'); break;
    case 'numstart': n = count((e) => e.state === 'RUN' || e.state === 'SSUSP' || e.state === 'USUSP'); break;
    default: n = count((e) => e.state === 'PSUSP'); break; // numhold
  }
  const target = node.value === '*' ? els.length : node.value;
  const v = cmp(n, node.op, target);
  return { v, f: els.every(ended) };
}

/**
 * Evaluates a resolved AST. ctx = { jobsById: Map<number, job>, self: job | null, selfKey }.
 * Returns { v, f }: current truth value and whether it can still change.
 */
export function evaluate(node, ctx) {
  switch (node.type) {
    case 'and': return and(node.items.map((n) => evaluate(n, ctx)));
    case 'or': return or(node.items.map((n) => evaluate(n, ctx)));
    case 'not': {
      const x = evaluate(node.item, ctx);
      return { v: !x.v, f: x.f };
    }
    default: break;
  }
  const values = [];
  for (const id of node.ref.targets || []) {
    const job = ctx.jobsById.get(id);
    if (!job) {
      values.push(F_FINAL);
      continue;
    }
    if (node.fn.startsWith('num')) {
      values.push(numValue(node, job));
      continue;
    }
    let keys;
    if (node.ref.index === '*') {
      const pos = ctx.self && ctx.self.indices ? ctx.self.indices.indexOf(Number(ctx.selfKey)) : -1;
      keys = pos >= 0 && job.indices && pos < job.indices.length ? [String(job.indices[pos])] : [];
    } else if (Array.isArray(node.ref.index)) {
      keys = node.ref.index.map(String);
    } else {
      keys = Object.keys(job.elements);
    }
    for (const k of keys) {
      const el = job.elements[k];
      values.push(el ? elementValue(node.fn, node, el) : F_FINAL);
    }
  }
  return and(values);
}
