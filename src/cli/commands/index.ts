import type { Command } from 'commander';
import { registerAlertCommands } from './alerts.js';
import { registerExportCommand } from './export-command.js';
import { registerLedgerCommands } from './ledger-commands.js';
import { databaseUrlEnv } from './storage.js';

/** The commands that read the ledger: accounts, orders and exports. */
export function registerCommands(program: Command): void {
  registerLedgerCommands(program);
  registerExportCommand(program);
  registerAlertCommands(program);
  program.addHelpText(
    'after',
    `\nStorage: every command uses the PostgreSQL server named by ${databaseUrlEnv} (postgres://user@host:5432/db)\nwhen it is set, else the embedded database in --data-dir (default .fillbook/data).`,
  );
}
