import { systemClock, type Clock } from '@memberloop/shared';
import type { FastifyBaseLogger } from 'fastify';
import { AccessTokenCache } from './access-token-cache';
import { TOKEN_ERRCODES, WechatApiError } from './wechat.errors';

export interface WechatClientOptions {
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
  clock?: Clock;
  fetch?: typeof fetch;
  logger?: Pick<FastifyBaseLogger, 'warn' | 'debug'>;
}

export interface WechatSession {
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

export interface WechatPhone {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
}

export interface MiniProgramCodeRequest {
  scene: string;
  page?: string;
  checkPath?: boolean;
  envVersion?: 'release' | 'trial' | 'develop';
  width?: number;
}

export interface SubscribeMessage {
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogramState?: 'developer' | 'trial' | 'formal';
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
}

export interface WechatClient {
  readonly appId: string;
  accessToken(): Promise<string>;
  code2session(jsCode: string): Promise<WechatSession>;
  phoneNumber(code: string): Promise<WechatPhone>;
  miniProgramCode(request: MiniProgramCodeRequest): Promise<{ contentType: string; image: Buffer }>;
  sendSubscribeMessage(message: SubscribeMessage): Promise<{ msgid: string | null }>;
}

type WechatJson = { errcode?: number; errmsg?: string } & Record<string, unknown>;

/** The one client for WeChat's server API; its base URL is configurable so development and tests use the fake. */
export function createWechatClient(options: WechatClientOptions): WechatClient {
  const { baseUrl, appId, appSecret } = options;
  const timeoutMs = options.timeoutMs ?? 5000;
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;

  async function call(endpoint: string, init: { method: 'GET' | 'POST'; query?: Record<string, string>; body?: unknown }): Promise<Response> {
    const url = new URL(baseUrl + endpoint);
    for (const [key, value] of Object.entries(init.query ?? {})) url.searchParams.set(key, value);
    try {
      return await doFetch(url, {
        method: init.method,
        headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (error as Error).message;
      throw new WechatApiError(endpoint, null, reason);
    }
  }

  async function readJson(endpoint: string, response: Response): Promise<WechatJson> {
    if (response.status >= 500) throw new WechatApiError(endpoint, null, `HTTP ${response.status}`);
    let json: WechatJson;
    try {
      json = (await response.json()) as WechatJson;
    } catch {
      throw new WechatApiError(endpoint, null, `HTTP ${response.status} with a body that is not JSON`);
    }
    if (json.errcode !== undefined && json.errcode !== 0) {
      throw new WechatApiError(endpoint, json.errcode, String(json.errmsg ?? ''));
    }
    return json;
  }

  const tokens = new AccessTokenCache(async (forceRefresh) => {
    const endpoint = '/cgi-bin/stable_token';
    const body = { grant_type: 'client_credential', appid: appId, secret: appSecret, force_refresh: forceRefresh };
    // the token endpoint is safe to repeat, so a busy answer gets a second chance
    let json: WechatJson;
    try {
      json = await readJson(endpoint, await call(endpoint, { method: 'POST', body }));
    } catch (error) {
      if (!(error instanceof WechatApiError) || !error.isTransient) throw error;
      options.logger?.warn({ endpoint, errcode: error.errcode }, 'WeChat busy, retrying once');
      await new Promise((resolve) => setTimeout(resolve, 200));
      json = await readJson(endpoint, await call(endpoint, { method: 'POST', body }));
    }
    if (typeof json.access_token !== 'string' || typeof json.expires_in !== 'number') {
      throw new WechatApiError(endpoint, null, 'reply without access_token');
    }
    return { token: json.access_token, expiresInSeconds: json.expires_in };
  }, clock);

  /** Calls an endpoint that needs the access token; a rejected token is replaced once and the call retried. */
  async function withToken(endpoint: string, body: unknown): Promise<Response> {
    let token = await tokens.get();
    for (let attempt = 0; ; attempt++) {
      const response = await call(endpoint, { method: 'POST', query: { access_token: token }, body });
      const contentType = response.headers.get('content-type') ?? '';
      if (attempt > 0 || !contentType.includes('json')) return response;
      const json = (await response.clone().json().catch(() => null)) as WechatJson | null;
      if (!json || !TOKEN_ERRCODES.has(json.errcode ?? 0)) return response;
      options.logger?.warn({ endpoint, errcode: json.errcode }, 'WeChat rejected the access token, refreshing');
      token = await tokens.invalidate(token);
    }
  }

  return {
    appId,
    accessToken: () => tokens.get(),

    async code2session(jsCode) {
      const endpoint = '/sns/jscode2session';
      const query = { appid: appId, secret: appSecret, js_code: jsCode, grant_type: 'authorization_code' };
      const json = await readJson(endpoint, await call(endpoint, { method: 'GET', query }));
      if (typeof json.openid !== 'string' || typeof json.session_key !== 'string') {
        throw new WechatApiError(endpoint, null, 'reply without openid');
      }
      return { openid: json.openid, unionid: typeof json.unionid === 'string' ? json.unionid : null, sessionKey: json.session_key };
    },

    async phoneNumber(code) {
      const endpoint = '/wxa/business/getuserphonenumber';
      const json = await readJson(endpoint, await withToken(endpoint, { code }));
      const info = json.phone_info as
        | { phoneNumber?: string; purePhoneNumber?: string; countryCode?: string; watermark?: { appid?: string } }
        | undefined;
      if (!info?.purePhoneNumber) throw new WechatApiError(endpoint, null, 'reply without phone_info');
      // the watermark proves the number was issued to our mini-program, not replayed from another
      if (info.watermark?.appid !== appId) throw new WechatApiError(endpoint, null, 'phone_info watermark is for another appid');
      return { phoneNumber: info.phoneNumber ?? info.purePhoneNumber, purePhoneNumber: info.purePhoneNumber, countryCode: info.countryCode ?? '86' };
    },

    async miniProgramCode(request) {
      const endpoint = '/wxa/getwxacodeunlimit';
      const response = await withToken(endpoint, {
        scene: request.scene,
        page: request.page,
        check_path: request.checkPath ?? true,
        env_version: request.envVersion ?? 'release',
        width: request.width ?? 430,
      });
      const contentType = response.headers.get('content-type') ?? '';
      if (contentType.startsWith('image/')) return { contentType, image: Buffer.from(await response.arrayBuffer()) };
      await readJson(endpoint, response);
      throw new WechatApiError(endpoint, null, `expected an image, got ${contentType || 'no content type'}`);
    },

    async sendSubscribeMessage(message) {
      const endpoint = '/cgi-bin/message/subscribe/send';
      const json = await readJson(
        endpoint,
        await withToken(endpoint, {
          touser: message.touser,
          template_id: message.templateId,
          page: message.page,
          data: message.data,
          miniprogram_state: message.miniprogramState ?? 'formal',
          lang: message.lang ?? 'zh_CN',
        }),
      );
      return { msgid: json.msgid === undefined ? null : String(json.msgid) };
    },
  };
}
