import type { FastifyRequest } from 'fastify';
import { FillbookError, isFillbookError } from '../domain/index.js';
import type { Account, Ledger, OrderRef } from '../ledger/index.js';
import type { User, Users } from '../users/index.js';
import { notFound } from './errors.js';

/** How long a verified API key is trusted without asking the database again; revocation takes effect within it. */
export const apiKeyCacheMs = 5_000;
export const apiKeyCacheEntriesMax = 10_000;

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
  }
}

/**
 * Authentication (bearer API keys) and authorization (a user sees only their own accounts). Any
 * resource of another user answers 404, exactly as one that does not exist.
 */
export class Access {
  private readonly keyCache = new Map<string, { user: User; until: number }>();
  /** Ownership never changes once an account exists, so a positive answer is kept. */
  private readonly owned = new Set<string>();

  constructor(
    private readonly users: Users,
    private readonly ledger: Ledger,
  ) {}

  async authenticate(request: FastifyRequest): Promise<User> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (\S{1,200})$/.exec(header) : null;
    if (match === null) throw new FillbookError('FILLBOOK_ERR_UNAUTHORIZED', 'send an API key as "Authorization: Bearer <key>"; create one with `fillbook keys create`', {});
    const key = match[1]!;
    const cached = this.keyCache.get(key);
    if (cached !== undefined && cached.until > Date.now()) return cached.user;
    const user = await this.users.authenticate(key);
    if (user === undefined) throw new FillbookError('FILLBOOK_ERR_UNAUTHORIZED', 'the API key is unknown or revoked', {});
    if (this.keyCache.size >= apiKeyCacheEntriesMax) this.keyCache.clear();
    this.keyCache.set(key, { user, until: Date.now() + apiKeyCacheMs });
    return user;
  }

  user(request: FastifyRequest): User {
    if (request.user === undefined) throw new Error('route reached without authentication');
    return request.user;
  }

  async account(user: User, accountId: string): Promise<Account> {
    const account = await this.ledger.getAccount(accountId).catch((e: unknown) => {
      throw isFillbookError(e, 'FILLBOOK_ERR_ACCOUNT_NOT_FOUND') || isFillbookError(e, 'FILLBOOK_ERR_INVALID_INPUT') ? notFound('account', accountId) : e;
    });
    if (account.userId !== user.id) throw notFound('account', accountId);
    this.owned.add(`${user.id}:${account.id}`);
    return account;
  }

  /** Checks that the account is the user's, from memory when it was seen before. */
  async assertOwns(user: User, accountId: string): Promise<void> {
    if (this.owned.has(`${user.id}:${accountId}`)) return;
    await this.account(user, accountId);
  }

  /** The account of an order reference, checked to be the user's (one light query at most). */
  async orderAccount(user: User, ref: OrderRef): Promise<string> {
    const label = 'orderId' in ref ? ref.orderId : JSON.stringify(ref);
    const accountId =
      'accountId' in ref && ref.accountId !== undefined
        ? ref.accountId
        : await this.ledger.orderAccountId((ref as { orderId: string }).orderId).catch((e: unknown) => {
            if (isFillbookError(e, 'FILLBOOK_ERR_INVALID_INPUT')) return undefined;
            throw e;
          });
    if (accountId === undefined) throw notFound('order', label);
    await this.assertOwns(user, accountId).catch((e: unknown) => {
      throw isFillbookError(e) ? notFound('order', label) : e;
    });
    return accountId;
  }
}
