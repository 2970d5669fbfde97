import type { SqlClient } from './database.js';
import { toIso } from './order-rows.js';

export interface UserRecord {
  id: string;
  name: string;
  passwordHash: string | null;
  createdAt: string;
}

export interface ApiKeyRecord {
  id: string;
  userId: string;
  secretHash: string;
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type Row = Record<string, unknown>;
const userFromRow = (r: Row): UserRecord => ({
  id: r.user_id as string,
  name: r.name as string,
  passwordHash: (r.password_hash as string | null) ?? null,
  createdAt: toIso(r.created_at),
});
const keyFromRow = (r: Row): ApiKeyRecord => ({
  id: r.key_id as string,
  userId: r.user_id as string,
  secretHash: r.secret_hash as string,
  label: (r.label as string | null) ?? null,
  createdAt: toIso(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : toIso(r.last_used_at),
  revokedAt: r.revoked_at === null ? null : toIso(r.revoked_at),
});

export async function insertUser(sql: SqlClient, u: UserRecord): Promise<boolean> {
  const rows = await sql.query('insert into users (user_id, name, password_hash, created_at) values ($1, $2, $3, $4) on conflict (name) do nothing returning user_id', [
    u.id, u.name, u.passwordHash, u.createdAt,
  ]);
  return rows.length === 1;
}

export async function selectUser(sql: SqlClient, by: 'user_id' | 'name', value: string): Promise<UserRecord | undefined> {
  const rows = await sql.query(`select * from users where ${by === 'user_id' ? 'user_id' : 'name'} = $1`, [value]);
  return rows[0] === undefined ? undefined : userFromRow(rows[0]);
}

export async function updateUserPassword(sql: SqlClient, userId: string, passwordHash: string): Promise<void> {
  await sql.query('update users set password_hash = $2 where user_id = $1', [userId, passwordHash]);
}

export async function insertApiKey(sql: SqlClient, k: ApiKeyRecord): Promise<void> {
  await sql.query('insert into api_keys (key_id, user_id, secret_hash, label, created_at) values ($1, $2, $3, $4, $5)', [k.id, k.userId, k.secretHash, k.label, k.createdAt]);
}

export async function selectApiKey(sql: SqlClient, keyId: string): Promise<ApiKeyRecord | undefined> {
  const rows = await sql.query('select * from api_keys where key_id = $1', [keyId]);
  return rows[0] === undefined ? undefined : keyFromRow(rows[0]);
}

export async function selectApiKeys(sql: SqlClient, userId: string): Promise<ApiKeyRecord[]> {
  return (await sql.query('select * from api_keys where user_id = $1 order by created_at', [userId])).map(keyFromRow);
}

export async function revokeApiKey(sql: SqlClient, keyId: string, at: string): Promise<boolean> {
  const rows = await sql.query('update api_keys set revoked_at = $2 where key_id = $1 and revoked_at is null returning key_id', [keyId, at]);
  return rows.length === 1;
}
