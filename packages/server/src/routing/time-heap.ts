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
    const h = this.h;
    h.push({ at, item });
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= h[i]!.at) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  pop(): { at: number; item: T } | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || !last) return top;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.at < h[m]!.at) m = l;
      if (r < h.length && h[r]!.at < h[m]!.at) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
    return top;
  }
}
