// Steady load on a running server, as its users would make it, that keeps going while the server
// is killed or its database restarts: a source system capturing tasks (with known externalIds,
// resending what got no answer, as an idempotent client should), four agents answering offers
// (accept, decline, or let them run into RONA), completing, rescheduling and changing presence,
// and a supervisor creating and updating cases. It remembers what was acknowledged.
import { ApiClient, DEMO_KEY, sleep, type Tally } from './rig.js';

/** A seeded random source (core's), so a failing run can be replayed with its seed. */
import { seededRandom as random } from '@worklane/core';
export { random };

export const AGENTS = [
  { email: 'alice@worklane.local', password: 'alice123' },
  { email: 'bob@worklane.local', password: 'bob123' },
  { email: 'carol@worklane.local', password: 'carol123' },
  { email: 'dave@worklane.local', password: 'dave123' },
];

const WRAP_UP: Record<string, string[]> = {
  'invoice-dispute': ['processed', 'need-follow-up'],
  'credit-request': ['processed', 'terminated'],
  lead: ['cross-sell', 'up-sell'],
  'case-advisor': ['resolved', 'resolved', 'escalate'],
  'case-expert': ['resolved', 'send-back'],
};

export interface LoadOptions {
  base: () => string;
  tally: Tally;
  runId: string;
  seed: number;
  captureLoops: number;
  /** Pause between two captures of one loop. */
  capturePauseMs: number;
}

export interface Acked {
  id: string;
  at: number;
}

export class Load {
  readonly rnd: () => number;
  /** externalId → the task id the API answered with (2xx). */
  readonly ackedCaptures = new Map<string, Acked>();
  /** externalId → body, for captures that got no 2xx yet (resent until they do). */
  readonly unanswered = new Map<string, object>();
  /** Captures first answered after a resend (the first attempt failed). */
  resentAcked = 0;
  /** Case id → acknowledgement time. */
  readonly ackedCases = new Map<string, number>();
  /** Tasks this load rescheduled (once each): id → wake time. */
  readonly rescheduled = new Map<string, number>();
  readonly offersSeen = new Set<string>();
  readonly stats = { accepted: 0, declined: 0, ignored: 0, completed: 0, presence: 0, casesCreated: 0, caseUpdates: 0, comments: 0 };
  private stopped = false;
  private loops: Promise<void>[] = [];
  private seq = 0;
  readonly api: ApiClient;
  readonly agents: { email: string; password: string; c: ApiClient; id?: string }[];
  readonly sam: ApiClient;

  constructor(readonly o: LoadOptions) {
    this.rnd = random(o.seed);
    this.api = new ApiClient(o.base, o.tally, DEMO_KEY);
    this.agents = AGENTS.map((a) => ({ ...a, c: new ApiClient(o.base, o.tally) }));
    this.sam = new ApiClient(o.base, o.tally);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }

  async login(): Promise<void> {
    for (const a of this.agents) {
      if (!(await a.c.login(a.email, a.password))) throw new Error(`login ${a.email} failed`);
      const me = await a.c.req('me', 'GET', '/api/v1/me');
      a.id = me.json.id;
      await a.c.req('presence', 'PUT', '/api/v1/me/presence', { status: 'available' });
    }
    if (!(await this.sam.login('sam@worklane.local', 'sam123'))) throw new Error('login sam failed');
  }

  start(): void {
    this.stopped = false;
    for (let i = 0; i < this.o.captureLoops; i++) this.loops.push(this.captureLoop(i));
    for (const a of this.agents) this.loops.push(this.agentLoop(a));
    this.loops.push(this.caseLoop());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
    this.loops = [];
  }

  private captureBody(externalId: string): object {
    const kind = this.rnd();
    if (kind < 0.5)
      return { worktype: 'invoice-dispute', source: 'crash', externalId, title: `Dispute ${externalId}`, attributes: { orderId: externalId, department: 'Finance', segment: 'Gold', amount: 10, currency: 'EUR' } };
    if (kind < 0.75) return { worktype: 'credit-request', source: 'crash', externalId, title: `Credit ${externalId}` };
    return { worktype: 'lead', source: 'crash', externalId, title: `Lead ${externalId}`, attributes: { value: Math.floor(this.rnd() * 1000) } };
  }

  /** Whether the last capture failed for lack of a server or database (the client backs off). */
  private backOff = false;

  private async capture(externalId: string, body: object, resend: boolean): Promise<void> {
    const a = await this.api.req('capture', 'POST', '/api/v1/tasks', body);
    this.backOff = a.outcome === 'down' || a.outcome === 'unavailable';
    if (a.status === 201 || a.status === 200) {
      this.unanswered.delete(externalId);
      this.ackedCaptures.set(externalId, { id: a.json.id, at: Date.now() });
      if (resend) this.resentAcked++;
    } else if (a.outcome !== 'client-error') this.unanswered.set(externalId, body);
    else this.unanswered.delete(externalId); // refused: nothing to resend (counted in the tally)
  }

  private async captureLoop(i: number): Promise<void> {
    while (!this.stopped) {
      // A client resends what got no answer (same externalId: the API answers 200 with the same task).
      const retry = i === 0 ? this.unanswered.entries().next().value : undefined;
      if (retry) await this.capture(retry[0], retry[1], true);
      else {
        const externalId = `${this.o.runId}-${i}-${++this.seq}`;
        await this.capture(externalId, this.captureBody(externalId), false);
      }
      // Like a well-behaved client: a refused connection or a 503 means wait a little (Retry-After).
      await sleep(this.backOff ? 200 + this.rnd() * 300 : this.o.capturePauseMs * (0.5 + this.rnd()));
    }
  }

  /** What a client does with captures still unanswered at the end: resend until answered. */
  async resendUnanswered(deadline: number): Promise<void> {
    while (this.unanswered.size && Date.now() < deadline) {
      for (const [id, body] of [...this.unanswered]) await this.capture(id, body, true);
      if (this.unanswered.size) await sleep(500);
    }
  }

  private async agentLoop(a: { c: ApiClient; id?: string }): Promise<void> {
    while (!this.stopped) {
      await sleep(100 + this.rnd() * 150);
      const offers = await a.c.req('my offers', 'GET', '/api/v1/me/offers');
      if (offers.outcome === 'ok') {
        for (const o of offers.json.items as { id: string }[]) {
          if (this.offersSeen.has(o.id)) continue;
          this.offersSeen.add(o.id);
          const r = this.rnd();
          if (r < 0.6) {
            if ((await a.c.req('accept', 'POST', `/api/v1/offers/${o.id}/accept`)).outcome === 'ok') this.stats.accepted++;
          } else if (r < 0.7) {
            if ((await a.c.req('decline', 'POST', `/api/v1/offers/${o.id}/decline`, { reason: 'busy' })).outcome === 'ok') this.stats.declined++;
          } else this.stats.ignored++; // runs into RONA
        }
      }
      const mine = await a.c.req('my tasks', 'GET', '/api/v1/me/tasks');
      if (mine.outcome === 'ok') {
        for (const t of mine.json.items as { id: string; state: string; worktype: string }[]) {
          if (t.state !== 'assigned' && t.state !== 'wrap-up') continue;
          if (this.rnd() < 0.4) continue; // still working on it
          if (!this.rescheduled.has(t.id) && this.rnd() < 0.15) {
            const until = Date.now() + 1500 + this.rnd() * 2500;
            const r = await a.c.req('reschedule', 'POST', `/api/v1/tasks/${t.id}/reschedule`, { until: new Date(until).toISOString() });
            if (r.outcome === 'ok') this.rescheduled.set(t.id, until);
            continue;
          }
          const code = this.pick(WRAP_UP[t.worktype] ?? ['processed']);
          if ((await a.c.req('complete', 'POST', `/api/v1/tasks/${t.id}/complete`, { wrapUpCode: code })).outcome === 'ok') this.stats.completed++;
        }
      }
      const p = await a.c.req('presence', 'GET', '/api/v1/me/presence');
      if (p.outcome === 'ok') {
        const status = p.json.status as string;
        // After a RONA (or a break), back to work; now and then a short break.
        if (status === 'not-ready' || status === 'offline') {
          if (this.rnd() < 0.5 && (await a.c.req('presence', 'PUT', '/api/v1/me/presence', { status: 'available' })).outcome === 'ok') this.stats.presence++;
        } else if (status === 'available' && this.rnd() < 0.03) {
          if ((await a.c.req('presence', 'PUT', '/api/v1/me/presence', { status: 'not-ready', reason: this.pick(['lunch', 'meeting', 'pause']) })).outcome === 'ok') this.stats.presence++;
        }
      }
    }
  }

  private async caseLoop(): Promise<void> {
    let n = 0;
    while (!this.stopped) {
      await sleep(250 + this.rnd() * 250);
      const r = this.rnd();
      const known = [...this.ackedCases.keys()];
      if (r < 0.5 || known.length < 3) {
        n++;
        const ref = `${this.o.runId}-${n}`;
        const a = await this.sam.req('create case', 'POST', '/api/v1/cases', {
          caseType: 'replacement',
          fields: {
            email: `c${n}.${this.o.runId.replace(/[^a-z0-9]/gi, '')}@example.com`,
            name: `Customer ${ref}`,
            phone: '+32470000000',
            orderNumber: `A-${1000 + n}`,
            defects: ['broken'],
            address: '1 Main Street, Brussels',
            subject: `Replace ${ref}`,
            description: 'The item arrived broken, please replace it.',
            consent: true,
          },
        });
        if (a.status === 201) {
          this.ackedCases.set(a.json.id, Date.now());
          this.stats.casesCreated++;
        }
      } else if (r < 0.85) {
        const id = this.pick(known);
        const a = await this.sam.req('update case', 'PATCH', `/api/v1/cases/${id}`, { title: `Updated ${Date.now()}`, fields: { address: `${Math.floor(this.rnd() * 100)} Other Street` } });
        if (a.outcome === 'ok') this.stats.caseUpdates++;
      } else {
        const id = this.pick(known);
        const a = await this.sam.req('comment case', 'POST', `/api/v1/cases/${id}/comments`, { body: 'Looked at it', visibility: 'internal' });
        if (a.outcome === 'ok') this.stats.comments++;
      }
    }
  }

  /** At the end: everyone offline (pending offers are withdrawn at once). */
  async allOffline(): Promise<void> {
    for (const a of this.agents) await a.c.req('presence', 'PUT', '/api/v1/me/presence', { status: 'offline' });
  }
}
