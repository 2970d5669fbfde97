/**
 * A Fillbook process that dies (SIGKILL) in the middle of a history import, for the crash tests.
 * Usage: tsx import-crash-worker.ts <storage JSON> <accountId> <since> <afterPage|midFills>
 * `afterPage`: just after the first page is committed; `midFills`: after the second fill is recorded,
 * before its page is committed (so the page is redone on resume).
 */
import { Ledger } from '../../src/ledger/index.js';
import { FillbookService } from '../../src/service/index.js';

const [storage, accountId, since, point] = process.argv.slice(2) as [string, string, string, 'afterPage' | 'midFills'];
const ledger = await Ledger.open(JSON.parse(storage) as { databaseUrl?: string; dataDir?: string });
const die = () => {
  process.kill(process.pid, 'SIGKILL');
};
let recorded = 0;
if (point === 'midFills') {
  ledger.observe({
    fillIngested: (outcome) => {
      if (outcome === 'recorded' && ++recorded === 2) die();
    },
  });
}
const service = new FillbookService(ledger);
const { done } = await service.imports.start({ accountId, since, startedBy: 'crash-test' }, { afterPage: point === 'afterPage' ? die : undefined });
await done;
console.log('the fault point was never reached');
process.exit(3);
