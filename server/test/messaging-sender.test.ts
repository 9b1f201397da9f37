import { startTestServer, type BrandFixture, type TestServer } from './harness';
import {
  accept,
  COUPON_TEMPLATE,
  couponContent,
  countRows,
  enqueue,
  memberWith,
  message,
  outboxRow,
  remaining,
  SEND_PATH,
} from './messaging-fixtures';

let server: TestServer;
let brand: BrandFixture;
const NOON = '2026-11-24T08:00:00Z'; // 16:00 in Shanghai: outside quiet hours

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('msg');
});
afterAll(() => server.close());
beforeEach(() => {
  server.clock.set(NOON);
  server.fake.clearFaults();
});

const sendDue = (input?: { now?: Date; limit?: number; batchSize?: number }) => server.app.services.messaging.sendDue(input);
const subscribeCalls = () => server.fake.stats().calls[SEND_PATH] ?? 0;

describe('enqueue', () => {
  it('answers ids in order and does not add a repeated sourceRef twice', async () => {
    const a = await memberWith(server, 'msg', 'enq-a');
    const b = await memberWith(server, 'msg', 'enq-b');
    const first = await enqueue(server, [message(brand.brandId, a.id, { sourceRef: 'cdl-1' }), message(brand.brandId, b.id, { sourceRef: 'cdl-2' }), message(brand.brandId, b.id)]);
    expect(first).toHaveLength(3);
    expect(new Set(first).size).toBe(3);
    const again = await enqueue(server, [message(brand.brandId, b.id, { sourceRef: 'cdl-2' }), message(brand.brandId, a.id, { sourceRef: 'cdl-3' }), message(brand.brandId, a.id, { sourceRef: 'cdl-1' })]);
    expect(again[0]).toBe(first[1]);
    expect(again[2]).toBe(first[0]);
    expect(first).not.toContain(again[1]);
    expect((await outboxRow(server, first[0]!)).status).toBe('pending');
  });

  it('refuses content with unknown variables, naming the path', async () => {
    const a = await memberWith(server, 'msg', 'enq-c');
    const bad = { ...couponContent, inbox: { title: '{{nickname}}', body: 'x' } };
    await expect(enqueue(server, [message(brand.brandId, a.id, { content: bad })])).rejects.toMatchObject({
      code: 'MESSAGE_TEMPLATE_INVALID',
      details: [{ path: 'messages/0/content/inbox/title', message: expect.stringMatching(/nickname/) }],
    });
  });

  it('takes a batch of 1000 in one statement', async () => {
    const a = await memberWith(server, 'msg', 'enq-d');
    const started = Date.now();
    const ids = await enqueue(server, Array.from({ length: 1000 }, (_, i) => message(brand.brandId, a.id, { sourceRef: `bulk-${i}`, notBefore: new Date('2027-01-01T00:00:00Z') })));
    expect(new Set(ids).size).toBe(1000);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('consent at send time', () => {
  it('suppresses a marketing message when consent was withdrawn after it was queued; a service message still goes', async () => {
    const member = await memberWith(server, 'msg', 'consent-a');
    const [marketing, service] = await enqueue(server, [
      message(brand.brandId, member.id),
      message(brand.brandId, member.id, { source: 'system', marketing: false }),
    ]);
    const withdrawn = await server.call({ method: 'PUT', url: '/members/me/marketing-consent', token: member.token, payload: { granted: false } });
    expect(withdrawn.status).toBe(200);

    await sendDue();
    const suppressed = await outboxRow(server, marketing!);
    expect(suppressed).toMatchObject({ status: 'suppressed', last_error: 'no marketing consent', attempts: 0, channel: null });
    expect(suppressed.receipt).toEqual([expect.objectContaining({ outcome: 'suppressed', reason: 'no marketing consent' })]);
    expect(await countRows(server, 'inbox_messages', marketing!)).toBe(0);
    expect(await outboxRow(server, service!)).toMatchObject({ status: 'sent', channel: 'inbox' });
  });
});

describe('quiet hours', () => {
  it('queues a message due at 23:30 Shanghai until 09:00, without counting an attempt, then sends it', async () => {
    const member = await memberWith(server, 'msg', 'quiet-a');
    server.clock.set('2026-11-24T15:30:00Z'); // 23:30 in Shanghai
    const [id] = await enqueue(server, [message(brand.brandId, member.id, { notBefore: server.clock.now() })]);
    const night = await sendDue();
    expect(night).toMatchObject({ claimed: 1, deferred: 1, sent: 0 });
    const waiting = await outboxRow(server, id!);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 0 });
    expect(new Date(waiting.next_attempt_at).toISOString()).toBe('2026-11-25T01:00:00.000Z');
    expect(await countRows(server, 'inbox_messages', id!)).toBe(0);

    server.clock.set('2026-11-25T00:59:00Z'); // 08:59: still waiting
    expect((await sendDue()).claimed).toBe(0);
    server.clock.set('2026-11-25T01:00:00Z'); // 09:00
    expect(await sendDue()).toMatchObject({ sent: 1 });
    expect(await outboxRow(server, id!)).toMatchObject({ status: 'sent', attempts: 1, channel: 'inbox' });
    expect(await countRows(server, 'inbox_messages', id!)).toBe(1);
  });

  it('follows the brand’s own quiet hours and time zone', async () => {
    const owner = await server.staffToken('msg', 'admin');
    const put = await server.call({ method: 'PUT', url: '/messaging/settings', token: owner, payload: { quietStart: '15:00', quietEnd: '17:00' } });
    expect(put.status).toBe(200);
    try {
      const member = await memberWith(server, 'msg', 'quiet-b');
      const [id] = await enqueue(server, [message(brand.brandId, member.id)]);
      await sendDue(); // 16:00 Shanghai is now quiet
      expect(new Date((await outboxRow(server, id!)).next_attempt_at).toISOString()).toBe('2026-11-24T09:00:00.000Z');
    } finally {
      await server.call({ method: 'PUT', url: '/messaging/settings', token: owner, payload: { quietStart: '21:00', quietEnd: '09:00' } });
    }
  });
});

describe('WeChat subscribe messages', () => {
  it('falls back when the member has no acceptance, and uses an acceptance exactly once', async () => {
    const member = await memberWith(server, 'msg', 'sub-a');
    const [noAcceptance] = await enqueue(server, [message(brand.brandId, member.id)]);
    const callsBefore = subscribeCalls();
    await sendDue();
    const fellBack = await outboxRow(server, noAcceptance!);
    expect(fellBack).toMatchObject({ status: 'sent', channel: 'inbox' });
    expect(fellBack.receipt[0]).toMatchObject({ channel: 'wechat', outcome: 'skipped', reason: 'no subscribe acceptance left' });
    expect(subscribeCalls()).toBe(callsBefore);

    await accept(server, member);
    expect(await remaining(server, member.id)).toBe(1);
    const [first, second] = await enqueue(server, [message(brand.brandId, member.id), message(brand.brandId, member.id)]);
    await sendDue();
    const rows = [await outboxRow(server, first!), await outboxRow(server, second!)];
    expect(rows.map((row) => row.channel).sort()).toEqual(['inbox', 'wechat']);
    expect(await remaining(server, member.id)).toBe(0);
    expect(subscribeCalls()).toBe(callsBefore + 1);
    const sent = server.fake.sentMessages().filter((m) => m.touser === member.openid);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.data).toEqual({ thing1: '满100减20券', amount2: '¥20', date3: '2026年12月31日' });
    const wechatRow = rows.find((row) => row.channel === 'wechat');
    expect(wechatRow.receipt).toEqual([expect.objectContaining({ channel: 'wechat', outcome: 'sent', msgid: String(sent[0]!.msgid) })]);
  });

  it('on 43101 sets the acceptances to 0 and falls back without retrying WeChat', async () => {
    const member = await memberWith(server, 'msg', 'sub-b');
    await accept(server, member, COUPON_TEMPLATE, 3);
    expect(await remaining(server, member.id)).toBe(3);
    server.fake.injectFault({ path: SEND_PATH, errcode: 43101, errmsg: 'user refuse to accept the msg' });
    const [id] = await enqueue(server, [message(brand.brandId, member.id)]);
    const before = subscribeCalls();
    const summary = await sendDue();
    expect(summary).toMatchObject({ sent: 1, retried: 0, byChannel: { wechat: 0, inbox: 1 } });
    expect(subscribeCalls()).toBe(before + 1);
    expect(await remaining(server, member.id)).toBe(0);
    const row = await outboxRow(server, id!);
    expect(row).toMatchObject({ status: 'sent', channel: 'inbox', attempts: 1 });
    expect(row.receipt).toEqual([
      expect.objectContaining({ channel: 'wechat', outcome: 'failed', errcode: 43101 }),
      expect.objectContaining({ channel: 'sms', outcome: 'skipped', reason: 'no bound phone' }),
      expect.objectContaining({ channel: 'inbox', outcome: 'sent' }),
    ]);
    // the next message does not try WeChat at all
    const [next] = await enqueue(server, [message(brand.brandId, member.id)]);
    await sendDue();
    expect(subscribeCalls()).toBe(before + 1);
    expect((await outboxRow(server, next!)).channel).toBe('inbox');
  });

  it('on 43101 from WeChat itself (our count said 1, WeChat had none) behaves the same', async () => {
    const member = await memberWith(server, 'msg', 'sub-c');
    // reported to us, never granted in WeChat
    await server.call({ method: 'POST', url: '/members/me/subscriptions', token: member.token, payload: { results: { [COUPON_TEMPLATE]: 'accept' } } });
    const [id] = await enqueue(server, [message(brand.brandId, member.id)]);
    await sendDue();
    expect(await remaining(server, member.id)).toBe(0);
    expect((await outboxRow(server, id!)).receipt[0]).toMatchObject({ errcode: 43101 });
  });

  it('shortens a long thing with an ellipsis, and skips WeChat when a value cannot fit', async () => {
    const member = await memberWith(server, 'msg', 'sub-d');
    await accept(server, member, COUPON_TEMPLATE, 2);
    const longName = '春季新款轻薄透气男女同款休闲运动跑步鞋专享满减券';
    const [shortened] = await enqueue(server, [message(brand.brandId, member.id, { variables: { coupon: longName, couponValue: '20', couponExpiresAt: '2026-12-31' } })]);
    await sendDue();
    expect(await outboxRow(server, shortened!)).toMatchObject({ channel: 'wechat' });
    const sent = server.fake.sentMessages().filter((m) => m.touser === member.openid);
    expect(sent.at(-1)!.data.thing1).toBe('春季新款轻薄透气男女同款休闲运动跑步鞋…');

    const [unfit] = await enqueue(server, [message(brand.brandId, member.id, { variables: { coupon: '券', couponValue: '8折', couponExpiresAt: '2026-12-31' } })]);
    await sendDue();
    const row = await outboxRow(server, unfit!);
    expect(row.channel).toBe('inbox');
    expect(row.receipt[0]).toMatchObject({ channel: 'wechat', outcome: 'skipped', reason: expect.stringMatching(/amount2/) });
    expect(await remaining(server, member.id)).toBe(1);
  });
});

describe('fallback order', () => {
  it('follows the message’s channels, else the brand’s order, and always ends at the inbox', async () => {
    const member = await memberWith(server, 'msg', 'order-a', { phone: '13900000001' });
    await accept(server, member, COUPON_TEMPLATE, 1);
    const owner = await server.staffToken('msg', 'operator');
    expect((await server.call({ method: 'PUT', url: '/messaging/settings', token: owner, payload: { channelOrder: ['sms', 'wechat'] } })).status).toBe(200);
    try {
      const [bySms, byWechat] = await enqueue(server, [message(brand.brandId, member.id), message(brand.brandId, member.id, { channels: ['wechat', 'sms'] })]);
      await sendDue();
      expect(await outboxRow(server, bySms!)).toMatchObject({ status: 'sent', channel: 'sms' });
      expect(await countRows(server, 'sms_messages', bySms!)).toBe(1);
      expect(await outboxRow(server, byWechat!)).toMatchObject({ status: 'sent', channel: 'wechat' });
      const sms = await server.database.db.execute((await import('drizzle-orm')).sql`select phone, text, provider from sms_messages where outbox_id = ${bySms}`);
      expect((sms as unknown as { rows: unknown[] }).rows[0]).toEqual({ phone: '13900000001', provider: 'dev', text: '【鞋店】小明，您的满100减20券已到账，2026年12月31日前有效。退订回T' });

      // no phone, no acceptance: the inbox, though the order leaves it out
      const bare = await memberWith(server, 'msg', 'order-b');
      const [toInbox] = await enqueue(server, [message(brand.brandId, bare.id, { channels: ['sms', 'wechat'] })]);
      await sendDue();
      const row = await outboxRow(server, toInbox!);
      expect(row).toMatchObject({ status: 'sent', channel: 'inbox' });
      expect(row.receipt.map((r: { channel: string; outcome: string }) => `${r.channel}:${r.outcome}`)).toEqual(['sms:skipped', 'wechat:skipped', 'inbox:sent']);
    } finally {
      await server.call({ method: 'PUT', url: '/messaging/settings', token: owner, payload: { channelOrder: ['wechat', 'sms', 'inbox'] } });
    }
  });
});

describe('retries and the dead letter', () => {
  it('retries a busy WeChat with exponential backoff, then gives up as dead with the last error', async () => {
    const member = await memberWith(server, 'msg', 'retry-a');
    await accept(server, member, COUPON_TEMPLATE, 1);
    server.fake.injectFault({ path: SEND_PATH, errcode: -1, errmsg: 'system error', times: 100 });
    const [id] = await enqueue(server, [message(brand.brandId, member.id)]);
    const start = server.clock.now().getTime();
    const expectedDelays = [60_000, 120_000, 240_000, 480_000];
    let at = start;
    for (const [attempt, delay] of expectedDelays.entries()) {
      server.clock.set(new Date(at));
      expect(await sendDue()).toMatchObject({ claimed: 1, retried: 1 });
      const row = await outboxRow(server, id!);
      expect(row).toMatchObject({ status: 'pending', attempts: attempt + 1 });
      expect(new Date(row.next_attempt_at).getTime()).toBe(at + delay);
      // not due a moment before
      server.clock.set(new Date(at + delay - 1));
      expect((await sendDue()).claimed).toBe(0);
      at += delay;
    }
    server.clock.set(new Date(at));
    expect(await sendDue()).toMatchObject({ dead: 1 });
    const dead = await outboxRow(server, id!);
    expect(dead).toMatchObject({ status: 'dead', attempts: 5, channel: null });
    expect(dead.last_error).toMatch(/wechat: .*-1 system error/);
    expect(dead.receipt.filter((r: { outcome: string }) => r.outcome === 'failed')).toHaveLength(5);
    // the acceptance was never spent; nothing reached the inbox
    expect(await remaining(server, member.id)).toBe(1);
    expect(await countRows(server, 'inbox_messages', id!)).toBe(0);
    server.fake.clearFaults();
    // a dead row is never claimed again
    const calls = subscribeCalls();
    server.clock.set(new Date(at + 86_400_000));
    await sendDue();
    expect(await outboxRow(server, id!)).toMatchObject({ status: 'dead', attempts: 5 });
    expect(subscribeCalls()).toBe(calls);
  });

  it('treats 45009 and a dropped connection as transient too', async () => {
    const member = await memberWith(server, 'msg', 'retry-b');
    await accept(server, member, COUPON_TEMPLATE, 1);
    server.fake.injectFault({ path: SEND_PATH, errcode: 45009, errmsg: 'reach max api daily quota limit' });
    server.fake.injectFault({ path: SEND_PATH, httpStatus: 502 });
    const [id] = await enqueue(server, [message(brand.brandId, member.id)]);
    expect(await sendDue()).toMatchObject({ retried: 1 });
    server.clock.advance(60_000);
    expect(await sendDue()).toMatchObject({ retried: 1 });
    server.clock.advance(120_000);
    expect(await sendDue()).toMatchObject({ sent: 1, byChannel: { wechat: 1 } });
    expect(await outboxRow(server, id!)).toMatchObject({ status: 'sent', channel: 'wechat', attempts: 3 });
    expect(await remaining(server, member.id)).toBe(0);
  });
});

describe('a WeChat outage in the middle of a batch', () => {
  it('stops calling WeChat after a few transient failures; the rest wait for a later batch without using an attempt', async () => {
    const member = await memberWith(server, 'msg', 'outage-a');
    await accept(server, member, COUPON_TEMPLATE, 40);
    server.fake.injectFault({ path: SEND_PATH, errcode: -1, errmsg: 'system error', times: 1000 });
    const ids = await enqueue(server, Array.from({ length: 40 }, (_, i) => message(brand.brandId, member.id, { sourceRef: `outage-${i}` })));
    const before = subscribeCalls();
    const summary = await sendDue();
    const calls = subscribeCalls() - before;
    expect(summary.claimed).toBe(40);
    expect(summary.retried).toBe(calls);
    expect(summary.postponed).toBe(40 - calls);
    expect(calls).toBeLessThan(30);
    const rows = await Promise.all(ids.map((id) => outboxRow(server, id)));
    const postponed = rows.filter((row) => row.attempts === 0);
    expect(postponed).toHaveLength(40 - calls);
    for (const row of postponed) {
      expect(row).toMatchObject({ status: 'pending', last_error: 'wechat: WeChat /cgi-bin/message/subscribe/send failed: -1 system error' });
      expect(new Date(row.next_attempt_at).toISOString()).toBe('2026-11-24T08:01:00.000Z');
      expect(row.receipt).toEqual([expect.objectContaining({ channel: 'wechat', outcome: 'skipped', reason: 'WeChat failing in this batch; not tried' })]);
    }
    // WeChat is back: everything goes out, each acceptance used once
    server.fake.clearFaults();
    server.clock.advance(60_000);
    expect(await sendDue()).toMatchObject({ sent: 40, byChannel: { wechat: 40 } });
    expect(await remaining(server, member.id)).toBe(0);
  });
});

describe('concurrent senders', () => {
  it('two sendDue at once deliver every message exactly once', async () => {
    const members = await Promise.all([0, 1, 2, 3].map((i) => memberWith(server, 'msg', `conc-${i}`, { phone: `1390000010${i}` })));
    // two of them accepted WeChat twice each
    for (const member of members.slice(0, 2)) await accept(server, member, COUPON_TEMPLATE, 2);
    const ids = await enqueue(
      server,
      Array.from({ length: 2400 }, (_, i) => message(brand.brandId, members[i % 4]!.id, { sourceRef: `conc-${i}`, channels: Math.floor(i / 4) % 2 === 0 ? ['wechat', 'inbox'] : ['sms', 'inbox'] })),
    );
    const before = subscribeCalls();
    const [a, b] = await Promise.all([sendDue({ batchSize: 200 }), sendDue({ batchSize: 200 })]);
    expect(a.claimed + b.claimed).toBe(2400);
    expect(a.sent + b.sent).toBe(2400);
    expect(a.claimed).toBeGreaterThan(0);
    expect(b.claimed).toBeGreaterThan(0);
    const { sql } = await import('drizzle-orm');
    const counts = await server.database.db.execute(sql`
      select
        (select count(*)::int from message_outbox where id = any(array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))) and status = 'sent') as sent,
        (select count(*)::int from inbox_messages where outbox_id = any(array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)))) as inbox,
        (select count(*)::int from sms_messages where outbox_id = any(array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)))) as sms,
        (select count(*)::int from message_outbox where id = any(array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))) and channel = 'wechat') as wechat`);
    const row = (counts as unknown as { rows: { sent: number; inbox: number; sms: number; wechat: number }[] }).rows[0]!;
    expect(row.sent).toBe(2400);
    expect(row.wechat).toBe(4);
    expect(row.inbox + row.sms + row.wechat).toBe(2400);
    expect(subscribeCalls() - before).toBe(4);
    for (const member of members.slice(0, 2)) expect(await remaining(server, member.id)).toBe(0);
  });
});

describe('SMS providers', () => {
  it('retries a transient gateway failure, falls through a permanent one, and names unknown providers at start', async () => {
    const { createMessagingService, SmsSendError } = await import('../src/modules/messaging');
    const { createWechatClient } = await import('../src/modules/wechat');
    const answers: ('busy' | 'refused' | 'ok')[] = ['busy', 'refused', 'ok'];
    const sent: { phone: string; text: string }[] = [];
    const gateway = {
      name: 'gateway',
      async send(message: { phone: string; text: string }) {
        const answer = answers.shift();
        if (answer === 'busy') throw new SmsSendError('gateway busy', true);
        if (answer === 'refused') throw new SmsSendError('number on the blocklist', false);
        sent.push(message);
        return { providerMessageId: `gw-${sent.length}` };
      },
    };
    const errors: string[] = [];
    const logger = { info: () => {}, warn: () => {}, error: (_: unknown, message?: string) => void errors.push(String(message)) };
    const messaging = createMessagingService(
      { db: server.database.db, clock: server.clock, wechat: createWechatClient({ ...server.config.wechat, clock: server.clock }), config: server.config },
      { smsProviders: { gateway }, logger: logger as never },
    );
    const { sql } = await import('drizzle-orm');
    const smsBrand = await server.createBrand('msg-sms');
    await server.database.db.execute(sql`insert into messaging_settings (brand_id, sms_provider, channel_order) values (${smsBrand.brandId}, 'gateway', '{sms,inbox}')`);
    const member = await memberWith(server, 'msg-sms', 'sms-a', { phone: '13900000201' });

    const [first] = await enqueue(server, [message(smsBrand.brandId, member.id, { sourceRef: 'sms-1' })]);
    expect(await messaging.sendDue()).toMatchObject({ retried: 1 });
    expect(await outboxRow(server, first!)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'sms: gateway busy' });
    server.clock.advance(60_000);
    expect(await messaging.sendDue()).toMatchObject({ sent: 1, byChannel: { inbox: 1 } });
    const row = await outboxRow(server, first!);
    expect(row.receipt.map((r: { channel: string; outcome: string }) => `${r.channel}:${r.outcome}`)).toEqual(['sms:failed', 'sms:failed', 'inbox:sent']);

    const [second] = await enqueue(server, [message(smsBrand.brandId, member.id, { sourceRef: 'sms-2' })]);
    await messaging.sendDue();
    expect(await outboxRow(server, second!)).toMatchObject({ status: 'sent', channel: 'sms' });
    expect(sent).toEqual([{ phone: '13900000201', text: expect.stringContaining('满100减20券') }]);
    const recorded = await server.database.db.execute(sql`select provider, provider_message_id from sms_messages where outbox_id = ${second}`);
    expect((recorded as unknown as { rows: unknown[] }).rows).toEqual([{ provider: 'gateway', provider_message_id: 'gw-1' }]);

    // the app's own service does not know 'gateway': it says so, and those brands' messages skip SMS
    await expect(server.app.services.messaging.checkSmsProviders()).rejects.toThrow(/gateway/);
    const [third] = await enqueue(server, [message(smsBrand.brandId, member.id, { sourceRef: 'sms-3' })]);
    await sendDue();
    expect((await outboxRow(server, third!)).receipt[0]).toMatchObject({ channel: 'sms', outcome: 'skipped', reason: 'SMS provider "gateway" is not configured on this server' });
    await server.database.db.execute(sql`delete from messaging_settings where brand_id = ${smsBrand.brandId}`);
    expect(errors).toEqual([]);
  });
});

describe('the worker loops', () => {
  it('send what falls due while running, and stop cleanly', async () => {
    const member = await memberWith(server, 'msg', 'loop-a');
    const messaging = server.app.services.messaging;
    messaging.startWorkers({ pollIntervalMs: 20 });
    try {
      const ids = await enqueue(server, Array.from({ length: 30 }, (_, i) => message(brand.brandId, member.id, { sourceRef: `loop-${i}` })));
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        const rows = await Promise.all(ids.map((id) => outboxRow(server, id)));
        if (rows.every((row) => row.status === 'sent')) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      for (const id of ids) expect(await countRows(server, 'inbox_messages', id)).toBe(1);
    } finally {
      await messaging.stopWorkers();
    }
  });
});

describe('the MESSAGING_* settings', () => {
  it('a worker claims MESSAGING_BATCH_SIZE rows per batch, waits MESSAGING_POLL_INTERVAL_MS when idle, and stops without waiting it out', async () => {
    const { createMessagingService } = await import('../src/modules/messaging');
    const { createWechatClient } = await import('../src/modules/wechat');
    const { loadConfig } = await import('../src/config');
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: '/tmp/memberloop-test-unused',
      DATABASE_URL: 'postgres://unused',
      JWT_SECRET: server.config.jwt.secret,
      WECHAT_API_BASE_URL: server.config.wechat.baseUrl,
      WECHAT_APP_ID: server.config.wechat.appId,
      WECHAT_APP_SECRET: server.config.wechat.appSecret,
      LOG_LEVEL: 'silent',
      MESSAGING_BATCH_SIZE: '7',
      MESSAGING_WORKERS: '1',
      MESSAGING_POLL_INTERVAL_MS: '600000',
    });
    const logged: { fields: Record<string, unknown>; message: string }[] = [];
    const logger = { info: (fields: Record<string, unknown>, message: string) => void logged.push({ fields, message }), warn: () => {}, error: () => {} };
    // built as the app builds it, from the config (plus a logger to read the batches from)
    const messaging = createMessagingService(
      { db: server.database.db, clock: server.clock, wechat: createWechatClient({ ...server.config.wechat, clock: server.clock }), config },
      { logger: logger as never },
    );
    const member = await memberWith(server, 'msg', 'settings-a');
    await sendDue(); // nothing else due: the worker sees only this test's rows
    const ids = await enqueue(server, Array.from({ length: 20 }, (_, i) => message(brand.brandId, member.id, { sourceRef: `settings-${i}` })));

    messaging.startWorkers();
    let late: string | undefined;
    try {
      const batches = () => logged.filter((entry) => entry.message === 'outbox batch sent').map((entry) => entry.fields.claimed);
      const deadline = Date.now() + 10_000;
      while ((batches() as number[]).reduce((sum, n) => sum + n, 0) < 20 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(logged[0]).toEqual({ fields: expect.objectContaining({ workers: 1, batchSize: 7, pollIntervalMs: 600_000, defaultSmsProvider: 'dev' }), message: 'outbox sender started' });
      expect(batches()).toEqual([7, 7, 6]);
      for (const id of ids) expect(await outboxRow(server, id)).toMatchObject({ status: 'sent' });

      // the loop went idle after the short batch: a row due now waits for the next poll, ten minutes away
      // (the default interval, one second, would have picked it up)
      [late] = await enqueue(server, [message(brand.brandId, member.id, { sourceRef: 'settings-late' })]);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await outboxRow(server, late!)).toMatchObject({ status: 'pending' });
    } finally {
      const stopping = Date.now();
      await messaging.stopWorkers();
      expect(Date.now() - stopping).toBeLessThan(5000);
    }
    await sendDue();
    expect(await outboxRow(server, late!)).toMatchObject({ status: 'sent' });
  });
});
