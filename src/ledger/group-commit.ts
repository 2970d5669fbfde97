/**
 * Group commit: work submitted for one key (an account) while a transaction for that key is in
 * flight waits and then goes into the next transaction together, up to `batchMax` items. Each caller
 * is answered only after the transaction holding its item committed, so an acknowledgement still
 * means "durable". A batch that fails as a whole is retried item by item, so one bad item never
 * fails the others. This only batches this process's own work; correctness never depends on it.
 */
export class GroupCommit<Item, Result> {
  private readonly queues = new Map<string, { item: Item; resolve: (r: Result) => void; reject: (e: unknown) => void }[]>();

  constructor(
    private readonly runBatch: (key: string, items: Item[]) => Promise<Result[]>,
    private readonly runOne: (key: string, item: Item) => Promise<Result>,
    private readonly batchMax: number,
  ) {}

  submit(key: string, item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue !== undefined) {
        queue.push({ item, resolve, reject });
        return;
      }
      this.queues.set(key, [{ item, resolve, reject }]);
      void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(key)!;
      if (queue.length === 0) {
        this.queues.delete(key);
        return;
      }
      const batch = queue.splice(0, this.batchMax);
      if (batch.length === 1) {
        await this.runOne(key, batch[0]!.item).then(batch[0]!.resolve, batch[0]!.reject);
        continue;
      }
      try {
        const results = await this.runBatch(key, batch.map((e) => e.item));
        batch.forEach((e, i) => e.resolve(results[i]!));
      } catch {
        for (const e of batch) await this.runOne(key, e.item).then(e.resolve, e.reject);
      }
    }
  }
}
