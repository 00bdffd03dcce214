import { siftDown, siftUp } from '@worklane/core';

const sooner = (a: { at: number }, b: { at: number }) => a.at < b.at;

/** A binary min-heap of items by due time: "which is next" in O(log n) instead of a scan. */
export class TimeHeap<T> {
  private h: { at: number; item: T }[] = [];

  get size(): number {
    return this.h.length;
  }
  peek(): { at: number; item: T } | undefined {
    return this.h[0];
  }
  clear(): void {
    this.h = [];
  }

  push(at: number, item: T): void {
    this.h.push({ at, item });
    siftUp(this.h, this.h.length - 1, sooner);
  }

  pop(): { at: number; item: T } | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || !last) return top;
    h[0] = last;
    siftDown(h, 0, sooner);
    return top;
  }
}
