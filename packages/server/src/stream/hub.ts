import type { WebSocket } from 'ws';
import { oversees, type BinMembers } from '@worklane/core';
import type { Role } from '../auth/principal.js';

/** Who may hear of a workbin's changes (core's rules over the configuration in memory). */
export interface BinAudience {
  /** Everyone but supervisors and admins: the bin's members (core `binMembers`). */
  members(bin: string): BinMembers;
  /** Supervisors and admins: the bins they may see (core `seesBin`). */
  overseer(userId: string, roles: readonly Role[]): (bin: string) => boolean;
}

interface Client {
  socket: WebSocket;
  userId: string;
  roles: Role[];
}

/** Change notices ("workbin X changed", "statistics changed") go out at most this often. */
const NOTICE_EVERY_MS = 200;

/**
 * Coalesces notices: the first after a quiet spell goes out at once; the ones after it within
 * `NOTICE_EVERY_MS` go out together at the end of that spell. Under load that is one message per
 * screen per 200 ms instead of one per change (each a socket write, and each a re-fetch on the
 * screen), and the screens are still never more than 200 ms behind.
 */
class Notices<T> {
  private last = 0;
  private timer: NodeJS.Timeout | undefined;
  private items = new Set<T>();
  constructor(private readonly send: (items: T[]) => void) {}
  add(item: T): void {
    this.items.add(item);
    if (this.timer) return;
    const wait = this.last + NOTICE_EVERY_MS - Date.now();
    if (wait <= 0) return this.flush();
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }
  private flush(): void {
    this.timer = undefined;
    this.last = Date.now();
    const items = [...this.items];
    this.items.clear();
    if (items.length) this.send(items);
  }
}

/** Fan-out of real-time messages to the browsers of the people allowed to see them. */
export class StreamHub {
  constructor(private readonly binAudience: BinAudience) {}

  private readonly byUser = new Map<string, Set<Client>>();
  /** The connected supervisors and admins (few): they are asked about every changed bin. */
  private readonly overseers = new Set<Client>();
  private readonly bins = new Notices<string>((bins) => this.binsChanged(bins));
  private readonly stats = new Notices<true>(() => this.toSupervisors({ type: 'stats.changed' }));

  /** Workbin `bin` gained or lost a task: open workbins re-read it (coalesced). */
  binChanged(bin: string): void {
    this.bins.add(bin);
  }

  /** Queue or agent statistics moved: supervisors' live views re-read them (coalesced). */
  statsChanged(): void {
    this.stats.add(true);
  }

  add(socket: WebSocket, userId: string, roles: Role[]): () => void {
    const client: Client = { socket, userId, roles };
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(client);
    if (oversees(roles)) this.overseers.add(client);
    return () => {
      set.delete(client);
      this.overseers.delete(client);
      if (set.size === 0) this.byUser.delete(userId);
    };
  }

  toUser(userId: string, message: object): void {
    const set = this.byUser.get(userId);
    if (!set) return;
    const data = JSON.stringify(message);
    for (const c of set) if (c.socket.readyState === 1) c.socket.send(data);
  }

  /**
   * "These workbins changed", to each person only the bins they may see (none: no message). Bin
   * ids name queues, teams and people, and with push queues most agents see none of them, so
   * under load this is far fewer writes than telling everyone. Read from the bins' side: the cost
   * is the changed bins' members and the connected supervisors, not every person connected.
   * Public for the bench; the server calls `binChanged`, which coalesces.
   */
  binsChanged(bins: string[]): void {
    const byMembership = new Map<string, { bin: string; agentsOnly: boolean }[]>();
    for (const bin of bins) {
      const { ids, agentsOnly } = this.binAudience.members(bin);
      for (const id of ids) {
        if (!this.byUser.has(id)) continue;
        const mine = byMembership.get(id);
        if (mine) mine.push({ bin, agentsOnly });
        else byMembership.set(id, [{ bin, agentsOnly }]);
      }
    }
    const encoded = new Map<string, string>(); // people who see the same bins share one encoding
    const send = (c: Client, mine: string[]) => {
      if (!mine.length || c.socket.readyState !== 1) return;
      const key = mine.join('\n');
      let data = encoded.get(key);
      if (data === undefined) encoded.set(key, (data = JSON.stringify({ type: 'workbin.changed', bins: mine })));
      c.socket.send(data);
    };
    for (const [id, entries] of byMembership)
      for (const c of this.byUser.get(id)!) {
        if (oversees(c.roles)) continue; // below, by the full rule
        send(c, entries.filter((e) => !e.agentsOnly || c.roles.includes('agent')).map((e) => e.bin));
      }
    for (const c of this.overseers) send(c, bins.filter(this.binAudience.overseer(c.userId, c.roles)));
  }

  /** Everyone connected (messages that carry no private data). */
  broadcast(message: object): void {
    const data = JSON.stringify(message);
    for (const set of this.byUser.values()) for (const c of set) if (c.socket.readyState === 1) c.socket.send(data);
  }

  /**
   * Supervisors and admins: live statistics, and alerts about one task to those who supervise it
   * (`sees`, e.g. auth/supervision.ts `supervisorsOf`): a supervisor hears only of their teams' work.
   */
  toSupervisors(message: object, sees?: (userId: string, roles: readonly Role[]) => boolean): void {
    const data = JSON.stringify(message);
    for (const c of this.overseers) if (c.socket.readyState === 1 && (!sees || sees(c.userId, c.roles))) c.socket.send(data);
  }

  connectedUsers(): number {
    return this.byUser.size;
  }

  closeAll(): void {
    for (const set of this.byUser.values()) for (const c of set) c.socket.close(1001, 'server shutting down');
    this.byUser.clear();
    this.overseers.clear();
  }
}
