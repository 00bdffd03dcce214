import { describe, expect, it } from 'vitest';
import { refusalsInForce, type TaskEventFact } from '../../src/index.js';

let id = 0;
const ev = (taskId: string, type: string, at: number, agent: string | null = null): TaskEventFact => ({ taskId, id: ++id, type, at, agent });
const fiveMinutes = () => 300;

describe('refusals read back after a restart', () => {
  it('keeps the refusals of the current wait until they lapse', () => {
    const events = [
      ev('t1', 'task.offered', 0, 'ann'), ev('t1', 'task.declined', 1_000, 'ann'), ev('t1', 'task.queued', 1_000),
      ev('t1', 'task.offered', 2_000, 'ben'), ev('t1', 'task.rona', 32_000, 'ben'), ev('t1', 'task.queued', 32_000),
      // A withdrawn offer (Cy went not-ready) puts it back in line but refuses nothing.
      ev('t1', 'task.offered', 33_000, 'cy'), ev('t1', 'task.offer-withdrawn', 34_000, 'cy'), ev('t1', 'task.queued', 34_000),
    ];
    expect(refusalsInForce(events, fiveMinutes, 60_000)).toEqual([
      { taskId: 't1', agentId: 'ann', lapsesAt: 301_000 },
      { taskId: 't1', agentId: 'ben', lapsesAt: 332_000 },
    ]);
    // Ann's lapsed; Ben's not yet.
    expect(refusalsInForce(events, fiveMinutes, 310_000).map((r) => r.agentId)).toEqual(['ben']);
  });

  it('forgets refusals before a new wait (transfer, wake-up, resume...)', () => {
    const events = [
      ev('t2', 'task.declined', 1_000, 'ann'), ev('t2', 'task.queued', 1_000),
      ev('t2', 'task.accepted', 5_000, 'ben'), ev('t2', 'task.transferred', 9_000), ev('t2', 'task.queued', 9_000),
      ev('t2', 'task.rona', 50_000, 'cy'), ev('t2', 'task.queued', 50_000),
    ];
    expect(refusalsInForce(events, fiveMinutes, 60_000).map((r) => r.agentId)).toEqual(['cy']);
  });

  it('the latest refusal of an agent decides, per task and per queue refusal time', () => {
    const events = [
      ev('t3', 'task.declined', 1_000, 'ann'), ev('t3', 'task.queued', 1_000),
      ev('t3', 'task.rona', 40_000, 'ann'), ev('t3', 'task.queued', 40_000),
      ev('t4', 'task.declined', 1_000, 'ann'), ev('t4', 'task.queued', 1_000),
    ];
    const seconds = (t: string) => (t === 't4' ? 10 : 300);
    expect(refusalsInForce(events, seconds, 20_000)).toEqual([{ taskId: 't3', agentId: 'ann', lapsesAt: 340_000 }]);
  });
});
