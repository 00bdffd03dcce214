import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { fileTypeFromFile } from 'file-type';
import { Problem } from '../http/problems.js';

/** Where attachments live: WORKLANE_FILES_DIR, else the data folder, each with /attachments. */
export function attachmentsDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.WORKLANE_FILES_DIR ?? env.WORKLANE_DATA_DIR ?? './data', 'attachments');
}

/** An upload written to a temporary file, its type known from its content. */
export interface StagedFile {
  /** The form field it was uploaded for (null: a plain attachment). */
  field: string | null;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  tmpPath: string;
}

/**
 * A file name safe to show and to put in a header: no folders, no control or reserved characters,
 * at most 200 characters (keeping the extension); never empty.
 */
export function sanitizeName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  let name = base.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*\u202a-\u202e\u2066-\u2069]/g, '_').replace(/^[\s.]+|[\s.]+$/g, '');
  if (name.length > 200) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = name.slice(0, 200 - ext.length) + ext;
  }
  return name || 'file';
}

/** No magic number (plain text has none): text when the start decodes as UTF-8 without NUL bytes. */
async function looksLikeText(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    if (head.includes(0)) return false;
    try {
      // A multi-byte character cut at the end of the sample is fine.
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, bytesRead === buf.length ? Math.max(0, bytesRead - 4) : bytesRead));
      return true;
    } catch {
      return false;
    }
  } finally {
    await fh.close();
  }
}

/** The content type from the bytes (file-type), never from the name or the browser's claim. */
export async function sniff(path: string, size: number): Promise<string> {
  const found = await fileTypeFromFile(path);
  if (found) return found.mime;
  return size > 0 && (await looksLikeText(path)) ? 'text/plain' : 'application/octet-stream';
}

/** Streams one upload to a temporary file while hashing it; the multipart size limit ends it with 413. */
export async function stage(dir: string, field: string | null, filename: string | undefined, stream: Readable, limit: number): Promise<StagedFile> {
  const tmpDir = join(dir, 'tmp');
  await mkdir(tmpDir, { recursive: true });
  const tmpPath = join(tmpDir, randomUUID());
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const name = sanitizeName(filename);
  try {
    await pipeline(stream, meter, createWriteStream(tmpPath, { mode: 0o600 }));
    if ((stream as Readable & { truncated?: boolean }).truncated) throw tooLarge(name, limit);
  } catch (err) {
    await rm(tmpPath, { force: true });
    if ((err as { statusCode?: number }).statusCode === 413 || (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(name, limit);
    throw err;
  }
  return { field, name, contentType: await sniff(tmpPath, size), size, sha256: hash.digest('hex'), tmpPath };
}

const tooLarge = (name: string, limit: number) => new Problem(413, 'Payload Too Large', `"${name}" is larger than the limit of ${limit} bytes`);

/** Moves a staged file to its place (named by id, never by the uploader's name); returns the stored relative path. */
export async function keep(dir: string, f: StagedFile, id: string): Promise<string> {
  const rel = join(id.slice(0, 2), id);
  const to = join(dir, rel);
  await mkdir(dirname(to), { recursive: true });
  await rename(f.tmpPath, to);
  return rel;
}

export async function discard(files: readonly StagedFile[]): Promise<void> {
  await Promise.all(files.map((f) => rm(f.tmpPath, { force: true })));
}

/** Opens a stored attachment for streaming (the relative path comes from the database, not the request). */
export function openStored(dir: string, rel: string) {
  const full = resolve(dir, rel);
  if (!full.startsWith(dir + '/')) throw new Problem(500, 'Internal Server Error', 'attachment path outside its folder');
  return createReadStream(full);
}

/** `accept` entries are exact types or `type/*`. */
export const typeAccepted = (accept: readonly string[], type: string): boolean =>
  accept.some((a) => (a.endsWith('/*') ? type.startsWith(a.slice(0, -1)) : a === type));

/** RFC 6266 header: an ASCII fallback and the UTF-8 name. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
