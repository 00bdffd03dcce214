import { badRequest } from './problems.js';

const DAY = 86_400_000;

/**
 * A period from a query string's `from` and `to` (ISO date-times): `to` defaults to now, `from` to
 * `days` before `to`; a `from` not before `to` is a 400 naming `from` (in the query string, or in
 * the body with `in`).
 */
export function periodOf(q: { from?: string; to?: string }, days: number, where: 'querystring' | 'body' = 'querystring'): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - days * DAY);
  if (from >= to) throw badRequest('from: must be before to', [{ pointer: '/from', message: 'must be before to', in: where }]);
  return { from, to };
}
