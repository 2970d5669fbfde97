import { startDashboard } from './seed.js';

/**
 * The dashboard over a seeded in-memory ledger, for a look by hand:
 *   npx vite build --config dashboard/vite.config.ts && npx tsx test/dashboard/demo-server.ts [port]
 * Sign in as alice / alice-password-1 (or bob / bob-password-22). Nothing is kept after Ctrl-C.
 */
const port = Number(process.argv[2] ?? process.env.PORT ?? 7878);
const dashboard = await startDashboard({ port });
console.log(`Fillbook dashboard demo at ${dashboard.base}`);
console.log(`  sign in as ${dashboard.alice.name} / ${dashboard.alice.password}  or  ${dashboard.bob.name} / ${dashboard.bob.password}`);
console.log(`  alice's paper account ${dashboard.accounts.paper}; her API key ${dashboard.alice.key}`);
const stop = () => {
  dashboard.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
