import { startFakeWechat, type FakeWechat, type FakeWechatOptions } from '@memberloop/scripts';
import { fixedClock, type MemberLoginResponse, type StaffLoginResponse } from '@memberloop/shared';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp, type Services } from '../src/app';
import { loadConfig, type Config } from '../src/config';
import type { Database } from '../src/db/client';
import { brands, staff, staffStores, stores } from '../src/modules/brands/brands.tables';
import { hashPassword } from '../src/modules/brands';
import { newId } from '@memberloop/shared';
import { createTestDatabase } from './test-database';

export const TEST_PASSWORD = 'correct-horse-battery';
export const TEST_APP_ID = 'wx0000000000000001';

export interface BrandFixture {
  brandId: string;
  code: string;
  storeIds: [string, string];
  staff: { admin: string; operator: string; clerk: string; clerkOfBothStores: string };
}

export interface TestServer {
  app: FastifyInstance & { services: Services };
  database: Database;
  fake: FakeWechat;
  config: Config;
  clock: ReturnType<typeof fixedClock>;
  /** app.inject that parses JSON */
  call<T = any>(options: InjectOptions & { token?: string }): Promise<{ status: number; body: T; headers: Record<string, unknown> }>;
  createBrand(code: string): Promise<BrandFixture>;
  staffToken(brandCode: string, username: string, password?: string): Promise<string>;
  /** A shopper's wx.login in the fake WeChat, then POST /auth/member/login */
  joinMember(input: { user: string; brandCode?: string; scene?: string }): Promise<MemberLoginResponse>;
  close(): Promise<void>;
}

/** A real server on a fresh PostgreSQL database, talking to a fake WeChat API on a free port. */
export async function startTestServer(options: { fake?: FakeWechatOptions; env?: Record<string, string> } = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const fake = await startFakeWechat({ apps: [{ appId: TEST_APP_ID, secret: 'test-secret', issueUnionid: true }], ...options.fake });
  const clock = fixedClock('2026-11-24T08:00:00Z');
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: '/tmp/memberloop-test-unused',
    DATABASE_URL: 'postgres://unused',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    WECHAT_API_BASE_URL: fake.url,
    WECHAT_APP_ID: TEST_APP_ID,
    WECHAT_APP_SECRET: 'test-secret',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const app = await buildApp({ config, database, clock, logger: false });
  await app.ready();

  const call: TestServer['call'] = async ({ token, headers, ...rest }) => {
    const response = await app.inject({ ...rest, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
    let body: any = response.body;
    if (String(response.headers['content-type'] ?? '').includes('json')) body = response.json();
    return { status: response.statusCode, body, headers: response.headers };
  };

  return {
    app,
    database,
    fake,
    config,
    clock,
    call,
    async createBrand(code) {
      const db = database.db;
      const brandId = newId('brand');
      await db.insert(brands).values({ id: brandId, code, name: `品牌 ${code}` });
      const storeIds = [newId('store'), newId('store')] as [string, string];
      await db.insert(stores).values(storeIds.map((id, i) => ({ id, brandId, code: `store-${i + 1}`, name: `门店 ${i + 1}` })));
      const passwordHash = await hashPassword(TEST_PASSWORD);
      const accounts = {
        admin: { role: 'admin' as const, stores: [] as string[] },
        operator: { role: 'operator' as const, stores: [] },
        clerk: { role: 'clerk' as const, stores: [storeIds[0]] },
        clerkOfBothStores: { role: 'clerk' as const, stores: storeIds },
      };
      const ids: Record<string, string> = {};
      for (const [username, account] of Object.entries(accounts)) {
        const id = newId('staff');
        ids[username] = id;
        await db.insert(staff).values({ id, brandId, username, displayName: username, role: account.role, passwordHash });
        for (const storeId of account.stores) await db.insert(staffStores).values({ brandId, staffId: id, storeId });
      }
      return { brandId, code, storeIds, staff: ids as BrandFixture['staff'] };
    },
    async staffToken(brandCode, username, password = TEST_PASSWORD) {
      const { status, body } = await call<StaffLoginResponse>({ method: 'POST', url: '/auth/staff/login', payload: { brandCode, username, password } });
      if (status !== 200) throw new Error(`login of ${username} failed: ${JSON.stringify(body)}`);
      return body.token;
    },
    async joinMember({ user, brandCode, scene }) {
      const { code } = fake.mintLoginCode({ user });
      const { status, body } = await call<MemberLoginResponse>({ method: 'POST', url: '/auth/member/login', payload: { code, brandCode, scene } });
      if (status !== 200) throw new Error(`join of ${user} failed: ${JSON.stringify(body)}`);
      return body;
    },
    async close() {
      await app.close();
      await fake.close();
      await database.drop();
    },
  };
}
