import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { DATABASE_RETRY_AFTER_S, isDatabaseUnavailable } from '../overload/unavailable.js';
import { HTTP_URL_MESSAGE, HTTP_URL_PATTERN } from './schemas.js';

export interface FieldError {
  /** JSON pointer into the request part named by `in`. */
  pointer: string;
  message: string;
  in?: 'body' | 'querystring' | 'params' | 'headers';
}

/** An RFC 9457 problem the API answers with; thrown from handlers and services. */
export class Problem extends Error {
  /** Response headers that go with the problem (e.g. Retry-After on a 503). */
  headers?: Record<string, string>;
  /** Set on a 503 that sheds load (overload/shed.ts): counted in `worklane_requests_shed_total`. */
  shed?: string;

  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail ?? title);
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) => new Problem(400, 'Invalid request', detail, errors);
export const unprocessable = (pointer: string, message: string) =>
  new Problem(422, 'Unprocessable request', `${pointer}: ${message}`, [{ pointer, message, in: 'body' }]);
export const notFound = (what: string) => new Problem(404, 'Not found', `${what} does not exist`);
export const conflict = (detail: string, extra?: Record<string, unknown>) => new Problem(409, 'Conflict', detail, undefined, extra);
export const forbidden = (detail = 'You may not do this') => new Problem(403, 'Forbidden', detail);
export const unauthorized = (detail = 'Sign in or send an API key') => new Problem(401, 'Unauthorized', detail);

/** The RFC 9457 body of a problem. */
function problemBody(p: Problem): Record<string, unknown> {
  return {
    type: `https://worklane.dev/problems/${p.status}`,
    title: p.title,
    status: p.status,
    ...(p.detail ? { detail: p.detail } : {}),
    ...(p.errors ? { errors: p.errors } : {}),
    ...p.extra,
  };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  if (p.headers) reply.headers(p.headers);
  return reply.code(p.status).type('application/problem+json').send(problemBody(p));
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Ajv errors -> field errors with the JSON pointer of each bad field. */
export function fieldErrors(validation: AjvError[], part?: string): FieldError[] {
  // A value that may also be null (a union with null): "must be null" and "must match a schema in
  // anyOf" say nothing the alternative's own error does not; they are left out when it is there.
  const said = new Set(validation.filter((e) => !echoOfUnion(e)).map((e) => e.instancePath));
  return validation.filter((e) => !(echoOfUnion(e) && said.has(e.instancePath))).map((e) => {
    let pointer = e.instancePath || '';
    if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') pointer += `/${e.params.missingProperty}`;
    if (e.keyword === 'additionalProperties' && typeof e.params.additionalProperty === 'string') {
      pointer += `/${e.params.additionalProperty}`;
      return { pointer, message: 'unknown field', ...(part ? { in: part as FieldError['in'] } : {}) };
    }
    const message = e.keyword === 'pattern' && e.params.pattern === HTTP_URL_PATTERN ? HTTP_URL_MESSAGE : (e.message ?? e.keyword);
    return { pointer: pointer || '/', message, ...(part ? { in: part as FieldError['in'] } : {}) };
  });
}

const echoOfUnion = (e: AjvError) => e.keyword === 'anyOf' || (e.keyword === 'type' && e.params.type === 'null');

export function installProblemHandlers(app: FastifyInstance, onShed: (reason: string) => void = () => {}): void {
  app.setErrorHandler((error: FastifyError | Problem, request, reply) => {
    if (error instanceof Problem) {
      if (error.shed) onShed(error.shed);
      return sendProblem(reply, error);
    }
    const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
    if (fe.validation) {
      // At most 100 (a 400,000-item array of wrong items must not become a 40 MB answer).
      const errors = fieldErrors(fe.validation.slice(0, 100), fe.validationContext);
      const detail = errors.map((e) => `${fe.validationContext ?? ''}${e.pointer === '/' ? '' : e.pointer}: ${e.message}`).join('; ');
      return sendProblem(reply, badRequest(detail, errors));
    }
    // The database is restarting or unreachable: a clean 503 with Retry-After (not a 500); the client retries.
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      onShed('database-unavailable');
      const p = new Problem(503, 'Service Unavailable', 'The database is unavailable right now; try again shortly.');
      p.headers = { 'Retry-After': String(DATABASE_RETRY_AFTER_S) };
      return sendProblem(reply, p);
    }
    const status = fe.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return sendProblem(reply, new Problem(status, STATUS_CODES[status] ?? 'Error', 'The server could not complete the request'));
    }
    // Malformed JSON, payload too large, unsupported media type...
    return sendProblem(reply, new Problem(status, STATUS_CODES[status] ?? 'Error', fe.message));
  });
}

/**
 * Answers what fails before a request is parsed (a URL or headers over Node's 16 KiB, a malformed
 * request line, a client too slow to send its headers) with a problem, like every other refusal,
 * and `Connection: close`, then closes. Fastify's default writes a bare JSON body without that
 * header, so a keep-alive client put the socket back in its pool and its next request there
 * failed ("other side closed").
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'The request line and headers are larger than 16 KiB: shorten the URL or the headers']
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'The request was not received in time']
    : [400, 'The request is not valid HTTP'];
  const body = JSON.stringify(problemBody(new Problem(status, STATUS_CODES[status]!, detail)));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  socket.destroy(err);
}
