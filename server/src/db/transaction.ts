import type { Db } from './client';

/** A transaction; it is also a `Db`, so repository functions typed `Db` accept either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface TransactionOptions {
  isolationLevel?: 'read committed' | 'repeatable read' | 'serializable';
  /** retries after a serialization failure or deadlock; the work must be safe to run again */
  retries?: number;
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/**
 * Runs `work` in one database transaction: services call this, repositories take the `tx` it gives.
 * A serialization failure or deadlock (SQLSTATE 40001/40P01) reruns the whole transaction.
 */
export async function withTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(work, options.isolationLevel ? { isolationLevel: options.isolationLevel } : undefined);
    } catch (error) {
      if (attempt >= retries || !RETRYABLE_SQLSTATES.has(sqlState(error) ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt + Math.random() * 10));
    }
  }
}

/** The SQLSTATE of a database error, from node-postgres or PGlite, also when Drizzle wrapped it. */
export function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The constraint a unique or foreign-key violation names, when the driver tells. */
export function violatedConstraint(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const constraint = (current as { constraint?: unknown }).constraint;
    if (typeof constraint === 'string') return constraint;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export const isUniqueViolation = (error: unknown, constraint?: string) =>
  sqlState(error) === '23505' && (constraint === undefined || violatedConstraint(error) === constraint);
