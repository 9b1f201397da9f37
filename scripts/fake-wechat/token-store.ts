/** Access tokens as issued by /cgi-bin/stable_token, and their verification by the other endpoints. */
import { failure, Outcome, success, WechatErrcode, wxError } from './errors';
import { randomAccessToken } from './identity';

interface TokenRecord {
  appId: string;
  value: string;
  expiresAt: number;
  revoked: boolean;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

const FORCE_REFRESH_MIN_GAP_MS = 30_000;
const FORCE_REFRESH_PER_DAY = 20;
const DAY_MS = 86_400_000;

export class TokenStore {
  private readonly current = new Map<string, TokenRecord>();
  private readonly byValue = new Map<string, TokenRecord>();
  private readonly forcedAt = new Map<string, number[]>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number,
  ) {}

  /**
   * Normal mode returns the app's current token while it is valid (with its remaining lifetime);
   * force mode mints a new one and revokes the old, at most 20 times a day and 30 s apart.
   */
  stable(appId: string, forceRefresh: boolean): Outcome<IssuedToken> {
    const now = this.clock();
    const existing = this.current.get(appId);
    if (!forceRefresh && existing && existing.expiresAt - now >= 1000) {
      return success(this.describe(existing, now));
    }
    if (forceRefresh) {
      const recent = (this.forcedAt.get(appId) ?? []).filter((at) => now - at < DAY_MS);
      const last = recent[recent.length - 1];
      if ((last !== undefined && now - last < FORCE_REFRESH_MIN_GAP_MS) || recent.length >= FORCE_REFRESH_PER_DAY) {
        this.forcedAt.set(appId, recent);
        return failure(wxError(WechatErrcode.DAILY_QUOTA_REACHED));
      }
      recent.push(now);
      this.forcedAt.set(appId, recent);
      if (existing) existing.revoked = true;
    }
    const minted: TokenRecord = { appId, value: randomAccessToken(), expiresAt: now + this.ttlMs, revoked: false };
    this.current.set(appId, minted);
    this.byValue.set(minted.value, minted);
    return success(this.describe(minted, now));
  }

  /** The app a token belongs to: 41001 when missing, 40001 when unknown or revoked, 42001 when expired. */
  verify(token: string | null): Outcome<string> {
    if (!token) return failure(wxError(WechatErrcode.ACCESS_TOKEN_MISSING));
    const record = this.byValue.get(token);
    if (!record || record.revoked) return failure(wxError(WechatErrcode.INVALID_CREDENTIAL));
    if (record.expiresAt <= this.clock()) return failure(wxError(WechatErrcode.ACCESS_TOKEN_EXPIRED));
    return success(record.appId);
  }

  reset(): void {
    this.current.clear();
    this.byValue.clear();
    this.forcedAt.clear();
  }

  private describe(record: TokenRecord, now: number): IssuedToken {
    return { accessToken: record.value, expiresIn: Math.floor((record.expiresAt - now) / 1000) };
  }
}
