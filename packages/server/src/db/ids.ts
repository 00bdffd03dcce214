import { v7 } from 'uuid';

/**
 * Ids of rows written at volume (tasks, offers, cases, customers): time-ordered UUIDs (v7). A
 * random UUID (v4) lands each primary-key and (task_id, …) index insert on a random B-tree page, so
 * a bulk load dirtied and re-read pages all over the indexes; v7 ids append at the right edge.
 * Measured on capture-bulk: PostgreSQL time per task 0.21 → 0.09 ms. Still a UUID: the API's ids
 * stay opaque strings. They carry their creation time, which every one of these rows shows anyway.
 */
export function newId(): string {
  return v7();
}
