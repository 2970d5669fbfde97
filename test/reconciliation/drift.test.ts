import { expect, it } from 'vitest';
import { describeEachEngine } from '../support/backends.js';
import { type DriftResult, runDriftScript } from '../support/drift.js';

/**
 * The seeded drift simulator (test/support/drift.ts) over many seeds, on every engine. After one
 * reconciliation with every repair, the ledger must equal the venue in every script. More seeds:
 * `FILLBOOK_DRIFT_SEEDS=1000`, or `npm run drift -- 1000`, which prints the pass rate.
 */
const seeds = Number(process.env.FILLBOOK_DRIFT_SEEDS ?? 120);

describeEachEngine('the drift simulator', (h) => {
  it(`the ledger equals the venue after one repairing reconciliation, in each of ${seeds} random scripts`, async () => {
    const failed: DriftResult[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const result = await runDriftScript(h().ledger, seed);
      if (result.failures.length > 0) failed.push(result);
    }
    // Show the first few failing scripts whole: a seed replays exactly.
    expect(failed.slice(0, 3).map((r) => ({ seed: r.seed, steps: r.steps, failures: r.failures }))).toEqual([]);
  }, 900_000);
});
