import { isUncertain } from './errors';

function randomHex(bytes: number): string {
  const values = new Uint8Array(bytes);
  if (typeof crypto !== 'undefined' && typeof crypto.getRandomValues === 'function') {
    crypto.getRandomValues(values);
  } else {
    for (let i = 0; i < values.length; i++) values[i] = Math.floor(Math.random() * 256);
  }
  return Array.from(values, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A fresh Idempotency-Key: visible ASCII, well under the server's 200 characters. */
export function newIdempotencyKey(now: number = Date.now()): string {
  return `ml-${now.toString(36)}-${randomHex(10)}`;
}

/**
 * The key of one value-moving action (record a purchase, claim a coupon, exchange an item).
 *
 * `keyFor(request)` hands out the key for what is about to be sent. While an attempt is pending or
 * ended without a certain answer (no response, a 5xx), asking again for the *same* request gives
 * the *same* key, so a double tap or a retry after a lost answer is recorded once. After a success
 * or a definite refusal, or when the request changed, the next call gets a new key.
 */
export interface ActionKey {
  keyFor(request: unknown): string;
  /** Report how the attempt with the current key ended. */
  settle(outcome: { ok: true } | { ok: false; error: unknown }): void;
  /** Forget the key (the form was reset, another member was scanned). */
  reset(): void;
}

export function createActionKey(makeKey: () => string = () => newIdempotencyKey()): ActionKey {
  let current: { key: string; fingerprint: string } | null = null;
  return {
    keyFor(request) {
      const fingerprint = JSON.stringify(request ?? null);
      if (!current || current.fingerprint !== fingerprint) current = { key: makeKey(), fingerprint };
      return current.key;
    },
    settle(outcome) {
      if (outcome.ok || !isUncertain(outcome.error)) current = null;
    },
    reset() {
      current = null;
    },
  };
}

/** Runs `send` with the action's key for `request`, and settles the key by the outcome. */
export async function runKeyed<T>(action: ActionKey, request: unknown, send: (key: string) => Promise<T>): Promise<T> {
  const key = action.keyFor(request);
  try {
    const result = await send(key);
    action.settle({ ok: true });
    return result;
  } catch (error) {
    action.settle({ ok: false, error });
    throw error;
  }
}
