/**
 * A binary min-heap of integers (job positions) ordered by a caller-supplied `before(a, b)`:
 * true when `a` must come out before `b`. The order must be total for output to be deterministic.
 */
export class IntHeap {
  private readonly items: number[] = [];

  constructor(private readonly before: (a: number, b: number) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  /** The first item, or -1 when empty. */
  peek(): number {
    return this.items.length === 0 ? -1 : this.items[0]!;
  }

  push(value: number): void {
    const items = this.items;
    let i = items.length;
    items.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!this.before(value, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = value;
  }

  /** Removes and returns the first item, or -1 when empty. */
  pop(): number {
    const items = this.items;
    if (items.length === 0) return -1;
    const top = items[0]!;
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        let child = left;
        if (right < n && this.before(items[right]!, items[left]!)) child = right;
        if (!this.before(items[child]!, last)) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}
