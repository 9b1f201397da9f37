/** Single-use, expiring codes bound to one app: wx.login js_codes and phone-button codes. */

interface CodeRecord<T> {
  appId: string;
  payload: T;
  expiresAt: number;
}

const PRUNE_ABOVE = 10_000;

export class OneTimeCodes<T> {
  private readonly codes = new Map<string, CodeRecord<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number,
    private readonly generate: () => string,
  ) {}

  mint(appId: string, payload: T): string {
    if (this.codes.size > PRUNE_ABOVE) this.pruneExpired();
    const code = this.generate();
    this.codes.set(code, { appId, payload, expiresAt: this.clock() + this.ttlMs });
    return code;
  }

  /** The payload of a live code minted for this app, without using it up. */
  peek(appId: string, code: string): T | undefined {
    const record = this.codes.get(code);
    if (!record) return undefined;
    if (record.expiresAt <= this.clock()) {
      this.codes.delete(code);
      return undefined;
    }
    return record.appId === appId ? record.payload : undefined;
  }

  consume(code: string): void {
    this.codes.delete(code);
  }

  reset(): void {
    this.codes.clear();
  }

  private pruneExpired(): void {
    const now = this.clock();
    for (const [code, record] of this.codes) if (record.expiresAt <= now) this.codes.delete(code);
  }
}
