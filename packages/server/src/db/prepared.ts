import { createHash } from 'node:crypto';
import type pg from 'pg';

/** Put at the start of a hot statement's text: on PostgreSQL it is parsed and planned once per connection. */
export const PREPARE = '/*prepare*/';

/**
 * Statements that start with PREPARE run as named prepared statements: PostgreSQL parses and plans
 * them once per connection instead of on every execution (for a capture batch that was a third of
 * the statement's cost). Only marked statements: an unbounded set of texts would fill the server's
 * memory. PGlite ignores the marker (a comment).
 */
export function prepareMarked(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const names = new Map<string, string>();
  (client as { query: unknown }).query = (text: unknown, ...rest: unknown[]) => {
    if (typeof text !== 'string' || !text.startsWith(PREPARE)) return query(text, ...rest);
    let name = names.get(text);
    if (!name) names.set(text, (name = `wl_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`));
    const [values, callback] = rest;
    return typeof values === 'function' ? query({ name, text }, values) : query({ name, text, values }, callback);
  };
}
