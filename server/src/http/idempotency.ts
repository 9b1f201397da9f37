import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/client';
import { withTransaction, type Tx } from '../db/transaction';
import { idempotencyKeys } from './idempotency.tables';
import { and, eq } from 'drizzle-orm';
import type { RequestContext } from './auth';
import { AppError } from './errors';

/** An `Idempotency-Key` with what it was sent for: scoped to the brand and the caller. */
export interface IdempotencyKey {
  brandId: string;
  caller: string;
  key: string;
  requestHash: string;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** JSON with keys in a fixed order, so the same body always hashes the same. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** The request's Idempotency-Key, or null when it sent none. Needs request.context (an authenticated route). */
export function idempotencyKeyOf(request: FastifyRequest): IdempotencyKey | null {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return null;
  const key = Array.isArray(header) ? header[0] : header;
  if (!key || !KEY_PATTERN.test(key)) throw new AppError('IDEMPOTENCY_KEY_INVALID');
  const context: RequestContext | undefined = request.context;
  if (!context) throw new AppError('UNAUTHENTICATED');
  const caller = context.actor.type === 'staff' ? `staff:${context.actor.staffId}` : `member:${context.actor.memberId}`;
  const requestHash = createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${canonical(request.params)}\n${canonical(request.body)}`)
    .digest('base64url');
  return { brandId: context.brandId, caller, key, requestHash };
}

/**
 * Runs value-moving work in one transaction, at most once per idempotency key.
 * The key row is inserted first in the same transaction: a concurrent repeat waits on it and then
 * reads the stored response; a failed first attempt rolls the key back, so a retry runs afresh.
 * Without a key it is a plain transaction.
 */
export async function runOnce<T>(db: Db, key: IdempotencyKey | null, work: (tx: Tx) => Promise<T>, now: Date = new Date()): Promise<T> {
  if (!key) return withTransaction(db, work);
  return withTransaction(db, async (tx) => {
    const inserted = await tx
      .insert(idempotencyKeys)
      .values({ ...key, responseStatus: 0, responseBody: null, createdAt: now })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length === 0) {
      const [stored] = await tx
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.brandId, key.brandId), eq(idempotencyKeys.caller, key.caller), eq(idempotencyKeys.key, key.key)));
      if (!stored || stored.requestHash !== key.requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      return stored.responseBody as T;
    }
    const result = await work(tx);
    await tx
      .update(idempotencyKeys)
      .set({ responseStatus: 200, responseBody: (result ?? null) as object })
      .where(and(eq(idempotencyKeys.brandId, key.brandId), eq(idempotencyKeys.caller, key.caller), eq(idempotencyKeys.key, key.key)));
    return result;
  });
}
