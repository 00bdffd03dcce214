import type { Insertable, Kysely } from 'kysely';
import { answersOf, questionsOf, scoreAnswers, seededRandom, type GivenAnswers, type Questionnaire } from '@worklane/core';
import { json, type DB, type EventsTable, type ScorecardsTable } from '../db/schema.js';
import { questionnaireOf } from '../quality/config.js';
import { scorecardRow } from '../quality/planner.js';

// The demo's quality history: Sam has scored some of the made-up chats (Alice usually well, Bob
// less so), Alice has one evaluation to acknowledge, and Sam two chats still to score: the Quality
// page, its overview and the quality report have something to show on a first `npm start`.

/** Chance of each answer, best first, per agent; and how often they skip a critical step. */
const SKILL: Record<string, number[]> = { alice: [0.75, 0.2, 0.05], bob: [0.45, 0.35, 0.2] };
const SLIPS: Record<string, number> = { alice: 0.02, bob: 0.1 };
const EVERY = 8;
const DAY = 86_400_000;

function answer(q: Questionnaire, random: () => number, odds: number[], slips: number): GivenAnswers {
  const out: GivenAnswers = {};
  for (const { question } of questionsOf(q)) {
    if (question.allowNA && random() < 0.3) {
      out[question.id] = { na: true };
      continue;
    }
    const best = [...answersOf(question)].sort((a, b) => b.points - a.points);
    if (question.critical) {
      out[question.id] = { answer: best[random() < slips ? best.length - 1 : 0]!.label };
      continue;
    }
    let r = random();
    const i = odds.findIndex((p) => (r -= p) < 0);
    out[question.id] = { answer: best[Math.min(i < 0 ? odds.length - 1 : i, best.length - 1)]!.label };
  }
  return out;
}

export async function seedDemoEvaluations(db: Kysely<DB>, now: number): Promise<number> {
  const form = await db.selectFrom('questionnaires').selectAll().where('id', '=', 'conversation').executeTakeFirst();
  const users = await db.selectFrom('users').select(['id', 'email']).execute();
  const id = new Map(users.map((u) => [u.email.split('@')[0]!, u.id]));
  const sam = id.get('sam');
  if (!form || !sam) return 0;
  const q = questionnaireOf(form);
  const agentName = new Map([...id].map(([name, uid]) => [uid, name]));
  // The made-up chats (history.ts): completed before today, nothing live.
  const chats = await db.selectFrom('tasks').select(['id', 'assignee_id', 'completed_at']).where('source', '=', 'chat').where('worktype', '=', 'web-chat').where('state', '=', 'completed').where('completed_at', '<', new Date(Math.floor(now / 86_400_000) * 86_400_000)).orderBy('completed_at').execute();
  const random = seededRandom(20261207);
  const rows: Insertable<ScorecardsTable>[] = [];
  const events: Insertable<EventsTable>[] = [];
  const picked = chats.filter((_, i) => i % EVERY === 0);
  for (const [i, t] of picked.entries()) {
    const agent = t.assignee_id!;
    const odds = SKILL[agentName.get(agent) ?? ''] ?? SKILL.bob!;
    const base = scorecardRow(t.id, agent, sam, q, { plan: 'conversations', needsAck: true, by: 'system:demo' });
    const recent = i >= picked.length - 2;
    if (recent) {
      rows.push(base); // still to score
      continue;
    }
    const answers = answer(q, random, odds, SLIPS[agentName.get(agent) ?? ''] ?? 0.1);
    const score = scoreAnswers(q, answers);
    const finished = new Date(Math.min(new Date(t.completed_at!).getTime() + DAY, now - 3_600_000));
    const lastOfAlice = agentName.get(agent) === 'alice' && !picked.slice(i + 1, -2).some((x) => x.assignee_id === agent);
    rows.push({
      ...base, answers: json(answers), percent: score.percent, band: score.band, critical_failed: score.criticalFailed.length > 0,
      comment: score.band === 'fail' ? 'Check the account before you answer, and confirm the next step.' : 'Clear and friendly, well done.',
      state: lastOfAlice ? 'finished' : 'acknowledged', finished_at: finished, assigned_at: new Date(t.completed_at!), updated_at: finished,
      acknowledged_at: lastOfAlice ? null : new Date(finished.getTime() + 3_600_000), agent_comment: lastOfAlice ? null : 'Thanks.',
    });
    events.push({
      type: 'scorecard.finished', at: finished, actor: `user:${sam}`, task_id: t.id, user_id: agent,
      data: json({ scorecard: base.id, agent, evaluator: sam, queue: 'web-chat', questionnaire: q.id, percent: score.percent, band: score.band, calibration: null }),
    });
  }
  if (rows.length === 0) return 0;
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('scorecards').values(rows).execute();
    if (events.length) await trx.insertInto('events').values(events).execute();
  });
  return rows.length;
}
