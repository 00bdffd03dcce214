import { Type } from 'typebox';

// Shared request pieces; every route's schema also documents it in /api/openapi.json.
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

/**
 * URLs a browser will open for someone (a task's screen-pop link, a worktype's template for it):
 * absolute http(s) only. `javascript:`, `data:`, `file:` and the like would run or read something
 * in the agent's browser; the web app refuses them too, but the API is the boundary.
 */
export const HTTP_URL_PATTERN = '^[Hh][Tt][Tt][Pp][Ss]?://';
export const HTTP_URL_MESSAGE = 'must be an absolute http:// or https:// URL';
