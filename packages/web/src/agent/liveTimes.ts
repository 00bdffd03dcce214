import type { MyStats, PresenceStatus, StatusTime } from '../api/types';

/** Seconds per status, with the current status still counting on screen since the last fetch. */
export function liveTimes(stats: MyStats, fetchedAt: number, now: number): StatusTime[] {
  const extra = Math.max(0, (now - fetchedAt) / 1000);
  const rows = stats.timeInStatus.map((t) => ({ ...t }));
  const cur = stats.current;
  const same = rows.find((t) => t.status === cur.status && (t.status !== 'not-ready' || t.reason === cur.reason));
  if (same) same.seconds += extra;
  else rows.push({ status: cur.status, reason: cur.reason, seconds: extra });
  // A fixed order, so bars do not jump around while the clock runs.
  const order: PresenceStatus[] = ['available', 'busy', 'after-work', 'not-ready', 'offline'];
  return rows
    .filter((t) => t.status !== 'offline' && (t.seconds >= 1 || (t.status === cur.status && t.reason === cur.reason)))
    .sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status) || (a.reason ?? '').localeCompare(b.reason ?? ''));
}
