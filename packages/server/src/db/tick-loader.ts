/**
 * Look-ups by key that arrive in the same event-loop tick share one query (`where key = any(...)`),
 * and concurrent look-ups of the same key share its answer: under load, 200 requests that each need
 * their session or their task cost one round trip, not 200. Nothing is cached past the query, so
 * a look-up is never staler than the tick it was asked in.
 */
export class TickLoader<K, V> {
  private batch = new Map<K, Promise<V | undefined>>();
  private waiting: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];

  constructor(
    private readonly fetch: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxBatch = 500,
  ) {}

  load(key: K): Promise<V | undefined> {
    const shared = this.batch.get(key);
    if (shared) return shared;
    const p = new Promise<V | undefined>((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => this.flush());
      else if (this.waiting.length >= this.maxBatch) this.flush();
    });
    this.batch.set(key, p);
    return p;
  }

  private flush(): void {
    const mine = this.waiting;
    if (mine.length === 0) return;
    this.waiting = [];
    this.batch = new Map();
    this.fetch(mine.map((w) => w.key)).then(
      (found) => {
        for (const w of mine) w.resolve(found.get(w.key));
      },
      (err) => {
        for (const w of mine) w.reject(err);
      },
    );
  }
}
