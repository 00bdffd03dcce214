/**
 * Binary-heap moves on an array, by `first(a, b)`: a comes out before b. The round's merge of lines
 * (`decide.ts`), an aging line's cursor (`cursors.ts`) and the server's timers keep their heaps with these.
 */
export function siftUp<T>(h: T[], from: number, first: (a: T, b: T) => boolean): void {
  for (let i = from; i > 0; ) {
    const p = (i - 1) >> 1;
    if (!first(h[i]!, h[p]!)) return;
    const x = h[i]!;
    h[i] = h[p]!;
    h[p] = x;
    i = p;
  }
}

export function siftDown<T>(h: T[], from: number, first: (a: T, b: T) => boolean): void {
  const n = h.length;
  let i = from;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < n && first(h[l]!, h[m]!)) m = l;
    if (r < n && first(h[r]!, h[m]!)) m = r;
    if (m === i) return;
    const x = h[i]!;
    h[i] = h[m]!;
    h[m] = x;
    i = m;
  }
}
