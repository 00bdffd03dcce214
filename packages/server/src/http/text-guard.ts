import type { FastifyInstance } from 'fastify';
import { Problem, type FieldError } from './problems.js';

// eslint-disable-next-line no-control-regex
const BAD = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MESSAGE = 'must not contain NUL characters (\\u0000) or unpaired surrogates';

/** Deeper JSON than this is refused: JSON.stringify (storing it, answering it) overflows the stack near 10,000. */
export const MAX_DEPTH = 64;
const TOO_DEEP = `is nested more than ${MAX_DEPTH} levels deep`;

/**
 * Where a value holds text PostgreSQL cannot store (text and jsonb refuse NUL, jsonb refuses unpaired
 * UTF-16 surrogates), or nests too deep: the JSON pointer of the first such place and what is wrong
 * there, else null. Iterative, so a deeply nested body cannot overflow the stack here.
 */
export function badInputAt(value: unknown): { pointer: string; message: string } | null {
  const stack: { v: unknown; parent: number; key: string; depth: number }[] = value && typeof value === 'object' ? [{ v: value, parent: -1, key: '', depth: 1 }] : [];
  const seen: { parent: number; key: string }[] = [];
  const pointer = (i: number, last?: string) => {
    const keys = last === undefined ? [] : [last];
    for (let j = i; j > 0; j = seen[j]!.parent) keys.unshift(seen[j]!.key);
    return keys.map((k) => '/' + k.replace(/~/g, '~0').replace(/\//g, '~1')).join('') || '/';
  };
  if (typeof value === 'string') return BAD.test(value) ? { pointer: '/', message: MESSAGE } : null;
  while (stack.length) {
    const { v, parent, key, depth } = stack.pop()!;
    const me = seen.push({ parent, key }) - 1;
    if (depth > MAX_DEPTH) return { pointer: pointer(me), message: TOO_DEEP };
    for (const [k, x] of Object.entries(v as object)) {
      if (BAD.test(k)) return { pointer: pointer(me, JSON.stringify(k).slice(1, -1)), message: MESSAGE }; // the key, with \uXXXX escapes
      if (typeof x === 'string' && BAD.test(x)) return { pointer: pointer(me, k), message: MESSAGE };
      if (x && typeof x === 'object') stack.push({ v: x, parent: me, key: k, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * Refuses (400, with a pointer) requests whose path, query or body carries such text or nesting. A preHandler,
 * so it also sees bodies that routes assemble in their own preValidation (multipart `data` parts).
 */
export function installTextGuard(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => {
    const parts = [['params', request.params], ['querystring', request.query], ['body', request.body]] as const;
    for (const [part, value] of parts) {
      if (value === undefined || value === null || Buffer.isBuffer(value)) continue;
      const bad = badInputAt(value);
      if (bad === null) continue;
      const error: FieldError = { ...bad, in: part };
      return done(new Problem(400, 'Invalid request', `${part}${bad.pointer === '/' ? '' : bad.pointer}: ${bad.message}`, [error]));
    }
    done();
  });
}
