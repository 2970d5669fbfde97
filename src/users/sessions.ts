import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../storage/index.js';
import type { User, Users } from './users.js';

/** A session lasts this long after sign-in. */
export const sessionTtlMs = 12 * 3_600_000;
export const sessionCookieName = 'fillbook_session';
export const csrfHeaderName = 'x-csrf-token';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface Session {
  user: User;
  csrfToken: string;
}

/** Dashboard sessions: a random token in an HttpOnly cookie, stored hashed, with its CSRF token. */
export class Sessions {
  constructor(
    private readonly db: Database,
    private readonly users: Users,
  ) {}

  async signIn(name: string, password: string): Promise<{ token: string; session: Session } | undefined> {
    const user = await this.users.verifyPassword(name, password);
    if (user === undefined) return undefined;
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.db.query('insert into sessions (session_hash, user_id, csrf_token, created_at, expires_at) values ($1, $2, $3, $4, $5)', [
      sha256(token), user.id, csrfToken, new Date(now).toISOString(), new Date(now + sessionTtlMs).toISOString(),
    ]);
    return { token, session: { user, csrfToken } };
  }

  async find(token: string): Promise<Session | undefined> {
    const rows = await this.db.query<{ user_id: string; csrf_token: string }>('select user_id, csrf_token from sessions where session_hash = $1 and expires_at > now()', [sha256(token)]);
    const row = rows[0];
    if (row === undefined) return undefined;
    return { user: await this.users.get(row.user_id), csrfToken: row.csrf_token };
  }

  async signOut(token: string): Promise<void> {
    await this.db.query('delete from sessions where session_hash = $1', [sha256(token)]);
  }
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}
