import { hasRole, useUser } from '../auth/session';

/** Where a case opens for the signed-in person: in the agent workspace for agents, as a page for the others. */
export function useCaseHref(): (caseId: string) => string {
  const me = useUser();
  const agent = hasRole(me, 'agent');
  return (id) => (agent ? `/agent?case=${encodeURIComponent(id)}` : `/cases/${encodeURIComponent(id)}`);
}
