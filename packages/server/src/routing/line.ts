import { compareWaiting, type RoutingLines, type RoutingTask } from '@worklane/core';

/** The first index whose task does not come before `t` in waiting order (binary search). */
function lowerBound<T extends RoutingTask>(line: readonly T[], t: T): number {
  let lo = 0;
  let hi = line.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareWaiting(line[mid]!, t) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The waiting tasks routing keeps in memory, by id and as the lines a round reads: each queue's
 * line kept in (static) waiting order as tasks come and go, so a round never sorts a whole queue
 * (core's `decideOffersFromLines` re-orders only lines whose queue ages priority), and personal
 * tasks by their agent. Team-bin tasks are never pushed, so they are in no line. A task object
 * is never changed in place in what orders it: a change is a new object (`set`), which moves it.
 */
export class WaitingLine<T extends RoutingTask> implements RoutingLines {
  private readonly all = new Map<string, T>();
  readonly byQueue = new Map<string, T[]>();
  readonly byAgent = new Map<string, T[]>();

  get size(): number {
    return this.all.size;
  }
  get(id: string): T | undefined {
    return this.all.get(id);
  }
  has(id: string): boolean {
    return this.all.has(id);
  }
  values(): IterableIterator<T> {
    return this.all.values();
  }

  set(t: T): void {
    const old = this.all.get(t.id);
    if (old) this.unplace(old);
    this.all.set(t.id, t);
    this.place(t);
  }

  /**
   * Many tasks at once (start, rebuild after a failure): appended, then each line touched sorted
   * once. Inserting a million tasks one by one in order moved half a line per task.
   */
  setMany(ts: Iterable<T>): void {
    const touched = new Set<T[]>();
    for (const t of ts) {
      const old = this.all.get(t.id);
      if (old) this.unplace(old);
      this.all.set(t.id, t);
      const line = this.lineOf(t, true);
      if (!line) continue;
      line.push(t);
      if (t.targetAgentId == null) touched.add(line);
    }
    for (const line of touched) line.sort(compareWaiting);
  }

  delete(id: string): boolean {
    const old = this.all.get(id);
    if (!old) return false;
    this.unplace(old);
    this.all.delete(id);
    return true;
  }

  clear(): void {
    this.all.clear();
    this.byQueue.clear();
    this.byAgent.clear();
  }

  /** Where a task's line is kept: its agent's personal tasks, or its queue's (none for a team bin). */
  private home(t: T): [Map<string, T[]>, string] | undefined {
    if (t.teamBin) return undefined;
    return t.targetAgentId != null ? [this.byAgent, t.targetAgentId] : [this.byQueue, t.queueId];
  }

  /** The line a task belongs in (made when `create` and missing). */
  private lineOf(t: T, create: boolean): T[] | undefined {
    const h = this.home(t);
    if (!h) return undefined;
    let line = h[0].get(h[1]);
    if (!line && create) h[0].set(h[1], (line = []));
    return line;
  }

  private place(t: T): void {
    const line = this.lineOf(t, true);
    if (!line) return;
    if (t.targetAgentId != null) line.push(t);
    else line.splice(lowerBound(line, t), 0, t);
  }

  private unplace(t: T): void {
    const line = this.lineOf(t, false);
    if (!line) return;
    let at = t.targetAgentId != null ? line.indexOf(t) : lowerBound(line, t);
    if (line[at] !== t) at = line.indexOf(t); // the order is total, so this is only a safety net
    if (at >= 0) line.splice(at, 1);
    if (line.length > 0) return;
    const [map, key] = this.home(t)!;
    map.delete(key);
  }
}
