import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ConfigCache } from '../config/cache.js';
import { captureMany, type ArrivalRouter, type CaptureInput, type CaptureResult } from './capture.js';
import { overloaded, overloadOptionsFromEnv } from '../overload/shed.js';

interface Pending {
  input: CaptureInput;
  actor: string | null;
  resolve: (r: CaptureResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for captures: every capture that arrives in one event-loop tick is written in one
 * transaction (one multi-row insert, one events insert), and each caller is answered only after
 * that commit. Durability is unchanged (nothing is acknowledged before it is committed); the
 * database does one commit for many requests instead of one each.
 */
export class CaptureBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  /** Captures taken and not answered yet (queued or in a commit). */
  private waiting = 0;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: ConfigCache,
    /** Routing asked before each batch commits, so offers go out with it (see captureMany). */
    private readonly router?: ArrivalRouter,
    private readonly maxBatch = 500,
    /** Beyond this many waiting captures, new ones are refused at once (503 + Retry-After). */
    private readonly maxWaiting = overloadOptionsFromEnv().maxCaptureQueue,
    private readonly retryAfterS = overloadOptionsFromEnv().retryAfterS,
  ) {}

  capture(input: CaptureInput, actor: string | null): Promise<CaptureResult> {
    if (this.waiting >= this.maxWaiting) return Promise.reject(overloaded(`${this.waiting} captures are waiting for a commit; try again shortly`, this.retryAfterS));
    this.waiting++;
    const done = () => this.waiting--;
    return new Promise<CaptureResult>((resolve, reject) => {
      this.pending.push({ input, actor, resolve: (r) => (done(), resolve(r)), reject: (e) => (done(), reject(e)) });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (!batch.length) return;
    captureMany(this.db, this.config, batch.map((p) => p.input), batch.map((p) => p.actor), { pointerPrefix: false, router: this.router }).then(
      (results) => {
        for (const r of results) {
          const p = batch[r.index]!;
          if ('task' in r) p.resolve({ task: r.task, created: r.status === 201 });
          else p.reject(r.problem);
        }
      },
      (err) => {
        for (const p of batch) p.reject(err);
      },
    );
  }
}
