import type { RouteAuth } from '../auth/principal.js';

// Who may call the case API (what each person then sees is narrowed per case: visibility.ts).
export const CASE_READ = { roles: ['agent', 'supervisor', 'analyst'], scopes: ['cases:read', 'cases:write'] } satisfies RouteAuth;
export const CASE_WRITE = { roles: ['agent', 'supervisor'], scopes: ['cases:write'] } satisfies RouteAuth;
