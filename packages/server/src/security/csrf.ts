import type { FastifyRequest } from 'fastify';
import { forbidden } from '../http/problems.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery: a browser sends the session cookie with requests another site makes.
 * Browsers also say where a request comes from (`Sec-Fetch-Site`, `Origin`), which a page cannot
 * forge, so a cookie-authenticated write (or the stream's upgrade, or a login) from another site is
 * refused. Scripts and source systems use API keys, which no browser attaches on its own.
 */
export function assertSameOrigin(request: FastifyRequest): void {
  const upgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
  if (SAFE.has(request.method) && !upgrade) return;
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') throw forbidden('Cross-site request refused');
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw forbidden('Cross-site request refused');
    }
    if (host !== request.headers.host) throw forbidden('Cross-site request refused');
  } else if (origin === 'null') throw forbidden('Cross-site request refused');
}
