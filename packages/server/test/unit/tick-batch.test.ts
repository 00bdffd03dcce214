import { describe, expect, it } from 'vitest';
import { TickBatch } from '../../src/db/tick-batch.js';

interface Call {
  key: string;
  resolve: (batchNo: number) => void;
  reject: (err: unknown) => void;
}

/** A TickBatch whose writes are recorded; `failOn` makes a batch's write fail. */
function recorder(failOn = -1) {
  const batches: string[][] = [];
  const tb = new TickBatch<Call>(
    (c) => c.key,
    async (batch) => {
      const n = batches.push(batch.map((c) => c.key)) - 1;
      if (n === failOn) throw new Error(`write ${n} failed`);
      for (const c of batch) c.resolve(n);
    },
  );
  const call = (key: string) => new Promise<number>((resolve, reject) => tb.add({ key, resolve, reject }));
  return { batches, call };
}

describe('group commit by key (TickBatch)', () => {
  it('writes the calls of one tick together, and a later tick separately', async () => {
    const r = recorder();
    const first = await Promise.all(['a', 'b', 'c'].map(r.call));
    const later = await r.call('d');
    expect(first).toEqual([0, 0, 0]);
    expect(later).toBe(1);
    expect(r.batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('the same key twice in one tick goes to the next batch, in order', async () => {
    const r = recorder();
    const got = await Promise.all(['a', 'b', 'a', 'a'].map(r.call));
    expect(got).toEqual([0, 0, 1, 2]);
    expect(r.batches).toEqual([['a', 'b'], ['a'], ['a']]);
  });

  it('a failed write rejects every call of its batch and none of the next', async () => {
    const r = recorder(0);
    const got = await Promise.allSettled(['a', 'b', 'a'].map(r.call));
    expect(got.map((g) => g.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((got[0] as PromiseRejectedResult).reason.message).toBe('write 0 failed');
  });
});
