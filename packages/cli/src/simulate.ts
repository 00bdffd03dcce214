// `worklane simulate`: a day at the office against a running server, over its public API only. A
// source system captures tasks at a steady rate (attributes made up from each worktype's schema);
// agents sign in, go available, accept what is offered after a moment, claim from their workbins
// when idle, and complete with a wrap-up code after a handle time. For demos and training: watch
// the supervisor's screens and the reports fill up. Every loop is bounded in time.
import { seededRandom } from '@worklane/core';

type Out = (line: string) => void;
type Json = Record<string, unknown>;

export interface SimulateOptions {
  url: string;
  key: string;
  /** email:password of each agent to play. */
  agents: string[];
  ratePerMinute: number;
  durationSeconds: number;
  handleSeconds: number;
  acceptSeconds: number;
  /** Only these worktypes (default: every worktype). */
  worktypes: string[];
  seed: number;
  /** Website visitors starting chats per minute on the open chat topics (0: none). */
  chatsPerMinute?: number;
}

const QUESTIONS = ['Where is my order?', 'Can I change my delivery address?', 'My invoice shows a wrong amount.', 'How do I return an item?'];
const ANSWER = 'Hello, thank you for waiting. Let me look into it for you.';

export const DEMO_AGENTS = ['alice@worklane.local:alice123', 'bob@worklane.local:bob123', 'carol@worklane.local:carol123', 'dave@worklane.local:dave123'];

/** A value for each required property of a JSON Schema object (and a few optional ones), by type. */
export function attributesFor(schema: unknown, random: () => number, n: number): Json {
  const s = (schema ?? {}) as { properties?: Record<string, Json>; required?: string[] };
  const out: Json = {};
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    const required = s.required?.includes(name) ?? false;
    // A pattern is guessed at (see valueFor); an optional one is simply left out.
    if (!required && (random() < 0.5 || typeof prop.pattern === 'string')) continue;
    const v = valueFor(prop, random, n, name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function valueFor(p: Json, random: () => number, n: number, name: string): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  if (Array.isArray(p.enum) && p.enum.length) return pick(p.enum);
  if (p.const !== undefined) return p.const;
  const type = Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type;
  const min = typeof p.minimum === 'number' ? p.minimum : 0;
  const max = typeof p.maximum === 'number' ? p.maximum : Math.max(min, 1000);
  if (type === 'integer') return Math.floor(min + random() * (max - min + 1));
  if (type === 'number') return Math.round((min + random() * (max - min)) * 100) / 100;
  if (type === 'boolean') return random() < 0.5;
  if (type === 'string') {
    if (p.format === 'email') return `customer${n}@example.com`;
    if (p.format === 'date-time') return new Date(Date.now() + random() * 7 * 86_400_000).toISOString();
    if (p.format === 'date') return new Date(Date.now() + random() * 7 * 86_400_000).toISOString().slice(0, 10);
    if (typeof p.pattern === 'string') {
      const re = new RegExp(p.pattern, 'u');
      return [`${name}-${n}`, 'EUR', 'ABC', 'A1', String(n), '12345', 'ab-12'].find((c) => re.test(c));
    }
    const text = `${name}-${n}`;
    const minLength = typeof p.minLength === 'number' ? p.minLength : 0;
    const maxLength = typeof p.maxLength === 'number' ? p.maxLength : 100;
    return text.padEnd(minLength, 'x').slice(0, maxLength);
  }
  return undefined;
}

class Api {
  cookie = '';
  constructor(readonly base: string, private readonly auth: Record<string, string> = {}) {}

  async req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json | null }> {
    const res = await fetch(this.base + '/api/v1' + path, {
      method,
      headers: { ...this.auth, ...headers, ...(this.cookie ? { cookie: this.cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const set = res.headers.get('set-cookie');
    if (set?.startsWith('wl_session=')) this.cookie = set.split(';')[0]!;
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Json) : null };
  }
}

const sleep = (ms: number, until: number) => new Promise((r) => setTimeout(r, Math.max(0, Math.min(ms, until - Date.now()))));

export interface SimulationCounts {
  captured: number;
  accepted: number;
  claimed: number;
  completed: number;
  errors: number;
  /** Chats started by the simulated visitors. */
  chats: number;
}

/** Runs the simulation until its duration is over; the counts of what it did. */
export async function simulate(o: SimulateOptions, out: Out): Promise<SimulationCounts> {
  const random = seededRandom(o.seed);
  const counts: SimulationCounts = { captured: 0, accepted: 0, claimed: 0, completed: 0, errors: 0, chats: 0 };
  const fail = (what: string, r: { status: number; json: Json | null }) => {
    counts.errors++;
    if (counts.errors <= 5) out(`  ${what}: ${r.status} ${String(r.json?.detail ?? r.json?.title ?? '')}`);
  };
  const agents: { email: string; api: Api; busy: boolean }[] = [];
  for (const cred of o.agents) {
    const at = cred.lastIndexOf(':');
    const [email, password] = [cred.slice(0, at), cred.slice(at + 1)];
    const api = new Api(o.url);
    const login = await api.req('POST', '/auth/login', { email, password });
    if (login.status !== 200) throw new Error(`could not sign in as ${email} (${login.status}): give agents as --agent email:password`);
    const avail = await api.req('PUT', '/me/presence', { status: 'available' });
    if (avail.status !== 200) throw new Error(`${email} cannot go available (${avail.status}): is that person an agent?`);
    agents.push({ email, api, busy: false });
  }
  if (!agents.length) throw new Error('no agents to play: give at least one --agent email:password');
  const listed = await agents[0]!.api.req('GET', '/worktypes');
  // Case procedures' steps create their own tasks, and chats and callbacks are asked for by visitors:
  // by default, only the work source systems send.
  const caseTypes = ((await agents[0]!.api.req('GET', '/case-types')).json?.items ?? []) as Json[];
  const ofCases = new Set(caseTypes.flatMap((c) => (((c.procedure as Json | undefined)?.steps ?? []) as Json[]).map((st) => String(st.worktype))));
  const worktypes = ((listed.json?.items ?? []) as Json[]).filter((w) => (o.worktypes.length ? o.worktypes.includes(String(w.id)) : !ofCases.has(String(w.id)) && !w.chat && !w.callback));
  if (!worktypes.length) throw new Error(o.worktypes.length ? `no worktype among ${o.worktypes.join(', ')}` : 'the server has no worktypes');
  const source = new Api(o.url, { authorization: `Bearer ${o.key}` });
  out(`Simulating ${o.durationSeconds} s against ${o.url}: ${o.ratePerMinute} tasks/min of ${worktypes.map((w) => w.id).join(', ')}; agents ${agents.map((a) => a.email).join(', ')}`);

  const end = Date.now() + o.durationSeconds * 1000;
  const handle = async (a: (typeof agents)[number], taskId: string, worktype: unknown, source?: unknown) => {
    a.busy = true;
    try {
      // A chat is answered, talked in, and ended before it is wrapped up.
      if (source === 'chat') await a.api.req('POST', `/tasks/${taskId}/chat/messages`, { body: ANSWER });
      await sleep(o.handleSeconds * 1000 * (0.5 + random()), end);
      if (source === 'chat') await a.api.req('POST', `/tasks/${taskId}/chat/end`);
      const codes = (worktypes.find((w) => w.id === worktype)?.wrapUpCodes ?? []) as string[];
      const r = await a.api.req('POST', `/tasks/${taskId}/complete`, codes.length ? { wrapUpCode: codes[Math.floor(random() * codes.length)] } : {});
      if (r.status === 200) counts.completed++;
      else fail(`complete ${taskId}`, r);
    } finally {
      a.busy = false;
    }
  };
  const capturing = (async () => {
    for (let n = 1; Date.now() < end; n++) {
      const w = worktypes[Math.floor(random() * worktypes.length)]!;
      const r = await source.req('POST', '/tasks', { worktype: w.id, source: 'simulator', title: `${String(w.name)} #${n}`, attributes: attributesFor(w.attributeSchema, random, n) });
      if (r.status === 201) counts.captured++;
      else fail(`capture ${String(w.id)}`, r);
      // Poisson arrivals: exponential gaps around the rate.
      await sleep((-Math.log(1 - random()) * 60_000) / o.ratePerMinute, end);
    }
  })();
  // Website visitors: the first at once, then Poisson arrivals; on an open topic, over the public API.
  const visitor = new Api(o.url);
  const chatting = (async () => {
    const rate = o.chatsPerMinute ?? 0;
    for (let n = 1; rate > 0 && Date.now() < end; n++) {
      const topics = ((await visitor.req('GET', '/chat/topics')).json?.items ?? []) as Json[];
      const open = topics.filter((t) => t.open === true);
      if (open.length) {
        const t = open[Math.floor(random() * open.length)]!;
        const r = await visitor.req('POST', '/chats', { topic: t.id, name: `Visitor ${n}`, message: QUESTIONS[Math.floor(random() * QUESTIONS.length)] });
        const started = r.json?.chat as Json | undefined;
        if (r.status === 201 && started?.phase === 'bot') {
          // A topic's bot answers first: these visitors want a person (a chat is counted once it is work).
          const headers = { 'x-chat-token': String(r.json?.token) };
          const id = encodeURIComponent(String(started.id));
          const h = await visitor.req('POST', `/chats/${id}/handover`, undefined, headers);
          if (h.status === 200 && h.json?.phase !== 'bot') counts.chats++;
          else await visitor.req('POST', `/chats/${id}/end`, undefined, headers);
        } else if (r.status === 201) counts.chats++;
        else if (r.status !== 409 && r.status !== 429) fail('start a chat', r); // closed or held back: like a real visitor, try later
      }
      await sleep((-Math.log(1 - random()) * 60_000) / rate, end);
    }
  })();
  const working = agents.map(async (a) => {
    const inFlight: Promise<void>[] = [];
    while (Date.now() < end) {
      if (!a.busy) {
        const offers = ((await a.api.req('GET', '/me/offers')).json?.items ?? []) as Json[];
        const offer = offers.find((x) => x.state === 'pending');
        if (offer) {
          await sleep(o.acceptSeconds * 1000, end);
          const r = await a.api.req('POST', `/offers/${String(offer.id)}/accept`);
          if (r.status === 200) {
            counts.accepted++;
            const task = r.json?.task as Json | undefined;
            inFlight.push(handle(a, String(offer.taskId), task?.worktype, task?.source));
          } else if (r.status !== 409) fail('accept', r);
          continue;
        }
        // Nothing offered: pull from a workbin that has something.
        const bins = ((await a.api.req('GET', '/workbins')).json?.items ?? []) as Json[];
        const bin = bins.find((b) => Number(b.count ?? 0) > 0 && b.canClaim === true);
        if (bin) {
          const r = await a.api.req('POST', `/workbins/${encodeURIComponent(String(bin.id))}/claim`, {});
          const task = r.json?.task as Json | undefined;
          if (r.status === 200 && task) {
            counts.claimed++;
            inFlight.push(handle(a, String(task.id), task.worktype, task.source));
            continue;
          }
        }
      }
      await sleep(1000, end);
    }
    await Promise.all(inFlight);
  });
  const report = setInterval(() => out(`  ${Math.round((o.durationSeconds * 1000 - (end - Date.now())) / 1000)} s: captured ${counts.captured}, accepted ${counts.accepted}, claimed ${counts.claimed}, completed ${counts.completed}, errors ${counts.errors}${counts.chats ? `, chats ${counts.chats}` : ''}`), 10_000);
  try {
    await Promise.all([capturing, chatting, ...working]);
  } finally {
    clearInterval(report);
    for (const a of agents) await a.api.req('PUT', '/me/presence', { status: 'offline' }).catch(() => undefined);
  }
  out(`Done: captured ${counts.captured}, accepted ${counts.accepted}, claimed ${counts.claimed}, completed ${counts.completed}, errors ${counts.errors}, chats ${counts.chats}`);
  return counts;
}
