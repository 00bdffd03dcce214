import type { Services } from '../services.js';
import { actorOf, type UserPrincipal } from '../auth/principal.js';
import { conflict, forbidden, notFound } from '../http/problems.js';
import { blockingMedia } from '@worklane/core';
import { changeTask, loadTask, type Change } from '../tasks/change.js';
import type { BinInfo } from './visibility.js';
import { afterChange } from '../tasks/after.js';

/**
 * A pull: the agent takes one task from a bin. Runs inside the dispatcher's exclusive section so
 * the capacity check and the commit see the same load as routing rounds. No cherry-picking: with a
 * claim limit N, only the best N in waiting order may be taken.
 */
export function claimFromBin(s: Services, u: UserPrincipal, bin: BinInfo, taskId?: string): Promise<Change> {
  if (!bin.canClaim) throw forbidden(`You cannot claim from ${bin.name}`);
  return s.dispatcher.exclusive(async () => {
    const line = s.dispatcher.binLine(bin.id);
    const agent = s.dispatcher.agents.get(u.id);
    if (!agent) throw forbidden('Only an active agent can claim work');
    const fits = (media: string) => s.dispatcher.agents.freeCapacity(u.id, media) > 0 && !blockingMedia(agent, media as never, s.dispatcher.blending);
    let pick: (typeof line)[number] | undefined;
    if (taskId) {
      const at = line.findIndex((t) => t.id === taskId);
      if (at < 0) throw notFound(`Task ${taskId} in ${bin.name}`);
      if (bin.claimLimit !== null && at >= bin.claimLimit)
        throw conflict(`No cherry-picking in ${bin.name}: only the best ${bin.claimLimit} waiting tasks may be claimed (this one is number ${at + 1})`, { position: at + 1, claimLimit: bin.claimLimit });
      pick = line[at];
      if (!fits(pick!.mediaType)) throw conflict(`You have no free ${pick!.mediaType} capacity`, { state: 'queued' });
    } else {
      const candidates = bin.claimLimit === null ? line : line.slice(0, bin.claimLimit);
      pick = candidates.find((t) => fits(t.mediaType));
      if (!pick) throw conflict(line.length ? 'Nothing in this workbin fits your free capacity' : `${bin.name} is empty`, { waiting: line.length });
    }
    const t = await loadTask(s.db, pick!.id);
    const c = await changeTask(s.db, t, 'claim', {
      set: { state: 'assigned', assignee_id: u.id, target_agent_id: null, team_bin: null },
      events: [{ type: 'task.assigned', actor: actorOf(u), userId: u.id, data: { agent: u.id, claimed: true, bin: bin.id } }],
    });
    afterChange(s, c); // inside the exclusive section: the next round already sees the capacity taken
    return c;
  });
}
