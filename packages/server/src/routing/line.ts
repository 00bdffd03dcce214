import { compareWaiting, parseBin, pieceBounds, widenBounds, type PieceBounds, type RoutingLines, type RoutingTask } from '@worklane/core';
import type { BinId } from './bins.js';

/** Tasks a piece of a queue's line holds before it is split in two (why pieces: core's `Line`). */
export const PIECE = 512;

function addTo<T>(map: Map<string, Set<T>>, key: string, t: T): void {
  const set = map.get(key);
  if (set) set.add(t);
  else map.set(key, new Set([t]));
}

function removeFrom<T>(map: Map<string, Set<T>>, key: string, t: T): void {
  const set = map.get(key);
  if (set?.delete(t) && !set.size) map.delete(key);
}

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

/** The piece `t` belongs in: the first whose last task does not come before it (else the last). */
function pieceOf<T extends RoutingTask>(pieces: readonly T[][], t: T): number {
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const p = pieces[mid]!;
    if (compareWaiting(p[p.length - 1]!, t) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Cuts a sorted line into pieces of `size` tasks. */
function cut<T>(sorted: T[], size: number): T[][] {
  const pieces: T[][] = [];
  for (let i = 0; i < sorted.length; i += size) pieces.push(sorted.slice(i, i + size));
  return pieces;
}

/**
 * The waiting tasks routing keeps in memory, by id and as the lines a round reads: each queue's
 * line kept in (static) waiting order as tasks come and go, in pieces (core's `Line`), so a round
 * never sorts a whole queue (core's `decideOffersFromLines` re-orders only lines whose queue ages
 * priority) and taking one task out never moves a whole queue; personal tasks by their agent.
 * Team-bin tasks are never pushed, so they are in no line. A task object is never changed in place
 * in what orders it: a change is a new object (`set`), which moves it.
 */
export class WaitingLine<T extends RoutingTask> implements RoutingLines {
  private readonly all = new Map<string, T>();
  /** Never an empty piece, never an empty line. */
  readonly byQueue = new Map<string, T[][]>();
  readonly byAgent = new Map<string, T[]>();
  /** Waiting tasks of a queue that are in no queue line (personal, or in a team bin), by queue. */
  private readonly offLine = new Map<string, Set<T>>();
  /** Team-bin tasks (never pushed, in no line) by team. */
  private readonly byTeam = new Map<string, Set<T>>();
  /**
   * Each piece's bounds, once a round asked (core's `AgedCursor` needs every piece's bounds of an
   * aging line, each round): kept as tasks come, forgotten when the task that set one leaves (read
   * again at the next round: one piece). A split piece's halves are new arrays.
   */
  private readonly bounds = new WeakMap<readonly RoutingTask[], PieceBounds>();

  readonly boundsOf = (piece: readonly RoutingTask[]): PieceBounds => {
    let b = this.bounds.get(piece);
    if (!b) this.bounds.set(piece, (b = pieceBounds(piece)));
    return b;
  };

  /** `piece`: tasks a piece holds before it is split (small in tests, to exercise the pieces). */
  constructor(private readonly piece = PIECE) {}

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
   * Many tasks at once (start, rebuild after a failure): each line touched is sorted once.
   * Inserting a million tasks one by one in order moved half a line per task.
   */
  setMany(ts: Iterable<T>): void {
    const added = new Map<string, T[]>();
    let replaced = false;
    for (const t of ts) {
      const old = this.all.get(t.id);
      if (old) {
        this.unplace(old);
        replaced = true;
      }
      this.all.set(t.id, t);
      if (t.teamBin || t.targetAgentId != null) this.place(t);
      else {
        const list = added.get(t.queueId);
        if (list) list.push(t);
        else added.set(t.queueId, [t]);
      }
    }
    for (const [queueId, list] of added) {
      // A task given twice counts once, as its last version (the earlier one was never placed);
      // only looked for when some task replaced one (a start into empty memory replaces none).
      const fresh = replaced ? list.filter((t) => this.all.get(t.id) === t) : list;
      const had = this.byQueue.get(queueId);
      const line = had ? [...had.flat(), ...fresh] : fresh;
      if (line.length) this.byQueue.set(queueId, cut(line.sort(compareWaiting), this.piece));
    }
  }

  delete(id: string): boolean {
    const old = this.all.get(id);
    if (!old) return false;
    this.unplace(old);
    this.all.delete(id);
    return true;
  }

  /** The waiting tasks of one workbin (`bins.ts`): a queue's in waiting order, others in any order. */
  inBin(bin: BinId): T[] {
    const b = parseBin(bin);
    if (b?.kind === 'queue') return (this.byQueue.get(b.ref) ?? []).flat();
    if (b?.kind === 'personal') return [...(this.byAgent.get(b.ref) ?? [])];
    return [...(this.byTeam.get(b?.ref ?? '') ?? [])];
  }

  /** How many tasks wait in one workbin, without reading them. */
  binSize(bin: BinId): number {
    const b = parseBin(bin);
    if (b?.kind === 'queue') return (this.byQueue.get(b.ref) ?? []).reduce((n, p) => n + p.length, 0);
    if (b?.kind === 'personal') return this.byAgent.get(b.ref)?.length ?? 0;
    return this.byTeam.get(b?.ref ?? '')?.size ?? 0;
  }

  /** The agents who have personal tasks waiting. */
  agentsWithPersonalWork(): IterableIterator<string> {
    return this.byAgent.keys();
  }

  /** Every waiting task of a queue: its line, and its personal and team-bin tasks (any order). */
  inQueue(queueId: string): T[] {
    return [...(this.byQueue.get(queueId) ?? []).flat(), ...(this.offLine.get(queueId) ?? [])];
  }

  clear(): void {
    this.offLine.clear();
    this.byTeam.clear();
    this.all.clear();
    this.byQueue.clear();
    this.byAgent.clear();
  }

  private place(t: T): void {
    if (t.teamBin || t.targetAgentId != null) addTo(this.offLine, t.queueId, t);
    if (t.teamBin) return addTo(this.byTeam, t.teamBin, t);
    if (t.targetAgentId != null) {
      const mine = this.byAgent.get(t.targetAgentId);
      if (mine) mine.push(t);
      else this.byAgent.set(t.targetAgentId, [t]);
      return;
    }
    const pieces = this.byQueue.get(t.queueId);
    if (!pieces) return void this.byQueue.set(t.queueId, [[t]]);
    const i = pieceOf(pieces, t);
    const piece = pieces[i]!;
    piece.splice(lowerBound(piece, t), 0, t);
    if (piece.length >= 2 * this.piece) pieces.splice(i, 1, piece.slice(0, this.piece), piece.slice(this.piece));
    else {
      const b = this.bounds.get(piece);
      if (b) widenBounds(b, t);
    }
  }

  private unplace(t: T): void {
    removeFrom(this.offLine, t.queueId, t);
    if (t.teamBin) return removeFrom(this.byTeam, t.teamBin, t);
    if (t.targetAgentId != null) {
      const mine = this.byAgent.get(t.targetAgentId);
      const at = mine ? mine.indexOf(t) : -1;
      if (at < 0) return;
      mine!.splice(at, 1);
      if (!mine!.length) this.byAgent.delete(t.targetAgentId);
      return;
    }
    const pieces = this.byQueue.get(t.queueId);
    if (!pieces) return;
    let i = pieceOf(pieces, t);
    let at = lowerBound(pieces[i]!, t);
    if (pieces[i]![at] !== t) {
      // The order is total, so this is only a safety net.
      i = pieces.findIndex((p) => p.includes(t));
      if (i < 0) return;
      at = pieces[i]!.indexOf(t);
    }
    const piece = pieces[i]!;
    piece.splice(at, 1);
    const b = this.bounds.get(piece);
    if (b && (t.priority === b.maxPriority || t.enteredQueueAt === b.minEnteredAt || (t.dueAt !== null && t.dueAt === b.minDueAt))) this.bounds.delete(piece);
    if (piece.length) return;
    pieces.splice(i, 1);
    if (!pieces.length) this.byQueue.delete(t.queueId);
  }
}
