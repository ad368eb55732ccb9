/**
 * An async iterator fed by `push`, live from its creation (a value pushed before anyone asks for it waits in order);
 * `return` ends it at once, also while a `next` is waiting, and runs `ended` once. An async generator would queue a
 * `return` behind the waiting `next`, so a client that unsubscribes from a quiet stream would never be let go.
 */
export class LiveStream<T> implements AsyncIterableIterator<T> {
  private readonly buffered: T[] = [];
  private waiting?: (result: IteratorResult<T>) => void;
  private done = false;

  constructor(private readonly ended: () => void) {}

  push(value: T): void {
    if (this.done) return;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting({ value, done: false });
    else this.buffered.push(value);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffered.length > 0) return Promise.resolve({ value: this.buffered.shift() as T, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.buffered.length = 0;
      this.waiting?.({ value: undefined, done: true });
      this.waiting = undefined;
      this.ended();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
