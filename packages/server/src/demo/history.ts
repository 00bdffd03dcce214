import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import { seededRandom } from '@worklane/core';
import { json, type DB, type TasksTable } from '../db/schema.js';
import { seedDemoEvaluations } from './quality.js';
import { seedDemoJourneys } from './engagement.js';
import { demoConversation, type Talk } from './conversations.js';

// Two weeks of made-up past work for the demo, so Reports and Insights have something to show on
// a first `npm start`: the demo's four agents working its queues on weekdays, one bad day in
// Finance, and Bob taking longer than the others. Only on first start, never today (live figures
// stay live), and deterministic (a seeded generator): the same demo every time.

const DAY = 86_400_000;
const H = 3_600_000;

interface QueuePlan {
  queue: string;
  worktype: string;
  /** Title and the number it starts counting from. */
  title: string;
  perDay: number;
  codes: string[];
  agents: string[];
}

const FRONT = ['alice', 'bob', 'carol'];
const PLANS: QueuePlan[] = [
  { queue: 'finance', worktype: 'invoice-dispute', title: 'Invoice dispute INV-', perDay: 30, codes: ['processed', 'need-follow-up', 'transferred'], agents: [...FRONT, 'dave'] },
  { queue: 'back-office', worktype: 'invoice-dispute', title: 'Invoice correction INV-', perDay: 10, codes: ['processed', 'terminated'], agents: [...FRONT, 'dave'] },
  { queue: 'credit', worktype: 'credit-request', title: 'Credit limit review CR-', perDay: 15, codes: ['processed', 'need-follow-up'], agents: FRONT },
  { queue: 'sales', worktype: 'lead', title: 'Sales lead L-', perDay: 20, codes: ['cross-sell', 'up-sell', 'need-follow-up'], agents: FRONT },
];
/** Seconds an agent usually takes per task. */
const HANDLE: Record<string, number> = { alice: 240, bob: 780, carol: 300, dave: 330 };
/** Web chats a day, who answers them, and how visitors rate each agent (weights of scores 1..5). */
const CHATS_PER_DAY = 20;
const CHAT_AGENTS = ['alice', 'bob'];
const AGENT_NAMES: Record<string, string> = { alice: 'Alice', bob: 'Bob' };
const SCORES: Record<string, number[]> = { alice: [1, 1, 4, 30, 64], bob: [4, 8, 20, 40, 28] };
/** Finance's bad day, in weekdays back: waits ten times as long, more callers give up. */
const BAD_DAY = 3;


type TaskRow = Insertable<TasksTable>;
const BLANK = { attributes: json({}), skills: json([]), classification: json({}), priority: 0, version: 1, escalation_level: 0, priority_boost: 0, exceptions_fired: json([]) };
type EventRow = { type: string; at: Date; actor: string; task_id: string | null; user_id: string | null; data: string };

/** Inserts the history (the `days` weekdays before today, UTC); returns how many tasks. */
export async function seedDemoHistory(db: Kysely<DB>, now = Date.now(), days = 14): Promise<number> {
  const users = await db.selectFrom('users').select(['id', 'email']).execute();
  const id = new Map(users.map((u) => [u.email.split('@')[0]!, u.id]));
  const queues = new Set((await db.selectFrom('queues').select('id').execute()).map((q) => q.id));
  const plans = PLANS.filter((p) => queues.has(p.queue) && p.agents.every((a) => id.has(a)));
  if (!plans.length) return 0;
  const random = seededRandom(20261205);
  const chatRandom = seededRandom(20261206); // its own sequence: the other queues' history stays as it was
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  const exp = (mean: number) => -Math.log(1 - random()) * mean;
  const tasks: TaskRow[] = [];
  const events: EventRow[] = [];
  const talk: Talk = { chats: [], lines: [] };
  const today = Math.floor(now / DAY) * DAY;
  const weekdays = Array.from({ length: days }, (_, i) => today - (days - i) * DAY).filter((d) => ![0, 6].includes(new Date(d).getUTCDay()));
  for (const [i, day] of weekdays.entries()) {
    const back = weekdays.length - i;
    for (const agent of Object.keys(HANDLE)) events.push(...workday(day, id.get(agent)!, agent === 'carol' && back % 5 === 2));
    for (const plan of plans) {
      const bad = plan.queue === 'finance' && back === BAD_DAY;
      for (let n = 0; n < plan.perDay; n++) {
        const taskId = randomUUID();
        const created = day + 8.25 * H + random() * 8 * H;
        const wait = exp(bad ? 220 : 22) * 1000;
        const abandoned = random() < (bad ? 0.15 : 0.02);
        const agent = plan.agents[Math.floor(random() * plan.agents.length)]!;
        const agentId = id.get(agent)!;
        const ev = (type: string, at: number, data: Record<string, unknown>, user: string | null = agentId): EventRow => ({ type, at: new Date(at), actor: 'system:demo', task_id: taskId, user_id: user, data: json(data) });
        events.push(ev('task.created', created, { queue: plan.queue, worktype: plan.worktype }, null));
        const base = { id: taskId, worktype: plan.worktype, source: 'demo-history', title: `${plan.title}${10_000 + tasks.length}`, queue_id: plan.queue, media_type: 'workitem', created_at: new Date(created), entered_queue_at: new Date(created), ...BLANK };
        if (abandoned) {
          const at = created + wait + 60_000;
          events.push(ev('task.canceled', at, { reason: 'customer gave up' }, null));
          tasks.push({ ...base, state: 'canceled', assignee_id: null, wrap_up_code: null, updated_at: new Date(at), completed_at: null });
          continue;
        }
        const assigned = created + wait;
        if (random() < 0.04) {
          // Someone else let the offer time out first.
          const other = id.get(plan.agents[(plan.agents.indexOf(agent) + 1) % plan.agents.length]!)!;
          events.push(ev('task.offered', assigned - 31_000, { agent: other }, other), ev('task.rona', assigned - 1_000, { agent: other }, other));
        }
        const done = assigned + HANDLE[agent]! * between(0.6, 1.4) * 1000;
        const code = plan.codes[Math.floor(random() * plan.codes.length)]!;
        events.push(ev('task.offered', assigned - 1_000, { agent: agentId }), ev('task.assigned', assigned, { agent: agentId }), ev('task.completed', done, { queue: plan.queue, agent: agentId, wrapUpCode: code }));
        tasks.push({ ...base, state: 'completed', assignee_id: agentId, wrap_up_code: code, updated_at: new Date(done), completed_at: new Date(done) });
      }
    }
    if (queues.has('web-chat') && CHAT_AGENTS.every((a) => id.has(a))) chatDay(day, back, id, chatRandom, tasks, events, talk);
  }
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < talk.chats.length; i += 500) await trx.insertInto('chats').values(talk.chats.slice(i, i + 500)).execute();
    for (let i = 0; i < talk.lines.length; i += 1000) await trx.insertInto('chat_messages').values(talk.lines.slice(i, i + 1000)).execute();
    for (let i = 0; i < tasks.length; i += 500) await trx.insertInto('tasks').values(tasks.slice(i, i + 500)).execute();
    for (let i = 0; i < events.length; i += 1000) await trx.insertInto('events').values(events.slice(i, i + 1000)).execute();
  });
  await seedDemoEvaluations(db, now);
  await seedDemoJourneys(db, now);
  return tasks.length;
}

/** A day of web chats: most answered within the Web chat queue's 30 s, some rated by their visitors afterwards; each a kept conversation (demo/conversations.ts). */
function chatDay(day: number, back: number, id: Map<string, string>, random: () => number, tasks: TaskRow[], events: EventRow[], talk: Talk): void {
  const pick = (weights: number[]) => {
    let r = random() * weights.reduce((a, b) => a + b, 0);
    return weights.findIndex((w) => (r -= w) < 0) + 1 || weights.length;
  };
  for (let n = 0; n < CHATS_PER_DAY; n++) {
    const taskId = randomUUID();
    const created = day + 8.5 * H + random() * 8 * H;
    const agent = CHAT_AGENTS[Math.floor(random() * CHAT_AGENTS.length)]!;
    const agentId = id.get(agent)!;
    const assigned = created + (3 - Math.log(1 - random()) * 10) * 1000; // about 9 in 10 within the queue's 30 s
    const done = assigned + HANDLE[agent]! * (0.8 + random() * 0.8) * 1000;
    const ev = (type: string, at: number, data: Record<string, unknown>, user: string | null = agentId): EventRow => ({ type, at: new Date(at), actor: 'system:demo', task_id: taskId, user_id: user, data: json(data) });
    events.push(
      ev('task.created', created, { queue: 'web-chat', worktype: 'web-chat' }, null),
      ev('task.offered', assigned - 1_000, { agent: agentId }),
      ev('task.assigned', assigned, { agent: agentId }),
      ev('task.completed', done, { queue: 'web-chat', agent: agentId, wrapUpCode: 'processed' }),
    );
    const score = random() < 0.6 ? pick(SCORES[agent]!) : null;
    if (score !== null) events.push(ev('chat.rated', done + 30_000, { score, satisfied: score >= 4, agent: agentId, queue: 'web-chat' }));
    const chat = demoConversation(random, { agent, agentId, agentName: AGENT_NAMES[agent]!, created, assigned, done, recent: back <= 5, rating: score });
    talk.chats.push(chat.row);
    talk.lines.push(...chat.lines);
    tasks.push({ ...BLANK, id: taskId, worktype: 'web-chat', source: 'chat', external_id: chat.row.id, title: `Chat with ${chat.row.visitor_name}`, description: chat.lines[0]!.body, queue_id: 'web-chat', media_type: 'chat', created_at: new Date(created), entered_queue_at: new Date(created), state: 'completed', assignee_id: agentId, wrap_up_code: 'processed', updated_at: new Date(done), completed_at: new Date(done) });
  }
}

/** Signed in at 8, lunch from 12:00 for 45 min (2.5 h on a long-break day), signed out at 17. */
function workday(day: number, userId: string, longBreak: boolean): EventRow[] {
  const lunch = (longBreak ? 2.5 : 0.75) * H;
  const p = (at: number, from: string, fromReason: string | null, to: string, reason: string | null, secondsInPrevious: number | null): EventRow => ({
    type: 'presence.changed', at: new Date(day + at), actor: 'system:demo', task_id: null, user_id: userId, data: json({ from, fromReason, to, reason, secondsInPrevious }),
  });
  return [
    p(8 * H, 'offline', null, 'available', null, null),
    p(12 * H, 'available', null, 'not-ready', 'lunch', 4 * 3600),
    p(12 * H + lunch, 'not-ready', 'lunch', 'available', null, lunch / 1000),
    p(17 * H, 'available', null, 'offline', null, (5 * H - lunch) / 1000),
  ];
}
