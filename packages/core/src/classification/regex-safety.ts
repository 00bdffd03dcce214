/**
 * JavaScript regular expressions backtrack: `(a+)+$` takes exponential time, and even `[a-z]+@x`
 * searched in a long text takes quadratic time. Patterns typed by administrators (rule `matches`,
 * form field patterns) are run against text that source systems and customers send, so they are
 * checked on save and refused unless their matching time is bounded:
 * - no backreferences or lookaround;
 * - no repetition inside a repeated group (`(a+)+`, `(a*b)*`) and no repeated alternation (`(a|ab)+`);
 * - at most one unbounded repetition (`*`, `+`, `{n,}`), and only in an anchored pattern (`^…`),
 *   so it is tried from one place: linear time;
 * - the choices of bounded repetitions (`{2,8}`) multiply to at most 1,000.
 * Returns what is wrong, or null when the pattern is safe.
 */
export function regexHazard(pattern: string, opts: { anchored?: boolean } = {}): string | null {
  if (pattern.length > 1000) return 'pattern is longer than 1000 characters';
  interface Frame { repeats: boolean; alternation: boolean }
  const stack: Frame[] = [{ repeats: false, alternation: false }];
  let last: { kind: 'atom' } | { kind: 'group'; frame: Frame } | null = null;
  let unbounded = 0;
  let choices = 1;
  let i = 0;
  const anchored = opts.anchored === true || pattern.startsWith('^');
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      if (/[1-9]/.test(n) || n === 'k') return 'backreferences are not allowed';
      i += 2;
      if ((n === 'u' || n === 'p' || n === 'P') && pattern[i] === '{') i = pattern.indexOf('}', i) + 1 || pattern.length;
      last = { kind: 'atom' };
      continue;
    }
    if (c === '[') {
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
      last = { kind: 'atom' };
      continue;
    }
    if (c === '(') {
      if (pattern.startsWith('(?=', i) || pattern.startsWith('(?!', i) || pattern.startsWith('(?<=', i) || pattern.startsWith('(?<!', i)) return 'lookaround is not allowed';
      stack.push({ repeats: false, alternation: false });
      i += pattern.startsWith('(?:', i) ? 3 : pattern.startsWith('(?<', i) ? pattern.indexOf('>', i) + 1 || pattern.length : 1;
      last = null;
      continue;
    }
    if (c === ')') {
      const frame = stack.length > 1 ? stack.pop()! : { repeats: false, alternation: false };
      if (frame.repeats) stack[stack.length - 1]!.repeats = true;
      last = { kind: 'group', frame };
      i++;
      continue;
    }
    if (c === '|') {
      stack[stack.length - 1]!.alternation = true;
      last = null;
      i++;
      continue;
    }
    const q = /^(?:[*+?]|\{(\d+)(,(\d*))?\})/.exec(pattern.slice(i, i + 24));
    if (q && last) {
      const min = c === '+' ? 1 : c === '{' ? Number(q[1]) : 0;
      const max = c === '*' || c === '+' || (q[2] !== undefined && q[3] === '') ? Infinity : c === '?' ? 1 : q[3] !== undefined ? Number(q[3]) : Number(q[1]);
      i += q[0].length;
      if (pattern[i] === '?') i++; // lazy
      if (max > 1) {
        if (last.kind === 'group' && last.frame.repeats) return 'a repetition inside a repeated group is not allowed (e.g. (a+)+)';
        if (last.kind === 'group' && last.frame.alternation) return 'a repeated alternation is not allowed (e.g. (a|ab)+)';
        stack[stack.length - 1]!.repeats = true;
      }
      if (max === Infinity) unbounded++;
      else choices *= max - min + 1;
      if (unbounded > 1) return 'at most one unbounded repetition (*, + or {n,}) is allowed';
      if (choices > 1000) return 'bounded repetitions allow too many choices';
      last = null;
      continue;
    }
    last = { kind: 'atom' };
    i++;
  }
  if (unbounded > 0 && !anchored) return 'a pattern with * or + must start with ^ (or use a bounded repetition like {1,20})';
  return null;
}
