/**
 * Natural micro-batching: jobs that arrive while the engine is busy are run together in the next pass (up to
 * `maxBatch` items), so concurrent requests share forward passes, and an idle engine starts at once (no waiting
 * window). Jobs whose AbortSignal fired before their turn are dropped without running.
 */
export interface BatchJob<I, O> {
  items: I[];
  signal?: AbortSignal;
  resolve: (out: O[]) => void;
  reject: (err: unknown) => void;
}

export class MicroBatcher<I, O> {
  private queue: BatchJob<I, O>[] = [];
  private running = false;
  /** passes run and items processed, for benchmarks and tests */
  readonly stats = { passes: 0, items: 0, maxItemsInPass: 0 };

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly maxBatch: number,
  ) {}

  submit(items: I[], signal?: AbortSignal): Promise<O[]> {
    if (signal?.aborted) return Promise.reject(abortError());
    return new Promise<O[]>((resolve, reject) => {
      this.queue.push({ items, signal, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain() {
    this.running = true;
    try {
      while (this.queue.length) {
        const batch: BatchJob<I, O>[] = [];
        let size = 0;
        while (this.queue.length) {
          const next = this.queue[0];
          if (next.signal?.aborted) {
            this.queue.shift();
            next.reject(abortError());
            continue;
          }
          if (size > 0 && size + next.items.length > this.maxBatch) break;
          batch.push(next);
          size += next.items.length;
          this.queue.shift();
        }
        if (!batch.length) continue;
        this.stats.passes++;
        this.stats.items += size;
        this.stats.maxItemsInPass = Math.max(this.stats.maxItemsInPass, size);
        try {
          const out = await this.run(batch.flatMap((j) => j.items));
          let off = 0;
          for (const j of batch) {
            j.resolve(out.slice(off, off + j.items.length));
            off += j.items.length;
          }
        } catch (err) {
          for (const j of batch) j.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

function abortError(): Error {
  const e = new Error("The request was cancelled.");
  e.name = "AbortError";
  return e;
}
