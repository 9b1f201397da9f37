import { ApiError } from './errors';
import { createActionKey, newIdempotencyKey, runKeyed } from './idempotency';

describe('newIdempotencyKey', () => {
  it('is visible ASCII within the server limit, and different each time', () => {
    const a = newIdempotencyKey();
    const b = newIdempotencyKey();
    expect(a).toMatch(/^[\x21-\x7e]{1,200}$/);
    expect(a).toMatch(/^ml-[0-9a-z]+-[0-9a-f]{20}$/);
    expect(a).not.toBe(b);
  });
});

describe('createActionKey', () => {
  let n = 0;
  const keys = () => createActionKey(() => `k${++n}`);
  beforeEach(() => {
    n = 0;
  });

  it('gives the same key for the same request until the attempt settles', () => {
    const action = keys();
    expect(action.keyFor({ amountFen: 100 })).toBe('k1');
    expect(action.keyFor({ amountFen: 100 })).toBe('k1'); // a double tap
    action.settle({ ok: true });
    expect(action.keyFor({ amountFen: 100 })).toBe('k2'); // the next purchase of the same amount
  });

  it('keeps the key after an uncertain failure, so a retry is recorded once', () => {
    const action = keys();
    action.keyFor({ a: 1 });
    action.settle({ ok: false, error: new ApiError('NETWORK_ERROR', 'lost', 0) });
    expect(action.keyFor({ a: 1 })).toBe('k1');
    action.settle({ ok: false, error: new ApiError('INTERNAL', 'boom', 500) });
    expect(action.keyFor({ a: 1 })).toBe('k1');
  });

  it('drops the key after a definite refusal', () => {
    const action = keys();
    action.keyFor({ a: 1 });
    action.settle({ ok: false, error: new ApiError('COUPON_EXPIRED', 'expired', 409) });
    expect(action.keyFor({ a: 1 })).toBe('k2');
  });

  it('makes a new key when the request changed, and after reset', () => {
    const action = keys();
    action.keyFor({ a: 1 });
    expect(action.keyFor({ a: 2 })).toBe('k2');
    action.reset();
    expect(action.keyFor({ a: 2 })).toBe('k3');
  });
});

describe('runKeyed', () => {
  it('sends with the key and settles by the outcome', async () => {
    const action = createActionKey(() => 'same');
    const send = jest.fn(async (key: string) => key);
    await expect(runKeyed(action, { x: 1 }, send)).resolves.toBe('same');
    const failing = jest.fn(async () => {
      throw new ApiError('NETWORK_ERROR', 'lost', 0);
    });
    const seen: string[] = [];
    const next = createActionKey(() => `n${seen.length}`);
    await expect(runKeyed(next, { x: 1 }, async (key) => (seen.push(key), failing()))).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    await runKeyed(next, { x: 1 }, async (key) => seen.push(key));
    expect(seen).toEqual(['n0', 'n0']);
  });
});
