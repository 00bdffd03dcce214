import type { Services } from '../services.js';
import { appendEvents, type EventInput } from '../events/append.js';
import { notFound } from '../http/problems.js';
import { attach, type AttachmentRow } from '../attachments/store.js';
import type { StagedFile } from '../attachments/files.js';
import { caseData, illegalCase, lockCase, olaFollows, statusSet, writeCase, type CaseRow } from '../cases/store.js';
import { applyEffects, noEffects } from '../cases/effects.js';
import type { PortalCustomer } from './session.js';
import { newId } from '../db/ids.js';

export interface CustomerReply {
  comment?: string;
  files?: StagedFile[];
  filesDir: string;
}

/**
 * A customer's comment or files, in one transaction with what they cause: a case waiting for the
 * customer goes back to work (core's `reply`: in progress), so its SLA clock and its task's OLA
 * clock resume where they stopped. Status and clocks go through the cases module (statusSet,
 * olaFollows, writeCase); a closed case takes no more replies (409).
 */
export async function customerReply(s: Services, who: PortalCustomer, caseId: string, input: CustomerReply) {
  const actor = `customer:${who.id}`;
  const fx = noEffects();
  const out = await s.db.transaction().execute(async (trx) => {
    const c = await lockCase(trx, caseId);
    if (c.customer_id !== who.id) throw notFound(`Case ${caseId}`);
    if (c.status === 'closed') throw illegalCase(c, 'This case is closed. Submit a new request if you need more help.');
    const ct = s.config.snapshot.caseTypes.get(c.case_type);
    const now = s.clocks.now();
    const events: EventInput[] = [];
    let comment: { id: string; body: string; created_at: Date } | null = null;
    if (input.comment) {
      comment = await trx
        .insertInto('case_comments')
        .values({ id: newId(), case_id: c.id, author: actor, author_name: who.name, body: input.comment, visibility: 'customer' })
        .returning(['id', 'body', 'created_at'])
        .executeTakeFirstOrThrow();
      events.push({ type: 'case.commented', actor, data: caseData(c, { commentId: comment.id, visibility: 'customer', author: who.name, fromCustomer: true, excerpt: comment.body.slice(0, 200) }) });
    }
    let files: AttachmentRow[] = [];
    if (input.files?.length) {
      files = await attach(trx, input.filesDir, c.id, input.files, actor);
      for (const a of files) events.push({ type: 'case.attachment-added', actor, data: caseData(c, { attachmentId: a.id, name: a.name, contentType: a.content_type, size: a.size, field: null, fromCustomer: true }) });
    }
    let after: CaseRow = c;
    if (c.status === 'waiting-for-customer') {
      const st = statusSet(s, ct, c, 'reply', now);
      await olaFollows(s, trx, ct, c.id, st.clock, now);
      after = await writeCase(trx, c, st.set, now);
      events.push({ type: 'case.updated', actor, data: caseData(after, { change: 'customer-replied', changed: ['status'], from: c.status }) });
    }
    await appendEvents(trx, events);
    fx.caseIds.push(c.id);
    return { case: after, comment, files };
  });
  applyEffects(s, fx);
  return out;
}
