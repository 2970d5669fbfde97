/**
 * A Fillbook process that dies (SIGKILL) at a submission fault point, for the crash tests.
 * Usage: tsx crash-worker.ts <storage JSON> <accountId> <afterWriteAhead|afterVenueAck> <clientOrderId>
 */
import { Ledger } from '../../src/ledger/index.js';
import { trading } from './trading.js';

const [storage, accountId, point, clientOrderId] = process.argv.slice(2) as [string, string, 'afterWriteAhead' | 'afterVenueAck', string];
const ledger = await Ledger.open(JSON.parse(storage) as { databaseUrl?: string; dataDir?: string });
const die = () => {
  process.kill(process.pid, 'SIGKILL');
};
const stack = trading(ledger, { faults: { [point]: die } });
await stack.router.placeOrder({ accountId, clientOrderId, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '5', limitPrice: '101' });
console.log('the fault point was never reached');
process.exit(3);
