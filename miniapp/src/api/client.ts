import type { ConsentBody, MemberLoginBody, MemberLoginResponse, MemberProfile } from '@memberloop/shared';
import type { AppSettings } from './config';
import { ApiError, errorFromResponse, isAuthError } from './errors';
import type { HttpMethod, HttpTransport } from './http';
import type { LoginCodeSource } from './login-code';
import type { TokenStore } from './storage';

export interface ApiClientDeps {
  settings: Pick<AppSettings, 'apiBase' | 'brandCode'>;
  transport: HttpTransport;
  tokens: TokenStore;
  loginCode: LoginCodeSource;
}

export interface ApiClient {
  /**
   * Logs in with a fresh WeChat code and stores the token, with the scanned scene or, without one,
   * the configured brand. `join: true` (the default) joins: only the join page calls it that way,
   * after the shopper ticked 会员协议; the server then creates the member if need be and records
   * the scene. `join: false` only signs in an existing member and rejects with MEMBER_NOT_FOUND
   * for anyone else, creating nothing.
   */
  login(scene?: string, options?: { join?: boolean }): Promise<MemberLoginResponse>;
  /** True when a usable token is stored (no request is made). */
  hasSession(): boolean;
  logout(): void;
  getMe(): Promise<MemberProfile>;
  setMarketingConsent(granted: boolean): Promise<MemberProfile>;
}

/**
 * The one API client of the mini-program. Every failure rejects with an ApiError; member calls
 * sign in first when there is no token, and sign in again once when the token is refused. That
 * implicit sign-in never joins (`join: false`), so a WeChat user who is not a member gets
 * MEMBER_NOT_FOUND instead of becoming one without accepting the membership terms.
 */
export function createApiClient({ settings, transport, tokens, loginCode }: ApiClientDeps): ApiClient {
  async function send<T>(method: HttpMethod, path: string, body: unknown, token: string | null): Promise<T> {
    const header: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) header['Content-Type'] = 'application/json';
    if (token) header.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await transport({ url: `${settings.apiBase}${path}`, method, data: body, header });
    } catch {
      throw new ApiError('NETWORK_ERROR', `${method} ${path} got no response`, 0);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return response.data as T;
    throw errorFromResponse(response.statusCode, response.data);
  }

  async function login(scene?: string, { join = true }: { join?: boolean } = {}): Promise<MemberLoginResponse> {
    const code = await loginCode.getCode();
    const body: MemberLoginBody = scene ? { code, scene, join } : { code, brandCode: settings.brandCode, join };
    const result = await send<MemberLoginResponse>('POST', '/auth/member/login', body, null);
    if (!result || typeof result.token !== 'string') throw new ApiError('BAD_RESPONSE', 'login answered without a token', 200);
    tokens.set(result.token, result.expiresAt);
    return result;
  }

  // Calls that need a token share one implicit sign-in instead of each spending a WeChat code.
  // It signs in only: joining takes the shopper's consent to 会员协议, given on the join page.
  let pendingLogin: Promise<string> | null = null;
  function implicitLogin(): Promise<string> {
    pendingLogin ??= login(undefined, { join: false })
      .then((result) => result.token)
      .finally(() => {
        pendingLogin = null;
      });
    return pendingLogin;
  }

  async function authed<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    const stored = tokens.get();
    const token = stored ?? (await implicitLogin());
    try {
      return await send<T>(method, path, body, token);
    } catch (error) {
      if (!isAuthError(error)) throw error;
      tokens.clear();
      return send<T>(method, path, body, await implicitLogin());
    }
  }

  return {
    login,
    hasSession: () => tokens.get() !== null,
    logout: () => tokens.clear(),
    getMe: () => authed<MemberProfile>('GET', '/members/me'),
    setMarketingConsent: (granted) => {
      const body: ConsentBody = { granted };
      return authed<MemberProfile>('PUT', '/members/me/marketing-consent', body);
    },
  };
}
