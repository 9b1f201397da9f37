import type { ErrorCode, MemberLoginBody, MemberProfile } from '@memberloop/shared';
import type { HttpRequest, HttpResponse } from '../src/api/http';

export const API_BASE = 'http://127.0.0.1:3000';
export const FAKE_WECHAT = 'http://127.0.0.1:3100';

export const FIXED_NOW = '2026-11-24T02:00:00.000Z';

/** Scenes the fake server knows; any other scene is JOIN_SCENE_NOT_FOUND. */
export const SCENES: Record<string, MemberProfile['joinSource']> = {
  's=ST7K2Q': { type: 'store', storeId: 'sto_01JD3ZQ8W7X9K2M4N6P8R0T2V4', staffId: null, campaignId: null },
  'c=K9': { type: 'clerk', storeId: 'sto_01JD3ZQ8W7X9K2M4N6P8R0T2V4', staffId: 'stf_01JD3ZQ8W7X9K2M4N6P8R0T2V5', campaignId: null },
};

type Override = { status: number; body: unknown } | 'network';

/**
 * An in-memory memberloop API and fake WeChat server for the client and page tests: login codes
 * stand for users, logins create members, tokens can be expired, and any route can be made to
 * fail once.
 */
export function createFakeBackend() {
  const members = new Map<string, MemberProfile>();
  const tokens = new Map<string, string>();
  const codes = new Map<string, string>();
  const failures = new Map<string, Override[]>();
  const calls: HttpRequest[] = [];
  let seq = 0;

  function error(status: number, code: ErrorCode, message = code): HttpResponse {
    return { statusCode: status, data: { code, message } };
  }

  function issueCode(user: string): string {
    seq += 1;
    const code = `code-${seq}`;
    codes.set(code, user);
    return code;
  }

  function memberFor(user: string, scene: string | undefined): { member: MemberProfile; isNew: boolean } {
    const existing = members.get(user);
    if (existing) return { member: existing, isNew: false };
    seq += 1;
    const member: MemberProfile = {
      id: `mbr_01JD3ZQ8W7X9K2M4N6P8R0T${String(seq).padStart(3, '0')}`,
      memberNo: String(10000000 + seq),
      brandId: 'brd_01JD3ZQ8W7X9K2M4N6P8R0T2V0',
      nickname: null,
      birthday: null,
      phone: null,
      phoneBoundAt: null,
      marketingConsent: { granted: false, changedAt: null },
      joinedAt: FIXED_NOW,
      joinSource: (scene && SCENES[scene]) || { type: null, storeId: null, staffId: null, campaignId: null },
      status: 'active',
    };
    members.set(user, member);
    return { member, isNew: true };
  }

  function handle(request: HttpRequest): HttpResponse {
    const { method, url } = request;
    const key = `${method} ${url.replace(API_BASE, '').replace(FAKE_WECHAT, '')}`;
    const queued = failures.get(key);
    const override = queued?.shift();
    if (override === 'network') throw new Error('request:fail net::ERR_CONNECTION_REFUSED');
    if (override) return { statusCode: override.status, data: override.body };

    if (key === 'POST /__dev/login-code') {
      const user = (request.data as { user?: string }).user ?? 'anonymous';
      return { statusCode: 200, data: { code: issueCode(user), openid: `o_${user}` } };
    }
    if (key === 'POST /auth/member/login') {
      const body = request.data as MemberLoginBody;
      const user = codes.get(body.code);
      if (!user) return error(400, 'WECHAT_CODE_INVALID');
      codes.delete(body.code);
      if (body.scene && !SCENES[body.scene]) return error(404, 'JOIN_SCENE_NOT_FOUND');
      if (!body.scene && body.brandCode !== 'demo' && !body.brandId) return error(404, 'BRAND_NOT_FOUND');
      if (body.join === false && !members.has(user)) return error(404, 'MEMBER_NOT_FOUND');
      const { member, isNew } = memberFor(user, body.scene);
      seq += 1;
      const token = `tok-${seq}`;
      tokens.set(token, user);
      return { statusCode: 200, data: { token, expiresAt: '2099-01-01T00:00:00.000Z', isNew, member } };
    }

    const auth = request.header.Authorization ?? '';
    const user = tokens.get(auth.replace(/^Bearer /, ''));
    if (!auth) return error(401, 'UNAUTHENTICATED');
    if (!user) return error(401, 'TOKEN_INVALID');
    const member = members.get(user);
    if (!member) return error(404, 'MEMBER_NOT_FOUND');

    if (key === 'GET /members/me') return { statusCode: 200, data: member };
    if (key === 'PUT /members/me/marketing-consent') {
      const { granted } = request.data as { granted: boolean };
      const updated: MemberProfile = {
        ...member,
        marketingConsent: { granted, changedAt: member.marketingConsent.granted === granted ? member.marketingConsent.changedAt : FIXED_NOW },
      };
      members.set(user, updated);
      return { statusCode: 200, data: updated };
    }
    return error(404, 'ROUTE_NOT_FOUND');
  }

  return {
    members,
    calls,
    /** The transport the API client takes (async, records every call). */
    async transport(request: HttpRequest): Promise<HttpResponse> {
      calls.push(request);
      return handle(request);
    },
    /** The same server behind a `Taro.request` mock. */
    async taroRequest(options: { url: string; method?: string; data?: unknown; header?: Record<string, string> }) {
      const request: HttpRequest = {
        url: options.url,
        method: (options.method ?? 'GET') as HttpRequest['method'],
        data: options.data,
        header: options.header ?? {},
      };
      calls.push(request);
      return handle(request);
    },
    issueCode,
    /** Invalidates every token, as a server restart with a new signing key would. */
    expireTokens: () => tokens.clear(),
    /** Makes the next call of `METHOD /path` answer this way instead. */
    failNext(route: string, override: Override) {
      failures.set(route, [...(failures.get(route) ?? []), override]);
    },
    /** Adds a member for a user, as if they had joined before. */
    seedMember(user: string, patch: Partial<MemberProfile> = {}): MemberProfile {
      const { member } = memberFor(user, undefined);
      const seeded = { ...member, ...patch };
      members.set(user, seeded);
      return seeded;
    },
    paths: () => calls.map((call) => `${call.method} ${call.url.replace(API_BASE, '').replace(FAKE_WECHAT, '')}`),
  };
}

export type FakeBackend = ReturnType<typeof createFakeBackend>;
