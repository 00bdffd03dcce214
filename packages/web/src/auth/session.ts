// The signed-in session: who I am (GET /me), role helpers, sign-in and sign-out.
import { useQuery } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client';
import type { Me, Role, User } from '../api/types';

export const ME_KEY = ['me'] as const;

export async function fetchMe(): Promise<Me | null> {
  try {
    return await api<Me>('/me', { quietUnauthorized: true });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

/** `data` is the session, `null` when signed out, `undefined` while loading. */
export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: Infinity, retry: 1 });
}

/** The signed-in user; only call below <RequireAuth>. */
export function useUser(): User {
  const { data } = useMe();
  if (!data) throw new Error('useUser called without a session');
  return data.user;
}

export function hasRole(user: User | null | undefined, ...roles: Role[]): boolean {
  return !!user && user.roles.some((r) => roles.includes(r));
}

/** Where a user lands after signing in. */
export function homePathFor(user: User): string {
  if (hasRole(user, 'agent')) return '/agent';
  if (hasRole(user, 'supervisor', 'admin')) return '/supervisor';
  if (hasRole(user, 'analyst')) return '/reports';
  return '/no-access';
}

const AREA_ROLES: Record<string, Role[]> = {
  agent: ['agent'],
  supervisor: ['supervisor', 'admin'],
  admin: ['admin'],
  reports: ['analyst', 'supervisor', 'admin'],
  cases: ['agent', 'supervisor', 'admin', 'analyst'],
};

/** Whether `user` may open `path` (used to decide whether to return there after sign-in). */
export function canOpen(user: User, path: string): boolean {
  const area = path.split(/[/?#]/)[1] ?? '';
  const roles = AREA_ROLES[area];
  return roles ? hasRole(user, ...roles) : true;
}

export async function signIn(queryClient: QueryClient, email: string, password: string): Promise<User> {
  const { user } = await api<{ user: User }>('/auth/login', {
    method: 'POST',
    body: { email, password },
    quietUnauthorized: true,
  });
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
  let me: Me | null = null;
  try {
    me = await fetchMe();
  } catch {
    me = null;
  }
  queryClient.setQueryData<Me | null>(ME_KEY, me ?? ({ user } as Me));
  return me?.user ?? user;
}

/** Signs out; a single sign-on session answers where the provider signs the browser out too. */
export async function signOut(queryClient: QueryClient): Promise<string | null> {
  try {
    return (await api<{ endSession?: string } | undefined>('/auth/logout', { method: 'POST', quietUnauthorized: true }))?.endSession ?? null;
  } finally {
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
    queryClient.setQueryData<Me | null>(ME_KEY, null);
  }
}
