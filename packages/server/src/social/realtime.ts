import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Services } from '../services.js';
import { SOCIAL_SOURCE } from '../chat/store.js';

const READ = { roles: ['supervisor' as const, 'analyst' as const], scopes: ['reports:read' as const] };

/**
 * Live social media figures (seed CE19's statistics views): per account, the conversations going on
 * in public and in private (not ended, their task not finished or wrapping up), how many wait for
 * an agent, and the longest of each kind. Every account is listed, with nothing going on too.
 */
export async function socialRealtimeRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get('/api/v1/reports/realtime/social', {
    config: { auth: READ },
    schema: { tags: ['reports'], summary: 'Per social media account: active public conversations and private messages, waiting, the longest of each' },
  }, async () => {
    const [accounts, rows] = await Promise.all([
      s.db.selectFrom('social_accounts').select(['id', 'name', 'platform', 'enabled']).orderBy('name').execute(),
      s.db
        .selectFrom('chats as c')
        .innerJoin('tasks as t', (j) => j.on(sql<string>`coalesce(t.source, '')`, '=', SOCIAL_SOURCE).onRef('t.external_id', '=', 'c.id'))
        .select([
          'c.social_account',
          'c.social_kind',
          sql<number>`count(*)::int`.as('active'),
          sql<number>`(count(*) filter (where t.state in ('queued', 'offered')))::int`.as('waiting'),
          sql<Date>`min(c.created_at)`.as('oldest'),
        ])
        .where('c.channel', '=', 'social')
        .where('c.ended_at', 'is', null)
        .where('t.state', 'not in', ['completed', 'canceled', 'wrap-up'])
        .groupBy(['c.social_account', 'c.social_kind'])
        .execute(),
    ]);
    const now = Date.now();
    const kind = (account: string, k: 'public' | 'private') => {
      const r = rows.find((x) => x.social_account === account && x.social_kind === k);
      return { active: r?.active ?? 0, waiting: r?.waiting ?? 0, longestSeconds: r ? Math.max(0, Math.round((now - new Date(r.oldest).getTime()) / 1000)) : null };
    };
    return { items: accounts.map((a) => ({ id: a.id, name: a.name, platform: a.platform, enabled: a.enabled, public: kind(a.id, 'public'), private: kind(a.id, 'private') })) };
  });
}
