import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { discard, stage, type StagedFile } from './files.js';

export const MAX_FILES_PER_REQUEST = 10;

/** Registers multipart parsing once (the form, case creation and attachments use it). */
export async function enableMultipart(app: FastifyInstance): Promise<void> {
  if (app.hasContentTypeParser('multipart/form-data')) return;
  await app.register(multipart, { throwFileSizeLimit: true, limits: { files: MAX_FILES_PER_REQUEST, fields: 200, fieldSize: 100_000, parts: 300 } });
}

export interface Parts {
  values: Record<string, string | string[]>;
  files: StagedFile[];
}

/**
 * Reads a multipart request: text parts as values, file parts staged on disk (hashed, type
 * sniffed). A file part named `attachments` is a plain attachment; any other names a form field.
 * An empty file input (no name, no bytes) is skipped. On any error nothing stays on disk.
 */
export async function readParts(request: FastifyRequest, dir: string, fileSize: number): Promise<Parts> {
  const values: Record<string, string | string[]> = {};
  const files: StagedFile[] = [];
  try {
    for await (const part of request.parts({ limits: { fileSize } })) {
      if (part.type === 'file') {
        const f = await stage(dir, part.fieldname === 'attachments' ? null : part.fieldname, part.filename, part.file, fileSize);
        if (!part.filename && f.size === 0) await discard([f]);
        else files.push(f);
      } else {
        const v = String(part.value);
        const had = values[part.fieldname];
        values[part.fieldname] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
      }
    }
  } catch (err) {
    await discard(files);
    throw err;
  }
  return { values, files };
}
