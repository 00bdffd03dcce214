import { randomUUID } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import type { AttachmentsTable, DB } from '../db/schema.js';
import { keep, type StagedFile } from './files.js';

export type AttachmentRow = Selectable<AttachmentsTable>;

export function attachmentDto(a: AttachmentRow) {
  return { id: a.id, caseId: a.case_id, field: a.field, name: a.name, contentType: a.content_type, size: a.size, sha256: a.sha256, uploadedBy: a.uploaded_by, createdAt: a.created_at.toISOString(), url: `/api/v1/attachments/${a.id}` };
}

/**
 * Records staged uploads on a case inside the caller's transaction. Files are moved into place
 * before the rows commit: a failed commit leaves an orphan file, never a row without its file.
 */
export async function attach(trx: Transaction<DB>, dir: string, caseId: string, files: readonly StagedFile[], uploadedBy: string | null): Promise<AttachmentRow[]> {
  const out: AttachmentRow[] = [];
  for (const f of files) {
    const id = randomUUID();
    const path = await keep(dir, f, id);
    out.push(
      await trx
        .insertInto('attachments')
        .values({ id, case_id: caseId, field: f.field, name: f.name, content_type: f.contentType, size: f.size, sha256: f.sha256, path, uploaded_by: uploadedBy })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }
  return out;
}
