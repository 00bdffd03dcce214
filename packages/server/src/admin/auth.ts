import type { RouteAuth } from '../auth/principal.js';

// Who may call the configuration API: writes are admin-only; reads are open to staff and to
// keys that configure or feed work (a source system may look up worktypes and queues).
export const ADMIN = { roles: ['admin'], scopes: ['admin'] } satisfies RouteAuth;
export const CONFIG_READ = { roles: ['supervisor', 'agent', 'analyst'], scopes: ['config:read', 'tasks:write'] } satisfies RouteAuth;
/** People's details: admins and supervisors only. */
export const PEOPLE_READ = { roles: ['admin', 'supervisor'], scopes: ['admin'] } satisfies RouteAuth;
