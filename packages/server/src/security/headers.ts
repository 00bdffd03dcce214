import type { FastifyInstance } from 'fastify';

// Mantine injects <style> elements, so styles need 'unsafe-inline'; scripts never do. Screen pops
// embed the source system's page (any http/https origin); the public pages (case form, chat,
// callback) may themselves be embedded in the organization's website (widget.js does so).
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  'frame-src http: https:',
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const EMBEDDABLE = /^\/(public\/|api\/v1\/public\/|chat(\?|$)|callback(\?|$))/;

/** Security headers on every answer: a Content-Security-Policy, no MIME sniffing, no referrer leaks. */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    const embeddable = EMBEDDABLE.test(request.url);
    reply.header('Content-Security-Policy', `${CSP}; frame-ancestors ${embeddable ? '*' : "'self'"}`);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
    done(null, payload);
  });
}
