/**
 * Ready steps, taken highest `tags.priority` first and, among equals, in the order they
 * became ready. Without priorities it is a plain FIFO (no heap cost).
 */
export class ReadyQueue<T extends { readonly priority: number }> {
  private items: T[] = [];
  private head = 0;
  private seqs: number[] = [];
  private seq = 0;

  private readonly prioritized: boolean;

  constructor(prioritized: boolean) {
    this.prioritized = prioritized;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    if (!this.prioritized) {
      this.items.push(item);
      return;
    }
    this.items.push(item);
    this.seqs.push(this.seq++);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    if (!this.prioritized) {
      if (this.head >= this.items.length) return undefined;
      const item = this.items[this.head]!;
      this.items[this.head++] = undefined as never;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return item;
    }
    const top = this.items[0];
    const last = this.items.pop()!;
    const lastSeq = this.seqs.pop()!;
    if (this.items.length > 0) {
      this.items[0] = last;
      this.seqs[0] = lastSeq;
      this.down(0);
    }
    return top;
  }

  /** Removes and returns everything left. */
  drain(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.seqs = [];
    this.head = 0;
    return rest;
  }

  private before(i: number, j: number): boolean {
    const a = this.items[i]!.priority;
    const b = this.items[j]!.priority;
    return a > b || (a === b && this.seqs[i]! < this.seqs[j]!);
  }

  private swap(i: number, j: number): void {
    [this.items[i], this.items[j]] = [this.items[j]!, this.items[i]!];
    [this.seqs[i], this.seqs[j]] = [this.seqs[j]!, this.seqs[i]!];
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && this.before(l, best)) best = l;
      if (r < n && this.before(r, best)) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }
}
