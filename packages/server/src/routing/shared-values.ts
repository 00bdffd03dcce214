// Routing keeps every waiting task in memory (a million at the scale). Most of what a task
// holds besides its id repeats from task to task: the skills its queue requires, its exception
// list, its queue, media type and worktype. One frozen copy of each distinct value, shared by
// every task that has it (start reads them through `sharedJson`, arrivals through `toWaiting`).

/** JSON.parse with one shared result (`interned`) per distinct text. */
export function sharedJson(): (text: string) => unknown {
  const seen = new Map<string, unknown>();
  return (text) => {
    let v = seen.get(text);
    if (v === undefined) seen.set(text, (v = interned(JSON.parse(text))));
    return v;
  };
}

/** Distinct values kept at most: past it the table starts again (sharing is a saving, not a rule). */
const INTERNED_MAX = 10_000;
const internTable = new Map<string, unknown>();

/**
 * One frozen copy per distinct JSON value, process-wide: routing's waiting tasks share their
 * skills and exception lists with every task that has the same (captured tasks too, not only those
 * read at start). The value given is never frozen itself (it may belong to a row someone else holds).
 */
export function interned<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v; // nothing to share (and no JSON text for undefined)
  const key = JSON.stringify(v);
  let s = internTable.get(key);
  if (s === undefined) {
    if (internTable.size >= INTERNED_MAX) internTable.clear();
    internTable.set(key, (s = deepFreeze(JSON.parse(key))));
  }
  return s as T;
}

const textTable = new Map<string, string>();

/**
 * One copy per distinct short text (queue, media type, worktype, bins, agents): every string a
 * driver or a parser hands over is its own, and at a million waiting tasks three such copies per
 * task were a quarter of routing's memory for them (302 → 226 bytes a task, in isolation).
 */
export function internedText<T extends string | null>(s: T): T {
  if (s === null) return s;
  const mine = textTable.get(s);
  if (mine !== undefined) return mine as T;
  if (textTable.size >= INTERNED_MAX) textTable.clear();
  textTable.set(s, s);
  return s;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
