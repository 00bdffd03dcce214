import { sql, type Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { DB } from '../db/schema.js';
import type { ConfigCache } from '../config/cache.js';
import type { ChatRooms } from './live.js';
import { CHAT_SOURCE } from './store.js';
import { Every } from '../background/every.js';

/** A chat with a bot nobody wrote in for this long is over (`WORKLANE_BOT_IDLE_MINUTES`). */
const IDLE_MINUTES = Number(process.env.WORKLANE_BOT_IDLE_MINUTES ?? 30);
const EVERY_MS = 60_000;
const BATCH = 500;

/**
 * Chats a bot answers have no task until they are handed over, so no task timer ends them: a
 * visitor who closed the page would leave the chat "with the bot" for ever. Once a minute, chats
 * with no task, not handed over, and no line for `IDLE_MINUTES` are ended (`ended_by` 'idle'),
 * with a line saying so, one transaction each batch; a visitor's page still open hears it.
 */
export class IdleBotChats {
  private readonly loop: Every;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: ConfigCache,
    private readonly rooms: ChatRooms,
    log: FastifyBaseLogger,
  ) {
    this.loop = new Every(EVERY_MS, () => this.sweep(), log, 'chat: ending idle bot chats');
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Ends the idle bot chats now; answers how many. */
  async sweep(now = Date.now(), idleMinutes = IDLE_MINUTES): Promise<number> {
    const topics = [...this.config.snapshot.worktypes.values()].filter((w) => w.chat?.bot).map((w) => w.id);
    if (!topics.length) return 0;
    const quietSince = new Date(now - idleMinutes * 60_000);
    const ended = await this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .updateTable('chats')
        .set({ ended_at: new Date(now), ended_by: 'idle' })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('chats as c')
            .select('c.id')
            .where('c.ended_at', 'is', null)
            .where('c.handed_over_at', 'is', null)
            .where('c.channel', '=', 'web')
            .where('c.worktype', 'in', topics)
            .where('c.created_at', '<', quietSince)
            .where(({ not, exists, selectFrom }) => not(exists(selectFrom('tasks as t').select(sql`1`.as('x')).where('t.source', '=', CHAT_SOURCE).whereRef('t.external_id', '=', 'c.id'))))
            .where(({ not, exists, selectFrom }) => not(exists(selectFrom('chat_messages as m').select(sql`1`.as('x')).whereRef('m.chat_id', '=', 'c.id').where('m.created_at', '>=', quietSince))))
            .limit(BATCH),
        )
        .where('ended_at', 'is', null)
        .returning('id')
        .execute();
      if (rows.length)
        await trx.insertInto('chat_messages').values(rows.map((r) => ({ chat_id: r.id, sender: 'system', user_id: null, body: `This chat was closed after ${idleMinutes} minutes without a message.` }))).execute();
      return rows;
    });
    for (const r of ended) this.rooms.changed(r.id, null, null);
    return ended.length;
  }
}
