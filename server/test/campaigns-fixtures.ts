import { newId, type Campaign, type CreateCampaignBody } from '@memberloop/shared';
import { sql } from 'drizzle-orm';
import { members } from '../src/modules/members/members.tables';
import type { TestServer } from './harness';

export const T0 = new Date('2026-11-24T08:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface CampaignWorld {
  brandId: string;
  code: string;
  token: string;
}

export async function campaignWorld(server: TestServer, code: string): Promise<CampaignWorld> {
  const brand = await server.createBrand(code);
  const token = await server.staffToken(code, 'operator');
  // no quiet hours: tests read the outbox, not the clock on the wall
  await server.database.db.execute(sql`insert into messaging_settings (brand_id, quiet_start, quiet_end) values (${brand.brandId}, '00:00', '00:00')`);
  return { brandId: brand.brandId, code, token };
}

export interface MemberInput {
  nickname?: string;
  consent?: boolean;
  birthday?: string | null;
  joinedAt?: Date;
  status?: 'active' | 'disabled';
}

/** Members written straight into the members table (as the members module would have), ids in creation order. */
export async function addMembers(server: TestServer, brandId: string, count: number, input: MemberInput | ((i: number) => MemberInput) = {}): Promise<string[]> {
  const rows = Array.from({ length: count }, (_, i) => {
    const m = typeof input === 'function' ? input(i) : input;
    const joinedAt = m.joinedAt ?? new Date(T0.getTime() - 400 * DAY);
    return {
      id: newId('member', joinedAt),
      brandId,
      nickname: m.nickname ?? `会员${i + 1}`,
      marketingConsent: m.consent ?? true,
      birthday: m.birthday ?? null,
      joinedAt,
      status: m.status ?? 'active',
    };
  });
  for (let i = 0; i < rows.length; i += 1000) await server.database.db.insert(members).values(rows.slice(i, i + 1000));
  return rows.map((row) => row.id).sort();
}

export const inboxMessage = (title = '{{name}}，您好', body = '{{brand}} 为您准备了礼物') => ({ inbox: { title, body } });

export function campaignBody(overrides: Partial<CreateCampaignBody> = {}): CreateCampaignBody {
  return {
    name: '测试活动',
    kind: 'one_off',
    variants: [{ key: 'a', weight: 1, actions: { message: inboxMessage() } }],
    channels: ['inbox'],
    ...overrides,
  };
}

export async function createCampaign(server: TestServer, world: CampaignWorld, overrides: Partial<CreateCampaignBody> = {}): Promise<Campaign> {
  const response = await server.call<Campaign>({ method: 'POST', url: '/campaigns', token: world.token, payload: campaignBody(overrides) });
  if (response.status !== 201) throw new Error(`campaign not created: ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function activate(server: TestServer, world: CampaignWorld, campaignId: string): Promise<Campaign> {
  const response = await server.call<Campaign>({ method: 'POST', url: `/campaigns/${campaignId}/activate`, token: world.token });
  if (response.status !== 200) throw new Error(`campaign not activated: ${JSON.stringify(response.body)}`);
  return response.body;
}

export interface DeliveryRow {
  id: string;
  member_id: string;
  run_id: string;
  variant: string;
  status: string;
  skip_reason: string | null;
  trigger_ref: string | null;
  coupon_id: string | null;
  points: number | null;
  outbox_id: string | null;
  decided_at: Date;
}

export async function deliveriesOf(server: TestServer, campaignId: string): Promise<DeliveryRow[]> {
  const result = await server.database.db.execute(sql`select * from campaign_deliveries where campaign_id = ${campaignId} order by member_id, decided_at`);
  return (result as unknown as { rows: DeliveryRow[] }).rows;
}

export async function query<T = Record<string, unknown>>(server: TestServer, text: ReturnType<typeof sql>): Promise<T[]> {
  return ((await server.database.db.execute(text)) as unknown as { rows: T[] }).rows;
}

/** The scheduling tick for `at`, then every due run decided at `at`. */
export async function tickAndRun(server: TestServer, at: Date) {
  server.clock.set(at);
  const tick = await server.app.services.campaigns.tick(at);
  const runs = await server.app.services.campaigns.runDue({ now: at });
  return { ...tick, ...runs };
}
