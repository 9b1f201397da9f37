import type { MessageContent } from '@memberloop/shared';
import { sql } from 'drizzle-orm';
import type { EnqueueMessage } from '../src/modules/messaging';
import type { TestServer } from './harness';

export const COUPON_TEMPLATE = 'dev-tpl-coupon-arrival';
export const SEND_PATH = '/cgi-bin/message/subscribe/send';

export const couponContent: MessageContent = {
  wechat: { templateId: COUPON_TEMPLATE, data: { thing1: '{{coupon}}', amount2: '{{couponValue}}', date3: '{{couponExpiresAt}}' } },
  sms: { text: '【{{brand}}】{{name}}，您的{{coupon}}已到账，{{couponExpiresAt}}前有效。退订回T' },
  inbox: { title: '优惠券到账', body: '{{name}}，您的{{coupon}}已到账，{{couponExpiresAt}}前有效', link: '/pages/coupons/index' },
};

export const couponVariables = { name: '小明', brand: '鞋店', coupon: '满100减20券', couponValue: '20', couponExpiresAt: '2026-12-31T15:59:59Z' };

export interface MemberFixture {
  id: string;
  token: string;
  openid: string;
  user: string;
}

/** A member who joined through WeChat (so has an openid), with marketing consent and optionally a phone. */
export async function memberWith(
  server: TestServer,
  brandCode: string,
  user: string,
  options: { consent?: boolean; phone?: string } = {},
): Promise<MemberFixture> {
  const { token, member } = await server.joinMember({ user, brandCode });
  if (options.consent ?? true) {
    const consent = await server.call({ method: 'PUT', url: '/members/me/marketing-consent', token, payload: { granted: true } });
    if (consent.status !== 200) throw new Error(`consent failed: ${JSON.stringify(consent.body)}`);
  }
  if (options.phone) {
    const bound = await server.call({ method: 'POST', url: '/members/me/phone', token, payload: { code: server.fake.mintPhoneCode({ phoneNumber: options.phone }).code } });
    if (bound.status !== 200) throw new Error(`phone failed: ${JSON.stringify(bound.body)}`);
  }
  return { id: member.id, token, openid: server.fake.openidFor(user), user };
}

/** The member accepts `templateId` once in the mini-program: WeChat (the fake) and our server both learn it. */
export async function accept(server: TestServer, member: MemberFixture, templateId = COUPON_TEMPLATE, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    server.fake.grantSubscriptions({ openid: member.openid, templateIds: [templateId] });
    const reported = await server.call({ method: 'POST', url: '/members/me/subscriptions', token: member.token, payload: { results: { [templateId]: 'accept' } } });
    if (reported.status !== 200) throw new Error(`report failed: ${JSON.stringify(reported.body)}`);
  }
}

export function message(brandId: string, memberId: string, overrides: Partial<EnqueueMessage> = {}): EnqueueMessage {
  return {
    brandId,
    memberId,
    source: 'campaign',
    marketing: true,
    content: couponContent,
    variables: couponVariables,
    notBefore: new Date('2026-11-24T08:00:00Z'),
    ...overrides,
  };
}

export async function enqueue(server: TestServer, messages: EnqueueMessage[]): Promise<string[]> {
  return server.app.services.messaging.steps.enqueue(server.database.db, messages);
}

export async function outboxRow(server: TestServer, id: string) {
  const result = await server.database.db.execute(sql`select * from message_outbox where id = ${id}`);
  return (result as unknown as { rows: any[] }).rows[0];
}

export async function remaining(server: TestServer, memberId: string, templateId = COUPON_TEMPLATE): Promise<number | undefined> {
  const result = await server.database.db.execute(sql`select remaining from message_subscriptions where member_id = ${memberId} and template_id = ${templateId}`);
  return (result as unknown as { rows: { remaining: number }[] }).rows[0]?.remaining;
}

export async function countRows(server: TestServer, table: 'inbox_messages' | 'sms_messages', outboxId: string): Promise<number> {
  const result = await server.database.db.execute(sql`select count(*)::int as n from ${sql.raw(table)} where outbox_id = ${outboxId}`);
  return (result as unknown as { rows: { n: number }[] }).rows[0]!.n;
}
