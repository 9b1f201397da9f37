import { startFakeWechat, type FakeWechat } from '@memberloop/scripts';
import { Pool } from 'pg';
import { createTestDatabase, urlForDatabase } from '../test-database';
import { createInboxCampaign, fanoutCounts, seedFanoutBrand, type FanoutBrand } from './fanout-fixture';
import { httpClient, sleep, startServerProcess, type ServerProcess } from './server-process';

/**
 * Issue 6, "a crash test": a one-off campaign to 10 000 members through the in-app inbox, the server process killed
 * with SIGKILL while it decides, started again, killed again while it sends, started again — and in the end every
 * member has exactly one delivery and one inbox message: none skipped, none doubled, nothing left pending.
 */

const MEMBERS = 10_000;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fake: FakeWechat;
let pool: Pool;
const started: ServerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new Pool({ connectionString: urlForDatabase(database.name), max: 3 });
  fake = await startFakeWechat();
});

afterAll(async () => {
  await Promise.all(started.map((server) => server.kill()));
  await fake?.close();
  await pool?.end();
  await database?.drop();
});

async function start(name: string): Promise<ServerProcess> {
  const server = await startServerProcess({ name, databaseUrl: urlForDatabase(database.name), wechatBaseUrl: fake.url, env: { LOG_LEVEL: 'warn' } });
  started.push(server);
  return server;
}

/** Quick figures, cheap enough to poll every few milliseconds: this database holds only this campaign. */
async function progress(brand: FanoutBrand, campaignId: string) {
  const { rows: [row] } = await pool.query(
    `select (select count(*) from campaign_deliveries where brand_id = $1 and campaign_id = $2)::int as decided,
            (select count(*) from message_outbox where brand_id = $1 and status = 'pending')::int as pending,
            (select count(*) from message_outbox where brand_id = $1 and status = 'sent')::int as sent,
            (select status from campaign_runs where brand_id = $1 and campaign_id = $2 order by started_at desc limit 1) as run`,
    [brand.brandId, campaignId],
  );
  return row as { decided: number; pending: number; sent: number; run: string | null };
}

type Progress = Awaited<ReturnType<typeof progress>>;

/** Polls until `when` holds (then SIGKILLs the server at once) or `giveUp` does; answers the figures at the kill. */
async function killWhen(server: ServerProcess, brand: FanoutBrand, campaignId: string, when: (p: Progress) => boolean, giveUp: (p: Progress) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await progress(brand, campaignId);
    if (when(seen)) {
      await server.kill();
      return { killed: true, seen, after: await progress(brand, campaignId) };
    }
    if (giveUp(seen) || Date.now() > deadline || !server.alive()) return { killed: false, seen, after: seen };
    await sleep(5);
  }
}

describe('a campaign to 10 000 members and a server killed with SIGKILL', () => {
  it('reaches every member exactly once after restarts', async () => {
    const brand = await seedFanoutBrand(pool, 'crash', MEMBERS);
    let server = await start('server-1');
    let http = httpClient(server.base);
    const { token, campaignId } = await createInboxCampaign(http, brand);

    const activated = await http('POST', `/campaigns/${campaignId}/activate`, { token });
    expect([200, 201, 202]).toContain(activated.status);

    // 1. killed while deciding: some members have their delivery, not all
    // (after a few batches, so the restarted server has a backlog of several outbox batches to send)
    const first = await killWhen(server, brand, campaignId, (p) => p.decided >= MEMBERS * 0.3, (p) => p.decided >= MEMBERS, 60_000);
    expect(first).toMatchObject({ killed: true });
    expect(server.child.signalCode).toBe('SIGKILL');
    expect(first.after.decided).toBeGreaterThan(0);
    expect(first.after.decided).toBeLessThan(MEMBERS);
    expect(first.after.run).toBe('deciding');

    // 2. started again: it sends the outbox rows already decided at once, and takes the run up again once its
    // heartbeat is stale; killed while sending (this server has sent some rows, others are still pending)
    server = await start('server-2');
    const second = await killWhen(server, brand, campaignId, (p) => p.pending > 0 && p.sent > first.after.sent, (p) => p.decided >= MEMBERS && p.pending === 0, 90_000);
    process.stderr.write(`crash test: killed while deciding at ${JSON.stringify(first.after)}; while sending: ${JSON.stringify(second)}\n`);
    if (second.killed) {
      expect(server.child.signalCode).toBe('SIGKILL');
      expect(second.after.pending).toBeGreaterThan(0);
    } else {
      // the sender emptied the outbox before the poll saw a moment to kill in: the case is covered by kill 1 only
      console.warn(`kill during sending not possible: ${JSON.stringify(second.seen)}`);
    }

    // 3. started again: everything finishes
    server = await start('server-3');
    http = httpClient(server.base);
    const deadline = Date.now() + 90_000;
    let seen = await progress(brand, campaignId);
    while (!(seen.run === 'done' && seen.decided >= MEMBERS && seen.pending === 0)) {
      if (Date.now() > deadline) throw new Error(`not finished after 90 s: ${JSON.stringify(seen)}\n${server.output().slice(-3000)}`);
      expect(server.alive()).toBe(true);
      await sleep(200);
      seen = await progress(brand, campaignId);
    }

    const counts = await fanoutCounts(pool, brand.brandId, campaignId);
    expect(counts).toMatchObject({
      members: MEMBERS,
      deliveryRows: MEMBERS,
      delivered: MEMBERS,
      duplicates: 0,
      skipped: 0,
      pending: 0,
      outboxByStatus: { sent: MEMBERS },
      deliveriesByStatus: { queued: MEMBERS },
    });
    // one run, resumed rather than started again
    expect(counts.runs).toHaveLength(1);
    expect(counts.runs[0]).toMatchObject({ status: 'done', decided_count: MEMBERS });
    const { rows: [inbox] } = await pool.query('select count(*)::int as n, count(distinct member_id)::int as members from inbox_messages where brand_id = $1', [brand.brandId]);
    expect(inbox).toEqual({ n: MEMBERS, members: MEMBERS });

    // the API tells the same story
    const runs = await http('GET', `/campaigns/${campaignId}/runs`, { token });
    expect(runs.status).toBe(200);
    expect(runs.body.items).toHaveLength(1);
    expect(runs.body.items[0]).toMatchObject({ status: 'done', decidedCount: MEMBERS, counts: { queued: MEMBERS, heldOut: 0, skipped: 0 } });
    expect(await server.stop()).toBe(0);
  }, 300_000);
});
