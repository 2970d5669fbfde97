import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { FillbookError, invalid } from '../domain/index.js';
import {
  type ApiKeyRecord,
  type Database,
  insertApiKey,
  insertUser,
  revokeApiKey,
  selectApiKey,
  selectApiKeys,
  selectUser,
  updateUserPassword,
  type UserRecord,
} from '../storage/index.js';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** API keys read `fbk_<key id without dashes>_<secret>`; the secret is 32 random bytes. */
const apiKeyPattern = /^fbk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;
export const passwordCharsMin = 10;
export const passwordCharsMax = 200;
const scryptKeyBytes = 32;

export type User = Omit<UserRecord, 'passwordHash'>;
export type ApiKeyInfo = Omit<ApiKeyRecord, 'secretHash'>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const toUuid = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
const publicUser = ({ passwordHash: _p, ...user }: UserRecord): User => user;
const publicKey = ({ secretHash: _s, ...key }: ApiKeyRecord): ApiKeyInfo => key;

/** Users, their API keys (stored hashed, shown once) and their dashboard passwords (scrypt). */
export class Users {
  constructor(private readonly db: Database) {}

  async create(name: string): Promise<{ user: User; apiKey: string }> {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.@-]{1,64}$/.test(name)) throw invalid('name', 'must be 1 to 64 letters, digits or _ . @ -');
    const user: UserRecord = { id: crypto.randomUUID(), name, passwordHash: null, createdAt: new Date().toISOString() };
    if (!(await insertUser(this.db, user))) {
      throw new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `a user named ${name} already exists`, { field: 'name' });
    }
    const { apiKey } = await this.createKey(user.id, 'initial');
    return { user: publicUser(user), apiKey };
  }

  async isEmpty(): Promise<boolean> {
    return (await this.db.query('select 1 from users limit 1')).length === 0;
  }

  async get(nameOrId: string): Promise<User> {
    const found = /^[0-9a-f-]{36}$/.test(nameOrId) ? await selectUser(this.db, 'user_id', nameOrId) : await selectUser(this.db, 'name', nameOrId);
    if (found === undefined) throw new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `no user named ${nameOrId}`, { field: 'user' });
    return publicUser(found);
  }

  /** Makes a key; the returned string is the only time it is ever shown. */
  async createKey(userId: string, label: string | null = null): Promise<{ key: ApiKeyInfo; apiKey: string }> {
    const secret = randomBytes(32).toString('base64url');
    const record: ApiKeyRecord = { id: crypto.randomUUID(), userId, secretHash: sha256(secret), label, createdAt: new Date().toISOString(), lastUsedAt: null, revokedAt: null };
    await insertApiKey(this.db, record);
    return { key: publicKey(record), apiKey: `fbk_${record.id.replaceAll('-', '')}_${secret}` };
  }

  async listKeys(userId: string): Promise<ApiKeyInfo[]> {
    return (await selectApiKeys(this.db, userId)).map(publicKey);
  }

  async revokeKey(keyId: string): Promise<boolean> {
    return revokeApiKey(this.db, keyId, new Date().toISOString());
  }

  /** The user an API key belongs to, or undefined for a malformed, unknown or revoked key. */
  async authenticate(apiKey: string): Promise<User | undefined> {
    const match = apiKeyPattern.exec(apiKey);
    if (match === null) return undefined;
    const record = await selectApiKey(this.db, toUuid(match[1]!));
    if (record === undefined || record.revokedAt !== null) return undefined;
    const expected = Buffer.from(record.secretHash, 'hex');
    const given = Buffer.from(sha256(match[2]!), 'hex');
    if (!timingSafeEqual(expected, given)) return undefined;
    const user = await selectUser(this.db, 'user_id', record.userId);
    return user === undefined ? undefined : publicUser(user);
  }

  async setPassword(userId: string, password: string): Promise<void> {
    if (typeof password !== 'string' || password.length < passwordCharsMin || password.length > passwordCharsMax) {
      throw invalid('password', `must be ${passwordCharsMin} to ${passwordCharsMax} characters`);
    }
    const salt = randomBytes(16);
    const hash = await scryptAsync(password, salt, scryptKeyBytes);
    await updateUserPassword(this.db, userId, `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`);
  }

  /** The user for a name and password, or undefined; always spends the same work on a miss. */
  async verifyPassword(name: string, password: string): Promise<User | undefined> {
    const record = await selectUser(this.db, 'name', name);
    const [, salt, hash] = (record?.passwordHash ?? 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$').split('$');
    const actual = await scryptAsync(password, Buffer.from(salt ?? '', 'base64url'), scryptKeyBytes);
    const expected = Buffer.from(hash ?? '', 'base64url');
    if (record?.passwordHash == null || expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    return publicUser(record);
  }
}
