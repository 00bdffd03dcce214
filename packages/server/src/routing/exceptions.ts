import { sql } from 'kysely';
import { dueExceptions, nextExceptionAt, requiredLevel, type ExceptionRule } from '@worklane/core';
import { json } from '../db/schema.js';
import { appendEvents } from '../events/append.js';
import { taskDto } from '../tasks/dto.js';
import { Alarm } from './alarm.js';
import type { Dispatcher, Waiting } from './dispatcher.js';
import { supervisorsOf } from '../auth/supervision.js';

const SWEEP_MS = 2_000;

interface Firing {
  task: Waiting;
  rules: ExceptionRule[];
}

/**
 * Exception rules on waiting work (per queue): time-based rules ring an alarm at their moment;
 * "no eligible agent logged in" is checked on a short interval. Each rule fires once per task
 * (fired ids are stored on the task as `queue:rule`), and each firing is an event.
 */
export class ExceptionWatch {
  private readonly alarm = new Alarm(() => this.run());
  private interval: NodeJS.Timeout | undefined;

  constructor(private readonly d: Dispatcher) {}

  start(): void {
    this.interval = setInterval(() => this.run(), SWEEP_MS);
    this.interval.unref();
    this.run();
  }

  stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.alarm.stop();
  }

  run(): void {
    if (!this.anyRules()) return;
    this.d.exclusive(() => this.sweep(Date.now())).catch((err) => this.d.log.error({ err }, 'exception rules failed'));
  }

  private anyRules(): boolean {
    for (const q of this.d.config.snapshot.queues.values()) if (q.exceptions?.length) return true;
    return false;
  }

  /** Whether a member who could take the task at the widest step is logged in (not offline). */
  private eligibleLoggedIn(t: Waiting): boolean {
    const q = this.d.config.snapshot.queues.get(t.queueId);
    if (!q) return false;
    const last = q.targetSteps[q.targetSteps.length - 1] ?? { name: 'any', afterSeconds: 0, minLevel: 0 };
    for (const id of t.targetAgentId ? [t.targetAgentId] : q.members) {
      const a = this.d.agents.get(id);
      if (!a || a.status === 'offline') continue;
      if (t.skills.every((r) => (a.skills[r.skill] ?? 0) >= requiredLevel(last, r.minLevel))) return true;
    }
    return false;
  }

  async sweep(now: number): Promise<void> {
    const firings: Firing[] = [];
    let next: number | null = null;
    for (const t of this.d.waiting.values()) {
      if (t.teamBin) continue; // already with people who decide by hand
      const rules = (this.d.config.snapshot.queues.get(t.queueId)?.exceptions ?? []).map((r) => ({ ...r, id: `${t.queueId}:${r.id}` }));
      if (!rules.length) continue;
      const facts = { enteredQueueAt: t.enteredQueueAt, createdAt: t.createdAt, dueAt: t.dueAt, fired: t.exceptionsFired, eligibleAgentLoggedIn: true };
      if (rules.some((r) => r.noEligibleAgent)) facts.eligibleAgentLoggedIn = this.eligibleLoggedIn(t);
      const due = dueExceptions(rules, facts, now);
      if (due.length) firings.push({ task: t, rules: due });
      const at = nextExceptionAt(rules, { ...facts, fired: [...t.exceptionsFired, ...due.map((r) => r.id)] }, now);
      if (at !== null && (next === null || at < next)) next = at;
    }
    if (firings.length) await this.fire(firings);
    this.alarm.ensure(next);
  }

  private async fire(firings: Firing[]): Promise<void> {
    const queues = this.d.config.snapshot.queues;
    const changed = await this.d.db.transaction().execute(async (trx) => {
      const out = [];
      for (const { task, rules } of firings) {
        const raise = rules.reduce((n, r) => n + (r.raisePriority ?? 0), 0);
        const moveTo = [...rules].reverse().find((r) => r.moveToQueue && queues.has(r.moveToQueue))?.moveToQueue;
        const teamBin = [...rules].reverse().find((r) => r.moveToTeamBin)?.moveToTeamBin;
        const row = await trx
          .updateTable('tasks')
          .set({
            priority_boost: sql`priority_boost + ${raise}`,
            ...(moveTo ? { queue_id: moveTo } : {}),
            ...(teamBin ? { team_bin: teamBin, target_agent_id: null } : {}),
            exceptions_fired: json([...task.exceptionsFired, ...rules.map((r) => r.id)]),
            version: sql`version + 1`,
            updated_at: new Date(),
          })
          .where('id', '=', task.id)
          .where('state', '=', 'queued')
          .where('version', '=', task.version)
          .returningAll()
          .executeTakeFirst();
        if (!row) continue; // changed meanwhile; the next sweep sees the new version
        await appendEvents(trx, rules.map((r) => ({
          type: 'task.exception',
          taskId: task.id,
          data: { rule: r.id, raisePriority: r.raisePriority ?? 0, movedToQueue: moveTo ?? null, movedToTeamBin: teamBin ?? null, alert: r.alertSupervisors ?? false },
        })));
        out.push({ before: task, row, rules });
      }
      return out;
    });
    for (const { row, rules } of changed) {
      this.d.track(row);
      const alerts = rules.filter((r) => r.alertSupervisors);
      if (alerts.length)
        this.d.hub.toSupervisors({ type: 'alert', level: 'warning', message: `Task "${row.title}": exception ${alerts.map((r) => r.id).join(', ')}`, taskId: row.id, task: taskDto(row) }, supervisorsOf(this.d.config, row));
    }
    if (changed.length) this.d.hub.statsChanged();
  }
}
