import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

const REFRESH_MS = 60_000;

/**
 * The usual wait per queue: the average from entering the queue to assignment of the tasks
 * assigned in the last hour. Public pages (chat, callback) show it and are asked often: it is
 * read at most once a minute, for every queue at once (events by type and time, indexed).
 */
export class WaitEstimates {
  private at = 0;
  private byQueue = new Map<string, number>();
  private loading: Promise<void> | undefined;

  constructor(private readonly db: Kysely<DB>) {}

  /** Seconds, or null when nothing was assigned in that queue in the last hour. */
  async of(queue: string): Promise<number | null> {
    if (Date.now() - this.at > REFRESH_MS) await (this.loading ??= this.load().finally(() => (this.loading = undefined)));
    return this.byQueue.get(queue) ?? null;
  }

  private async load(): Promise<void> {
    const { rows } = await sql<{ queue_id: string; secs: number }>`
      select t.queue_id, avg(extract(epoch from e.at - coalesce(t.entered_queue_at, t.created_at)))::float8 as secs
      from events e join tasks t on t.id = e.task_id
      where e.type = 'task.assigned' and e.at > ${new Date(Date.now() - 3_600_000)} and t.queue_id is not null
      group by t.queue_id`.execute(this.db);
    this.byQueue = new Map(rows.map((r) => [r.queue_id, Math.max(0, Math.round(Number(r.secs)))]));
    this.at = Date.now();
  }
}
