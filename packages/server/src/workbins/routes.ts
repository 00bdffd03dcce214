import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { requireUser } from '../auth/guard.js';
import { notFound } from '../http/problems.js';
import { taskDto } from '../tasks/dto.js';
import { claimFromBin } from './claim.js';
import { findBin, visibleBins } from './visibility.js';

const PEOPLE = { roles: ['agent' as const, 'supervisor' as const] };
const BinParams = Type.Object({ id: Type.String({ minLength: 3, maxLength: 300 }) }, { additionalProperties: false });

/** Workbins: lists people pull work from. Order and priority come from routing's in-memory line. */
export async function workbinRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/v1/workbins', { config: { auth: PEOPLE }, schema: { tags: ['people'], summary: 'The workbins I may see, with counts' } }, async (request) => {
    const bins = await visibleBins(s, requireUser(request));
    // Counted from the bins' own lines: a scan of every waiting task cost ~60 ms at a million.
    return { items: bins.map((b) => ({ ...b, count: s.dispatcher.waiting.binSize(b.id) })) };
  });

  r.get('/api/v1/workbins/:id/tasks', {
    config: { auth: PEOPLE },
    schema: {
      tags: ['people'],
      params: BinParams,
      querystring: Type.Object(
        {
          sort: Type.Optional(Type.Union([Type.Literal('priority'), Type.Literal('due'), Type.Literal('age')])),
          worktype: Type.Optional(Type.String({ maxLength: 200 })),
          q: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
        },
        { additionalProperties: false },
      ),
    },
  }, async (request) => {
    const bin = await findBin(s, requireUser(request), request.params.id);
    if (!bin) throw notFound(`Workbin ${request.params.id}`);
    const { sort = 'priority', worktype, q } = request.query;
    const limit = Math.min(Math.max(Number(request.query.limit ?? 50), 1), 500);
    const now = Date.now();
    const line = s.dispatcher.binLine(bin.id, now);
    const position = new Map(line.map((t, i) => [t.id, i + 1]));
    let view = worktype ? line.filter((t) => s.dispatcher.waiting.get(t.id)?.worktype === worktype) : line;
    if (q) {
      // Text search needs the titles: ask the database, keep routing's order.
      const ids = view.map((t) => t.id);
      const hits = ids.length
        ? await s.db.selectFrom('tasks').select('id').where('id', 'in', ids).where((eb) => eb.or([eb('title', 'ilike', `%${q}%`), eb('external_id', 'ilike', `%${q}%`)])).execute()
        : [];
      const keep = new Set(hits.map((h) => h.id));
      view = view.filter((t) => keep.has(t.id));
    }
    if (sort === 'due') view = [...view].sort((a, b) => (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity) || position.get(a.id)! - position.get(b.id)!);
    if (sort === 'age') view = [...view].sort((a, b) => a.enteredQueueAt - b.enteredQueueAt || position.get(a.id)! - position.get(b.id)!);
    const page = view.slice(0, limit);
    const rows = page.length ? await s.db.selectFrom('tasks').selectAll().where('id', 'in', page.map((t) => t.id)).execute() : [];
    const byId = new Map(rows.map((t) => [t.id, t]));
    const items = page.flatMap((t) => {
      const row = byId.get(t.id);
      if (!row) return [];
      const pos = position.get(t.id)!;
      return [{ ...taskDto(row), effectivePriority: t.priority, position: pos, claimable: bin.canClaim && (bin.claimLimit === null || pos <= bin.claimLimit) }];
    });
    return { items, total: view.length };
  });

  r.post('/api/v1/workbins/:id/claim', {
    config: { auth: { roles: ['agent' as const] } },
    schema: {
      tags: ['people'],
      summary: 'Take a task from a workbin (no taskId: the next best)',
      params: BinParams,
      body: Type.Optional(Type.Object({ taskId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false })),
    },
  }, async (request) => {
    const u = requireUser(request);
    const bin = await findBin(s, u, request.params.id);
    if (!bin) throw notFound(`Workbin ${request.params.id}`);
    const change = await claimFromBin(s, u, bin, request.body?.taskId);
    return { task: taskDto(change.after) };
  });
}
