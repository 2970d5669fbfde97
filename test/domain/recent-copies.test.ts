import { describe, expect, it } from 'vitest';
import { RecentCopies } from '../../src/ledger/recent-copies.js';

interface Copy {
  id: string;
  version: number;
}

const copies = (entriesMax: number) => new RecentCopies<Copy>(entriesMax, (c) => c.id, (c) => BigInt(c.version));

describe('recent copies', () => {
  it('stays bounded and keeps the most recently used copies', () => {
    const recent = copies(100);
    for (let i = 0; i < 1_000; i++) {
      recent.remember({ id: `o${i}`, version: 1 });
      // o0 is read after every insert, so it is never the oldest.
      expect(recent.get('o0')).toEqual({ id: 'o0', version: 1 });
    }
    const kept = Array.from({ length: 1_000 }, (_, i) => `o${i}`).filter((id) => recent.get(id) !== undefined);
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept.length).toBeGreaterThanOrEqual(90);
    expect(kept).toContain('o0');
    expect(kept).toContain('o999');
    expect(kept).not.toContain('o1');
    // What is kept is the newest: every id from the oldest kept one on (o0 apart).
    const first = Number(kept.filter((id) => id !== 'o0')[0]!.slice(1));
    expect(kept.filter((id) => id !== 'o0')).toEqual(Array.from({ length: 1_000 - first }, (_, i) => `o${first + i}`));
  });

  it('never puts an older version back over a newer one, and forgets on request', () => {
    const recent = copies(10);
    recent.remember({ id: 'a', version: 3 });
    recent.remember({ id: 'a', version: 2 });
    expect(recent.get('a')?.version).toBe(3);
    recent.remember({ id: 'a', version: 4 });
    expect(recent.get('a')?.version).toBe(4);
    recent.forget('a');
    expect(recent.get('a')).toBeUndefined();
  });
});
