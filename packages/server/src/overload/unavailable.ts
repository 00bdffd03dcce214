/**
 * Is this error "the database cannot be reached right now" (restarting, shutting down, network,
 * too many connections) rather than a bug or a bad request? Such errors become 503 problem details
 * with Retry-After: the request changed nothing (its transaction did not commit) and may be retried.
 */
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300', '53400']); // admin/crash shutdown, cannot connect now, too many connections
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
const MESSAGES = [
  'Connection terminated', // pg: the server closed the connection (unexpectedly, or due to a timeout)
  'not queryable', // pg: a client that already lost its connection
  'timeout exceeded when trying to connect', // pg-pool
  'the database system is', // starting up / shutting down / in recovery mode (before the code is known)
];

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (PG_CODES.has(e.code) || e.code.startsWith('08') || NET_CODES.has(e.code))) return true;
  if (typeof e.message === 'string' && MESSAGES.some((m) => (e.message as string).includes(m))) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true; // AggregateError (several addresses)
  return isDatabaseUnavailable(e.cause, depth + 1);
}

/** Seconds a client should wait before retrying after the database was unreachable. */
export const DATABASE_RETRY_AFTER_S = 2;
