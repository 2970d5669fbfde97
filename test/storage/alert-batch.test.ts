import { expect, it } from 'vitest';
import type { AlertDraft } from '../../src/domain/index.js';
import { queueAlert, queueAlerts } from '../../src/storage/index.js';
import { describeEachEngine } from '../support/backends.js';

const draft = (key: string, n: number): AlertDraft => ({ kind: 'stuck_submission', severity: 'warning', dedupeKey: key, details: { n } });

describeEachEngine('alerts queued in one statement', (h) => {
  it('are queued in their order, once per dedupe key, within the batch and against what was queued before', async () => {
    const account = await h().ledger.createAccount({ name: 'alerts', venue: 'paper', venueConfig: { fillMode: 'manual', latencyMs: 0 } });
    const at = new Date().toISOString();
    expect(await queueAlert(h().db, account.id, draft('k0', 0), at)).not.toBeNull();
    const ids = await queueAlerts(h().db, account.id, [draft('k1', 1), draft('k0', 2), draft('k2', 3), draft('k1', 4)], at);
    expect(ids.map((id) => id !== null)).toEqual([true, false, true, false]);
    const rows = await h().db.query<{ id: string; dedupe_key: string; details: { n: number } }>('select id, dedupe_key, details from alert_outbox where account_id = $1 order by dedupe_key', [account.id]);
    expect(rows.map((r) => [r.dedupe_key, r.details.n])).toEqual([['k0', 0], ['k1', 1], ['k2', 3]]);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set([rows[0]!.id, ids[0], ids[2]]));
    expect(await queueAlerts(h().db, account.id, [], at)).toEqual([]);
  });
});
