import type { Clock } from '@memberloop/shared';

export interface FetchedToken {
  token: string;
  expiresInSeconds: number;
}

/**
 * Keeps one access token, refreshes it ahead of expiry, and lets concurrent callers share one refresh.
 * WeChat caps forced refreshes (≤ 20 a day, ≥ 30 s apart), so an invalidation within 30 s of the last
 * forced refresh reuses the token already held instead of forcing again.
 */
export class AccessTokenCache {
  private current: { token: string; refreshAt: number } | null = null;
  private inFlight: Promise<string> | null = null;
  private lastForcedAt = -Infinity;

  constructor(
    private readonly fetchToken: (forceRefresh: boolean) => Promise<FetchedToken>,
    private readonly clock: Clock,
    /** refresh this long before WeChat's expiry, so a token is never used in its last minutes */
    private readonly marginSeconds = 300,
  ) {}

  async get(): Promise<string> {
    const now = this.clock.now().getTime();
    if (this.current && now < this.current.refreshAt) return this.current.token;
    return this.refresh(false);
  }

  /** The token was rejected (40001/42001): get a new one, once, however many callers saw the rejection. */
  async invalidate(rejectedToken: string): Promise<string> {
    if (this.current && this.current.token !== rejectedToken) return this.current.token;
    if (this.inFlight) return this.inFlight;
    const now = this.clock.now().getTime();
    const force = now - this.lastForcedAt >= 30_000;
    if (force) this.lastForcedAt = now;
    this.current = null;
    return this.refresh(force);
  }

  private refresh(forceRefresh: boolean): Promise<string> {
    if (!this.inFlight) {
      this.inFlight = (async () => {
        try {
          const { token, expiresInSeconds } = await this.fetchToken(forceRefresh);
          const lifetime = Math.max(1, expiresInSeconds - Math.min(this.marginSeconds, expiresInSeconds / 2));
          this.current = { token, refreshAt: this.clock.now().getTime() + lifetime * 1000 };
          return token;
        } finally {
          this.inFlight = null;
        }
      })();
    }
    return this.inFlight;
  }
}
