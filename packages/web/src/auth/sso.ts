// Single sign-on on the sign-in page: whether it is configured (GET /auth/providers) and what a
// failed attempt (the server sends the browser back with ?sso_error=<code>) means to the person.
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';

export interface Providers {
  password: boolean;
  sso: { label: string; start: string } | null;
}

export function useProviders() {
  return useQuery({ queryKey: ['auth-providers'], queryFn: () => api<Providers>('/auth/providers', { quietUnauthorized: true }), staleTime: Infinity, retry: 1 });
}

const MESSAGES: Record<string, string> = {
  unavailable: 'The sign-in service could not be reached. Try again in a moment, or sign in with your password.',
  expired: 'That sign-in expired or was started in another window. Please start again.',
  refused: 'The sign-in service did not let you in.',
  invalid: 'The answer from the sign-in service could not be verified. Please start again.',
  'no-account': 'You have no Worklane account yet. Ask an administrator to create one.',
  'no-role': 'Your groups give you no Worklane role. Ask an administrator.',
  disabled: 'Your Worklane account is disabled.',
  'no-email': 'The sign-in service did not share your e-mail address.',
  'email-unverified': 'The sign-in service has not verified your e-mail address.',
  'linked-elsewhere': 'This Worklane account is linked to another sign-in. Ask an administrator.',
};

/** The message for `?sso_error=`, or null when there is none. Only known codes are shown: the URL is not trusted text. */
export function ssoErrorMessage(search: string): string | null {
  const code = new URLSearchParams(search).get('sso_error');
  if (!code) return null;
  return MESSAGES[code] ?? 'Single sign-on did not work. Please try again.';
}

/** Where the sign-in service should send the browser back to afterwards. */
export function ssoStartUrl(start: string, returnTo: string | null): string {
  return returnTo ? `${start}?returnTo=${encodeURIComponent(returnTo)}` : start;
}
