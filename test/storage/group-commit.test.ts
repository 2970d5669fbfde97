import { expect, it } from 'vitest';
import { GroupCommit } from '../../src/ledger/group-commit.js';

it('batches what arrives while a batch is in flight, per key, and retries a failed batch item by item', async () => {
  const batches: number[][] = [];
  const singles: number[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const commits = new GroupCommit<number, string>(
    async (_key, items) => {
      batches.push(items);
      if (items.includes(13)) throw new Error('the whole batch failed');
      return items.map((i) => `batched ${i}`);
    },
    async (_key, item) => {
      singles.push(item);
      if (item === 0) await gate; // holds the first transaction open while others queue
      if (item === 13) throw new Error('13 is refused');
      return `alone ${item}`;
    },
    3,
  );
  const first = commits.submit('a', 0);
  const queued = [1, 2, 3, 4, 13].map((i) => commits.submit('a', i).catch((e: Error) => e.message));
  const other = commits.submit('b', 7); // another account does not wait for 'a'
  expect(await other).toBe('alone 7');
  release();
  expect(await first).toBe('alone 0');
  expect(await Promise.all(queued)).toEqual(['batched 1', 'batched 2', 'batched 3', 'alone 4', '13 is refused']);
  expect(batches).toEqual([[1, 2, 3], [4, 13]]);
  expect(singles).toEqual([0, 7, 4, 13]);
});
