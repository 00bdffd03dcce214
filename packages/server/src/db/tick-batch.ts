/**
 * Group commit by key: the calls of one event-loop tick go to `write` together (one statement, one
 * commit), and each caller is answered from it. The same key twice in one tick (a double click)
 * goes to the next tick's batch, where the first one's result decides it. A write that fails
 * rejects every call of its batch.
 */
export class TickBatch<T extends { reject: (err: unknown) => void }> {
  private pending: T[] = [];
  private scheduled = false;

  constructor(
    private readonly keyOf: (item: T) => string,
    private readonly write: (batch: T[]) => Promise<void>,
  ) {}

  add(item: T): void {
    this.pending.push(item);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const seen = new Set<string>();
    const batch: T[] = [];
    const later: T[] = [];
    for (const p of this.pending) {
      const key = this.keyOf(p);
      (seen.has(key) ? later : batch).push(p);
      seen.add(key);
    }
    this.pending = later;
    if (later.length) this.schedule();
    if (batch.length) this.write(batch).catch((err) => batch.forEach((p) => p.reject(err)));
  }
}
