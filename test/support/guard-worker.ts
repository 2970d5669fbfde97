/**
 * One of several processes racing to enter the same position: opens its own ledger on the server
 * given in argv, fires `requests` concurrent entry orders, prints how many were accepted.
 * Usage: tsx guard-worker.ts <databaseUrl> <accountId> <positionId> <requests>
 */
import { isFillbookError } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';

const [databaseUrl, accountId, positionId, requests] = process.argv.slice(2) as [string, string, string, string];
const ledger = await Ledger.open({ databaseUrl, poolSize: 8 });
const results = await Promise.allSettled(
  Array.from({ length: Number(requests) }, () =>
    ledger.recordOrder({ accountId, positionId, role: 'entry', symbol: 'AAPL', side: 'buy', type: 'market', quantity: '10' }),
  ),
);
const accepted = results.filter((r) => r.status === 'fulfilled').length;
const refused = results.filter((r) => r.status === 'rejected' && isFillbookError(r.reason, 'FILLBOOK_ERR_EXPOSURE_EXCEEDED')).length;
console.log(JSON.stringify({ accepted, refused, other: results.length - accepted - refused }));
await ledger.close();
