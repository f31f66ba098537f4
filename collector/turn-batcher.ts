/**
 * Collects what arrives during one turn of the event loop and hands it over at once, in
 * arrival order: the batches of group commit (docs/design.md §9). `flush` hands over early.
 */
export class TurnBatcher<T> {
  private items: T[] = [];
  private scheduled = false;

  constructor(private readonly handle: (items: T[]) => void) {}

  push(item: T): void {
    this.items.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Drops what is waiting, for a receiver that is gone. */
  clear(): void {
    this.items = [];
  }

  flush(): void {
    this.scheduled = false;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.handle(items);
  }
}
