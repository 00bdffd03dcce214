import type { RoutingTask } from '../model.js';
import { effectiveValue, type PriorityPolicy } from '../priority/effective.js';
import { compareTies } from './order.js';
import { siftDown, siftUp } from './heap.js';

/**
 * A queue's line in pieces: each piece in waiting order, and every task of a piece before every task
 * of the next. A caller keeping a long line as one array moved the whole array to take one task out
 * of it (15 µs a task at 10,000 waiting in a queue, ~150 at 50,000); in pieces it moves one piece.
 * Pieces may be empty.
 */
export type Line = readonly (readonly RoutingTask[])[];

/** Where a round's merge reads one line: its next task, as the round orders it. */
export interface Cursor {
  /** The next task (for a queue that ages priority, a copy with its effective priority). */
  readonly head: RoutingTask;
  /** Moves past `head`; false when the line is done. */
  next(): boolean;
}

/** A line already in waiting order, read piece by piece. */
export class LineCursor implements Cursor {
  head: RoutingTask;
  private at = 0;

  private constructor(
    private readonly line: Line,
    private piece: number,
  ) {
    this.head = line[piece]![0]!;
  }

  /** Undefined for a line without tasks. */
  static of(line: Line): LineCursor | undefined {
    for (let p = 0; p < line.length; p++) if (line[p]!.length) return new LineCursor(line, p);
    return undefined;
  }

  next(): boolean {
    const line = this.line;
    if (++this.at < line[this.piece]!.length) {
      this.head = line[this.piece]![this.at]!;
      return true;
    }
    this.at = 0;
    while (++this.piece < line.length) {
      if (line[this.piece]!.length) {
        this.head = line[this.piece]![0]!;
        return true;
      }
    }
    return false;
  }
}

/** What a piece of a line can give at most: every task's effective priority is at most the piece's bound. */
export interface PieceBounds {
  /** The highest base priority (base + boost) in the piece. */
  maxPriority: number;
  /** The earliest entry into the queue (the most aging). */
  minEnteredAt: number;
  /** The earliest due time (the most urgency); null when no task of the piece is due. */
  minDueAt: number | null;
}

/** A piece's bounds by reading it (a caller that keeps its pieces can remember them: `RoutingLines.boundsOf`). */
export function pieceBounds(piece: readonly RoutingTask[]): PieceBounds {
  const b: PieceBounds = { maxPriority: -Infinity, minEnteredAt: Infinity, minDueAt: null };
  for (const t of piece) widenBounds(b, t);
  return b;
}

/** Widens `b` in place so that it also holds for `t` (a task placed in the piece). */
export function widenBounds(b: PieceBounds, t: RoutingTask): void {
  if (t.priority > b.maxPriority) b.maxPriority = t.priority;
  if (t.enteredQueueAt < b.minEnteredAt) b.minEnteredAt = t.enteredQueueAt;
  if (t.dueAt !== null && (b.minDueAt === null || t.dueAt < b.minDueAt)) b.minDueAt = t.dueAt;
}

interface Unread {
  piece: readonly RoutingTask[];
  /** No task of the piece has a higher effective priority at now. */
  bound: number;
  /** With an equal effective priority, no task of the piece is due earlier (none due: Infinity)… */
  minDue: number;
  /** …nor entered earlier. */
  minEntered: number;
}

/** Unread piece `a` may hold a task before any of `b`'s: the order of the pieces' heap. */
const unreadFirst = (a: Unread, b: Unread) => (a.bound !== b.bound ? a.bound > b.bound : a.minDue !== b.minDue ? a.minDue < b.minDue : a.minEntered < b.minEntered);

/**
 * The line of a queue that ages priority, in its waiting order at `now`, read lazily piece by
 * piece. Every piece has a bound (its highest base priority with its earliest entry's aging and
 * earliest due time's urgency: effective priority only falls as entry and due times grow, in
 * floating point too, and rounding keeps that), and only pieces whose bound could beat the best task
 * read so far are read: a task is given once it comes before every unread piece's bound (ties
 * settled by the piece's earliest due and entry times, as `compareTies` would). A round takes a
 * few tasks of a line, and a line kept in static waiting order has its oldest tasks in its first
 * pieces, so a round reads one or two pieces of a long line instead of every task. Ordering the
 * whole line (each task's effective priority, then a heap) cost O(n) a round: from 20 aging
 * queues of 10,000 that was ~70 % of the server in the dispatch benchmark at full size. Any
 * arrangement of tasks in pieces gives the same order (a scattered line only reads more pieces).
 */
export class AgedCursor implements Cursor {
  head!: RoutingTask;
  /** Pieces read so far (tests, to see that a round reads few). */
  read = 0;
  /** Runs put in the heap so far (tests, to see that a piece in waiting order is a few runs). */
  runsRead = 0;
  private readonly unread: Unread[];
  /**
   * Runs read so far, each by its piece, the position of its next task, where it ends, and that
   * task's effective priority; and a binary heap of the runs by that task.
   */
  private readonly piece: (readonly RoutingTask[])[] = [];
  private readonly at: number[] = [];
  private readonly end: number[] = [];
  private readonly effective: number[] = [];
  private readonly heap: number[] = [];

  private constructor(
    pieces: readonly (readonly RoutingTask[])[],
    private readonly policy: PriorityPolicy,
    private readonly now: number,
    boundsOf: (piece: readonly RoutingTask[]) => PieceBounds,
  ) {
    const unread: Unread[] = [];
    for (const piece of pieces) {
      if (!piece.length) continue;
      const b = boundsOf(piece);
      unread.push({ piece, bound: effectiveValue(b.maxPriority, b.minEnteredAt, b.minDueAt, now, policy), minDue: b.minDueAt ?? Infinity, minEntered: b.minEnteredAt });
    }
    this.unread = unread;
    for (let i = (unread.length >> 1) - 1; i >= 0; i--) siftDown(unread, i, unreadFirst);
  }

  /** Undefined for no tasks. `boundsOf`: a piece's bounds (by default read from the piece). */
  static of(line: Line, policy: PriorityPolicy, now: number, boundsOf: (piece: readonly RoutingTask[]) => PieceBounds = pieceBounds): AgedCursor | undefined {
    const c = new AgedCursor(line, policy, now, boundsOf);
    return c.settle() ? c : undefined;
  }

  next(): boolean {
    const h = this.heap;
    const r = h[0]!;
    if (++this.at[r]! < this.end[r]!) {
      // The run's next task takes its place: it comes after the one given, so it only sinks.
      const t = this.piece[r]![this.at[r]!]!;
      this.effective[r] = effectiveValue(t.priority, t.enteredQueueAt, t.dueAt, this.now, this.policy);
    } else {
      const last = h.pop()!;
      if (!h.length) return this.settle();
      h[0] = last;
    }
    siftDown(h, 0, this.before);
    return this.settle();
  }

  /** Reads pieces until the best task read comes before every unread one; shows it as `head`. */
  private settle(): boolean {
    for (;;) {
      const top = this.unread[0];
      if (this.heap.length && (!top || this.beats(this.heap[0]!, top))) break;
      if (!top) return false;
      const last = this.unread.pop()!;
      if (this.unread.length) {
        this.unread[0] = last;
        siftDown(this.unread, 0, unreadFirst);
      }
      this.readPiece(top.piece);
    }
    const r = this.heap[0]!;
    this.head = { ...this.taskOf(r), priority: this.effective[r]! };
    return true;
  }

  /**
   * Puts a piece's runs in the heap, each by its first task: a scan with comparisons instead of
   * every task's effective priority and a heap entry (a piece of 512 in a line kept in waiting
   * order is a few runs, one per priority: ~45 → ~5 µs a round for an aging line of 10,000).
   */
  private readPiece(piece: readonly RoutingTask[]): void {
    this.read++;
    const { policy, now, heap } = this;
    for (let from = 0; from < piece.length; ) {
      const to = runEnd(piece, from);
      const t = piece[from]!;
      const r = this.piece.length;
      this.runsRead++;
      this.piece.push(piece);
      this.at.push(from);
      this.end.push(to);
      this.effective.push(effectiveValue(t.priority, t.enteredQueueAt, t.dueAt, now, policy));
      heap.push(r);
      siftUp(heap, heap.length - 1, this.before);
      from = to;
    }
  }

  private taskOf(r: number): RoutingTask {
    return this.piece[r]![this.at[r]!]!;
  }

  /** Run `r`'s next task comes before every task of unread piece `u` (the heap's top: then before every unread task). */
  private beats(r: number, u: Unread): boolean {
    const e = this.effective[r]!;
    if (e !== u.bound) return e > u.bound;
    const t = this.taskOf(r);
    const due = t.dueAt ?? Infinity;
    if (due !== u.minDue) return due < u.minDue;
    return t.enteredQueueAt < u.minEntered;
  }

  /** Run `i`'s next task comes before run `j`'s (compareWaiting over the effective priorities). */
  private readonly before = (i: number, j: number): boolean => {
    const pi = this.effective[i]!;
    const pj = this.effective[j]!;
    if (pi !== pj) return pi > pj;
    return compareTies(this.taskOf(i), this.taskOf(j)) < 0;
  };
}

/**
 * Where the run that starts at `from` ends: the tasks after it of the same base priority, each due
 * no earlier and entered no earlier than the one before it (and, both equal, of a later id). Along
 * such a run aging and urgency can only fall, so each task's effective priority is at most the one
 * before it, and with equal priorities the ties go in run order: the run comes off in its own order,
 * and only its next task needs a place in the heap.
 */
function runEnd(piece: readonly RoutingTask[], from: number): number {
  let prev = piece[from]!;
  let i = from + 1;
  for (; i < piece.length; i++) {
    const t = piece[i]!;
    if (t.priority !== prev.priority || t.enteredQueueAt < prev.enteredQueueAt) break;
    const due = t.dueAt ?? Infinity;
    const prevDue = prev.dueAt ?? Infinity;
    if (due < prevDue || (due === prevDue && t.enteredQueueAt === prev.enteredQueueAt && t.id <= prev.id)) break;
    prev = t;
  }
  return i;
}
