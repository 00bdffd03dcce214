import type { PresenceStatus } from '@worklane/core';
import type { Services } from '../services.js';
import { readPresence, writePresence, type Presence } from './store.js';

/**
 * A presence change and what follows it: routing hears of it, offers to someone no longer
 * available go back to their queues at once, and the person's screens and supervisors' views are told.
 */
export async function changePresence(s: Services, userId: string, status: PresenceStatus, reason: string | null, actor: string | null): Promise<Presence> {
  const presence = await s.db.transaction().execute((trx) => writePresence(trx, userId, status, reason, actor));
  s.dispatcher.presenceChanged(userId, status);
  if (status !== 'available') await s.dispatcher.withdrawOffers(userId);
  s.hub.toUser(userId, { type: 'presence.changed', presence });
  s.hub.statsChanged();
  return presence;
}

/** Sets the person offline unless they are already (signing out, leaving without a live screen). */
export async function signOff(s: Services, userId: string, actor: string): Promise<void> {
  if ((await readPresence(s.db, userId)).status === 'offline') return;
  await changePresence(s, userId, 'offline', null, actor);
}

/**
 * Agents who leave without signing out (the browser closed, the laptop asleep): when a person's
 * last live stream closes and none opens again within `graceMs` (a reload reconnects in well under
 * a second), they are set offline, so offers stop going to a screen nobody has open and run into
 * RONAs, and reports do not count the time as available.
 */
export class LeaveWatch {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly s: Services,
    private readonly graceMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** A stream of `userId` closed (call after the hub forgot it). */
  closed(userId: string): void {
    if (this.graceMs <= 0 || this.s.hub.connected(userId)) return;
    clearTimeout(this.timers.get(userId)); // the grace counts from the last stream's close
    const t = setTimeout(() => {
      this.timers.delete(userId);
      if (this.s.hub.connected(userId)) return; // came back
      signOff(this.s, userId, 'system:left').catch(this.onError);
    }, this.graceMs);
    t.unref();
    this.timers.set(userId, t);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

/** WORKLANE_OFFLINE_AFTER_S: seconds without a live stream before an agent is set offline (0: never). */
export function leaveGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.WORKLANE_OFFLINE_AFTER_S?.trim();
  if (!raw) return 60_000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`WORKLANE_OFFLINE_AFTER_S must be a number of seconds ≥ 0, got "${raw}"`);
  return n * 1000;
}
