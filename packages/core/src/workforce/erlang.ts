/**
 * Erlang C: how many people a queue needs so that enough contacts are answered within a threshold.
 * `a` is the offered traffic in erlangs (contacts × handle seconds / interval seconds), `n` people.
 * Computed through Erlang B's recursion, which never overflows (no factorials, no powers).
 */

/** Probability that a contact waits at all (Erlang C); 1 when the people cannot keep up (n ≤ a). */
export function erlangC(n: number, a: number): number {
  if (a <= 0) return 0;
  if (n <= a) return 1;
  let b = 1;
  for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
  return (n * b) / (n - a * (1 - b));
}

/** Share of contacts answered within `threshold` seconds with `n` people. */
export function serviceLevelOf(n: number, a: number, handleSeconds: number, thresholdSeconds: number): number {
  if (a <= 0) return 1;
  if (n <= a) return 0;
  return Math.max(0, 1 - erlangC(n, a) * Math.exp((-(n - a) * thresholdSeconds) / handleSeconds));
}

/** Average speed of answer in seconds (∞ when the people cannot keep up). */
export function averageWaitOf(n: number, a: number, handleSeconds: number): number {
  if (a <= 0) return 0;
  if (n <= a) return Infinity;
  return (erlangC(n, a) * handleSeconds) / (n - a);
}

export interface StaffingInput {
  /** Contacts expected in the interval. */
  contacts: number;
  intervalSeconds: number;
  handleSeconds: number;
  /** Goal: this share (0..1) answered within `thresholdSeconds`. */
  serviceLevel: number;
  thresholdSeconds: number;
  /** Most of their time people should be busy (0..1): keeps a small queue from being staffed at 100 %. */
  maxOccupancy: number;
  /** Contacts one person handles at once (chats); the handle time is shared among them. */
  concurrency: number;
}

export interface Staffing {
  /** People answering (on the queue, shrinkage not counted). */
  agents: number;
  /** Expected with that many: service level (0..1), average wait (s), occupancy (0..1). */
  serviceLevel: number;
  averageWait: number;
  occupancy: number;
  /** 'erlang-c' for contacts answered as they come; 'workload' for deferred work (threshold ≥ the interval). */
  method: 'erlang-c' | 'workload';
}

const MAX_AGENTS = 100_000;

/**
 * The fewest people meeting the goal and the occupancy cap. Work whose threshold is at least the
 * interval (back-office items due in hours) needs no queueing model: its workload over the interval,
 * at the occupancy cap, is the answer.
 */
export function staffingFor(i: StaffingInput): Staffing {
  const a = i.contacts > 0 && i.handleSeconds > 0 ? (i.contacts * i.handleSeconds) / (i.intervalSeconds * Math.max(1, i.concurrency)) : 0;
  const handle = i.handleSeconds / Math.max(1, i.concurrency);
  if (a === 0) return { agents: 0, serviceLevel: 1, averageWait: 0, occupancy: 0, method: 'erlang-c' };
  const occupancyFloor = Math.max(1, Math.ceil(a / Math.min(1, Math.max(0.05, i.maxOccupancy)) - 1e-9));
  if (i.thresholdSeconds >= i.intervalSeconds) {
    const n = occupancyFloor;
    return { agents: n, serviceLevel: 1, averageWait: 0, occupancy: a / n, method: 'workload' };
  }
  let n = Math.max(occupancyFloor, Math.floor(a) + 1);
  while (n < MAX_AGENTS && serviceLevelOf(n, a, handle, i.thresholdSeconds) < i.serviceLevel) n++;
  return { agents: n, serviceLevel: serviceLevelOf(n, a, handle, i.thresholdSeconds), averageWait: averageWaitOf(n, a, handle), occupancy: a / n, method: 'erlang-c' };
}
