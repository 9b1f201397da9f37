import { newId, type CouponTemplate, type CreateCouponTemplateBody } from '@memberloop/shared';
import { signToken } from '../src/http/auth';
import { members } from '../src/modules/members/members.tables';
import type { TestServer } from './harness';

/** Members inserted straight into the table (a fixture: joining through WeChat would take seconds for a thousand). */
export async function insertMembers(server: TestServer, brandId: string, count: number): Promise<{ id: string; token: string }[]> {
  const ids = Array.from({ length: count }, () => newId('member'));
  for (let i = 0; i < ids.length; i += 500) {
    await server.database.db.insert(members).values(ids.slice(i, i + 500).map((id) => ({ id, brandId })));
  }
  return ids.map((id) => ({ id, token: signToken(server.app, { kind: 'member', sub: id, brandId }, 3600).token }));
}

export async function createTemplate(server: TestServer, token: string, body: Partial<CreateCouponTemplateBody> = {}): Promise<CouponTemplate> {
  const response = await server.call<CouponTemplate>({
    method: 'POST',
    url: '/coupon-templates',
    token,
    payload: { name: '满100减20', kind: 'cash_off', valueFen: 2000, thresholdFen: 10000, validityMode: 'relative', validDays: 30, claimable: true, ...body },
  });
  if (response.status !== 201) throw new Error(`template: ${JSON.stringify(response.body)}`);
  return response.body;
}

export const DAY = 24 * 60 * 60 * 1000;
