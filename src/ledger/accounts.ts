/** Accounts: creating them, their observe-only and fail-closed switches, and reading them. */
import { randomBytes } from 'node:crypto';
import { invalid, isVenueName, requireText, requireUuid } from '../domain/index.js';
import { type AccountRecord, type Database, insertAccount, selectAccount, selectAccounts, updateAccountSwitches } from '../storage/index.js';
import { accountNotFound } from './addressing.js';

export type Account = AccountRecord;

export interface CreateAccountInput {
  name: string;
  /** The owning user (the HTTP service always sets it). */
  userId?: string | null;
  venue?: string;
  baseCurrency?: string;
  venueConfig?: Record<string, unknown>;
  /** Read-only toward the venue (default false): Fillbook never places or cancels there. */
  observeOnly?: boolean;
  /** Refuse new entries while reconciliation says the ledger may be wrong (default true). */
  failClosed?: boolean;
}

export interface AccountSwitches {
  observeOnly?: boolean;
  failClosed?: boolean;
}

export class Accounts {
  constructor(
    private readonly db: Database,
    private readonly now: () => string,
  ) {}

  async create(input: CreateAccountInput): Promise<Account> {
    const venue = input.venue ?? 'paper';
    if (!isVenueName(venue)) throw invalid('venue', `must be paper, alpaca, tradier, tastytrade, manual or ccxt:<exchange>; got ${JSON.stringify(venue)}`);
    const baseCurrency = input.baseCurrency ?? 'USD';
    if (!/^[A-Z0-9]{2,10}$/.test(baseCurrency)) throw invalid('base_currency', 'must be an upper-case currency code such as USD');
    const account: Account = {
      id: crypto.randomUUID(),
      userId: input.userId ?? null,
      name: requireText(input.name, 'name', 200),
      venue,
      baseCurrency,
      venueConfig: input.venueConfig ?? {},
      webhookSecret: `whsec_${randomBytes(32).toString('base64url')}`,
      createdAt: this.now(),
      observeOnly: input.observeOnly ?? false,
      failClosed: input.failClosed ?? true,
      halt: null,
    };
    await insertAccount(this.db, account);
    return account;
  }

  async get(accountId: string): Promise<Account> {
    const account = await selectAccount(this.db, requireUuid(accountId, 'account_id'));
    if (account === undefined) throw accountNotFound(accountId);
    return account;
  }

  async update(accountId: string, switches: AccountSwitches): Promise<Account> {
    if (!(await updateAccountSwitches(this.db, requireUuid(accountId, 'account_id'), switches))) throw accountNotFound(accountId);
    return this.get(accountId);
  }

  async list(userId?: string): Promise<Account[]> {
    return selectAccounts(this.db, userId === undefined ? undefined : requireUuid(userId, 'user_id'));
  }
}
