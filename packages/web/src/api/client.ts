// Fetch wrapper for /api/v1: same-origin cookie session, JSON in and out, problem details as errors.

export interface ProblemFieldError {
  pointer: string;
  message: string;
}

/** An API failure. `message` is the most useful human text (the problem `detail`, else `title`). */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | null;
  readonly errors: ProblemFieldError[];
  /** 409 answers about a task carry its current state. */
  readonly state: string | null;

  constructor(status: number, title: string, detail: string | null, errors: ProblemFieldError[] = [], state: string | null = null) {
    super(detail ?? title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
    this.state = state;
  }
}

export const API_BASE = '/api/v1';

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler | null = null;

/** Called whenever a request (other than sign-in) answers 401: the session is gone, go to login. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** A body sent as it is (e.g. YAML), with this content type, instead of JSON. */
  raw?: { text: string; contentType: string };
  signal?: AbortSignal;
  /** Do not trigger the "go to login" handler on 401 (used by sign-in and the session probe). */
  quietUnauthorized?: boolean;
  /** More request headers (a chat visitor's token). */
  headers?: Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    const text = await res.text();
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (isRecord(body)) {
    const title = typeof body.title === 'string' ? body.title : res.statusText || `HTTP ${res.status}`;
    const detail = typeof body.detail === 'string' ? body.detail : null;
    const errors = Array.isArray(body.errors)
      ? body.errors.filter(isRecord).map((e) => ({ pointer: String(e.pointer ?? ''), message: String(e.message ?? '') }))
      : [];
    const state = typeof body.state === 'string' ? body.state : null;
    return new ApiError(res.status, title, detail, errors, state);
  }
  if (res.status === 502 || res.status === 503 || res.status === 504) {
    return new ApiError(res.status, 'Server unavailable', 'The Worklane server is not reachable right now. Try again shortly.');
  }
  return new ApiError(res.status, res.statusText || `HTTP ${res.status}`, null);
}

/** Calls `/api/v1{path}` and returns the parsed JSON body (undefined for 204). Throws ApiError. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, raw, signal, quietUnauthorized = false } = options;
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (raw) headers['Content-Type'] = raw.contentType;
  let res: Response;
  try {
    res = await fetch(API_BASE + path, {
      method,
      headers,
      body: raw ? raw.text : body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'Network error', 'Cannot reach the Worklane server. Check your connection.');
  }
  if (!res.ok) {
    const error = await toApiError(res);
    if (res.status === 401 && !quietUnauthorized) onUnauthorized?.();
    throw error;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Sends a multipart form (files) to `/api/v1{path}`; the browser sets the boundary. Same error
 * handling as `api()`.
 */
export async function apiUpload<T>(path: string, form: FormData, options: Pick<RequestOptions, 'signal' | 'quietUnauthorized'> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(API_BASE + path, { method: 'POST', headers: { Accept: 'application/json' }, body: form, credentials: 'same-origin', signal: options.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'Network error', 'Cannot reach the Worklane server. Check your connection.');
  }
  if (!res.ok) {
    const error = await toApiError(res);
    if (res.status === 401 && !options.quietUnauthorized) onUnauthorized?.();
    throw error;
  }
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Human text for any error thrown by a query or mutation. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

/**
 * Splits a failure into messages for the form's fields (by the first segment of each problem's
 * JSON pointer, e.g. `/attributes/amount` -> `attributes`) and a general message for the rest.
 */
export function formErrors(err: unknown, fields: readonly string[]): { fields: Record<string, string>; general: string | null } {
  if (!(err instanceof ApiError)) return { fields: {}, general: err ? errorMessage(err) : null };
  const out: Record<string, string> = {};
  let unplaced = false;
  for (const e of err.errors) {
    const field = e.pointer.split('/')[1] ?? '';
    if (fields.includes(field)) {
      const rest = e.pointer.split('/').slice(2).join('/');
      const text = rest ? `${rest}: ${e.message}` : e.message;
      out[field] = out[field] ? `${out[field]}; ${text}` : text;
    } else unplaced = true;
  }
  const placed = Object.keys(out).length > 0;
  return { fields: out, general: placed && !unplaced ? null : err.message };
}
