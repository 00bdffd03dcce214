import type { WebSocket } from 'ws';
import { oversees, seesCasesBeyondMembership, type BinMembers } from '@worklane/core';
import type { Role } from '../auth/principal.js';
import type { TaskRow } from '../db/schema.js';
import { sendCoalesced } from './coalesce.js';

/** Who may hear of a workbin's changes (core's rules over the configuration in memory). */
export interface BinAudience {
  /** Everyone but supervisors and admins: the bin's members (core `binMembers`). */
  members(bin: string): BinMembers;
  /** Supervisors and admins: the bins they may see (core `seesBin`). */
  overseer(userId: string, roles: readonly Role[]): (bin: string) => boolean;
}

/** Who may hear that a case changed (cases/audience.ts): read per coalesced notice from the database. */
export interface CaseAudience {
  load(caseIds: string[]): Promise<CaseHearers[]>;
}

export interface CaseHearers {
  caseId: string;
  /** Everyone but supervisors, admins and analysts: who sees it (core `caseMembers`). */
  members: ReadonlySet<string>;
  /** Supervisors, admins and analysts: core `seesCase`. */
  sees(userId: string, roles: readonly Role[]): boolean;
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

/**
 * Sends each client a message about its list of ids (none: nothing); people told of the same ids
 * share one encoding, so a notice costs one JSON.stringify per distinct list, not per person.
 */
function sharingEncodings(message: (ids: string[]) => object): (c: Client, ids: string[]) => void {
  const encoded = new Map<string, string>();
  return (c, ids) => {
    if (!ids.length || c.socket.readyState !== 1) return;
    const key = ids.join('\n');
    let data = encoded.get(key);
    if (data === undefined) encoded.set(key, (data = JSON.stringify(message(ids))));
    sendCoalesced(c.socket, data);
  };
}

/** Fan-out of real-time messages to the browsers of the people allowed to see them. */
export class StreamHub {
  constructor(
    private readonly binAudience: BinAudience,
    private readonly caseAudience?: CaseAudience,
    /** A case notice whose audience could not be read (the database went away): that notice is lost, screens catch up on the next. */
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  private readonly byUser = new Map<string, Set<Client>>();
  /** The connected supervisors and admins (few): they are asked about every changed bin. */
  private readonly overseers = new Set<Client>();
  private readonly bins = new Notices<string>((bins) => this.binsChanged(bins));
  /** Supervisors, admins and analysts: asked about every changed case (the rest hear by membership). */
  private readonly caseReaders = new Set<Client>();
  private readonly stats = new Notices<true>(() => this.toSupervisors({ type: 'stats.changed' }));
  private readonly cases = new Notices<string>((ids) => void this.casesChanged(ids).catch(this.onError));

  /** Case `id` changed: the people who may open it re-read it (coalesced, ids only). */
  caseChanged(id: string): void {
    if (this.caseAudience && this.byUser.size) this.cases.add(id);
  }

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
    if (seesCasesBeyondMembership(roles)) this.caseReaders.add(client);
    return () => {
      set.delete(client);
      this.overseers.delete(client);
      this.caseReaders.delete(client);
      if (set.size === 0) this.byUser.delete(userId);
    };
  }

  /** Whether the person has a live stream open. */
  connected(userId: string): boolean {
    return this.byUser.has(userId);
  }

  toUser(userId: string, message: object): void {
    const set = this.byUser.get(userId);
    if (!set) return;
    const data = JSON.stringify(message);
    for (const c of set) if (c.socket.readyState === 1) sendCoalesced(c.socket, data);
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
    const send = sharingEncodings((bins) => ({ type: 'workbin.changed', bins }));
    for (const [id, entries] of byMembership)
      for (const c of this.byUser.get(id)!) {
        if (oversees(c.roles)) continue; // below, by the full rule
        send(c, entries.filter((e) => !e.agentsOnly || c.roles.includes('agent')).map((e) => e.bin));
      }
    for (const c of this.overseers) send(c, bins.filter(this.binAudience.overseer(c.userId, c.roles)));
  }

  /**
   * "These cases changed", to each person only the cases they could open (none: no message): the
   * cases' members, and of the supervisors, admins and analysts those whose rule lets them see it.
   * Public for tests; the server calls `caseChanged`, which coalesces.
   */
  /**
   * SLA clocks that fired: each told to the supervisors and admins who may see its case ("C-000042
   * breached its SLA"); a burst (more than `each`) as one count to every one of them instead, so a
   * mass breach does not bury the page in messages.
   */
  async slaAlerts(fired: readonly { caseId: string; number: string; kind: 'warning' | 'breach' }[], counts: Record<'warning' | 'breach', number>, each: number): Promise<void> {
    if (!this.overseers.size) return;
    const one = (kind: 'warning' | 'breach', number: string) => (kind === 'breach' ? `Case ${number} breached its SLA` : `Case ${number} passed its SLA warning`);
    const many = (kind: 'warning' | 'breach', n: number) => (kind === 'breach' ? `${n} cases breached their SLA` : `${n} cases passed their SLA warning`);
    if (counts.warning + counts.breach > each) {
      const parts = (['breach', 'warning'] as const).filter((k) => counts[k] > 0).map((k) => many(k, counts[k]));
      this.toSupervisors({ type: 'alert', level: 'warning', message: `${parts.join('; ')}: see the Cases panel` });
      return;
    }
    if (!this.caseAudience) return;
    const hearers = new Map((await this.caseAudience.load(fired.map((f) => f.caseId))).map((h) => [h.caseId, h]));
    for (const f of fired) {
      const h = hearers.get(f.caseId);
      if (h) this.toSupervisors({ type: 'alert', level: 'warning', message: one(f.kind, f.number), caseId: f.caseId }, (userId, roles) => h.sees(userId, roles));
    }
  }

  async casesChanged(ids: string[]): Promise<void> {
    if (!this.caseAudience || !this.byUser.size) return; // nobody to tell (or shut down): no reads
    const hearers = await this.caseAudience.load(ids);
    const mine = new Map<Client, string[]>();
    const tell = (c: Client, id: string) => {
      const list = mine.get(c);
      if (list) list.push(id);
      else mine.set(c, [id]);
    };
    for (const h of hearers) {
      for (const userId of h.members) for (const c of this.byUser.get(userId) ?? []) if (!this.caseReaders.has(c)) tell(c, h.caseId);
      for (const c of this.caseReaders) if (h.sees(c.userId, c.roles)) tell(c, h.caseId);
    }
    const send = sharingEncodings((caseIds) => ({ type: 'case.changed', caseIds }));
    for (const [c, caseIds] of mine) send(c, caseIds);
  }

  /**
   * Supervisors and admins: live statistics, and alerts about one task to those who supervise it
   * (`sees`, e.g. auth/supervision.ts `supervisorsOf`): a supervisor hears only of their teams' work.
   */
  toSupervisors(message: object, sees?: (userId: string, roles: readonly Role[]) => boolean): void {
    const data = JSON.stringify(message);
    for (const c of this.overseers) if (c.socket.readyState === 1 && (!sees || sees(c.userId, c.roles))) sendCoalesced(c.socket, data);
  }

  private readonly taskWatchers: ((t: TaskRow) => void)[] = [];

  /** Follows every committed task change (a chat's visitor hears of their chat's task). */
  watchTasks(fn: (t: TaskRow) => void): void {
    this.taskWatchers.push(fn);
  }

  /** A task change was committed (after.ts, and accepts, which take their own path). */
  taskChanged(t: TaskRow): void {
    for (const fn of this.taskWatchers) fn(t);
  }

  /** Whether a supervisor or admin has a live screen open (who hears `toSupervisors`). */
  hasOverseers(): boolean {
    return this.overseers.size > 0;
  }

  connectedUsers(): number {
    return this.byUser.size;
  }

  closeAll(): void {
    for (const set of this.byUser.values()) for (const c of set) c.socket.close(1001, 'server shutting down');
    this.byUser.clear();
    this.overseers.clear();
    this.caseReaders.clear();
  }
}
