/**
 * `npm run bench:value`: the coupon-claim storm and a random ledger workload over HTTP against the real server
 * on a throwaway PostgreSQL. Prints progress on stderr and, as its last line, one JSON object of figures.
 *
 * Env: DATABASE_URL (given by bench-value.mjs), BENCH_CLAIMS (10000), BENCH_QUANTITY (1000),
 * BENCH_CLAIM_MEMBERS (2000), BENCH_LEDGER_OPS (5000), BENCH_LEDGER_MEMBERS (500), BENCH_CONCURRENCY (64).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeWechat } from '../fake-wechat';
import { createHttpClient, latencySummary, progress, runPool } from './http-load';
import { countInvariantViolations } from './invariants';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CLAIMS = env('BENCH_CLAIMS', 10_000);
const QUANTITY = env('BENCH_QUANTITY', 1_000);
const CLAIM_MEMBERS = env('BENCH_CLAIM_MEMBERS', 2_000);
const LEDGER_OPS = env('BENCH_LEDGER_OPS', 5_000);
const LEDGER_MEMBERS = env('BENCH_LEDGER_MEMBERS', 500);
const CONCURRENCY = env('BENCH_CONCURRENCY', 64);
const ROOT = path.resolve(__dirname, '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A seeded random, so two runs do the same work. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required (npm run bench:value starts a throwaway PostgreSQL)');
  const fake = await startFakeWechat();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // `node --import tsx` (tsx resolved from the server's folder), not the tsx command: that one runs the server in a
  // grandchild process and, when it does not acknowledge our SIGTERM within 30 ms (busy under load), kills it
  const serverDir = path.join(ROOT, 'server');
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(serverDir, 'src', 'main.ts')], {
    cwd: serverDir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      WECHAT_APP_ID: 'wx0000000000000001',
      WECHAT_APP_SECRET: 'dev-app-secret-change-me',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '20',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'memberloop-bench-')),
      WECHAT_API_BASE_URL: fake.url,
      DEMO_SEED: 'true',
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
  const running = () => server.exitCode === null && server.signalCode === null;
  // last resort, if we end some other way: no server left behind
  process.on('exit', () => running() && server.kill('SIGKILL'));
  /** SIGTERM, and wait for the server to finish its shutdown (before bench-value.mjs stops the database). */
  const stop = async () => {
    if (!running()) return;
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 30_000);
    const { code, signal } = await exited;
    clearTimeout(timer);
    if (code !== 0) process.stderr.write(`the server exited with ${signal ?? code} when stopped\n`);
  };
  try {
    const http = createHttpClient(base);
    for (let i = 0; ; i++) {
      if (server.exitCode !== null) throw new Error('the server exited during start');
      if ((await http('GET', '/ready').catch(() => ({ status: 0 }))).status === 200) break;
      if (i > 600) throw new Error('the server did not get ready');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const admin = (await http('POST', '/auth/staff/login', { body: { brandCode: 'demo', username: 'admin', password: 'memberloop-demo' } })).body;
    const adminToken: string = admin.token;
    const stores = (await http('GET', '/stores', { token: adminToken })).body as { id: string }[];
    const storeId = stores[0]!.id;

    // members join through the fake WeChat login, like shoppers scanning a store code
    const memberCount = Math.max(CLAIM_MEMBERS, LEDGER_MEMBERS);
    const joins = await runPool(memberCount, CONCURRENCY, async (i) => {
      if (i % 100 === 0) progress('members joining', i, memberCount);
      const { code } = fake.mintLoginCode({ user: `bench-${i}` });
      const joined = await http('POST', '/auth/member/login', { body: { code, brandCode: 'demo' } });
      if (joined.status !== 200) throw new Error(`join failed: ${JSON.stringify(joined.body)}`);
      return { token: joined.body.token as string, memberId: joined.body.member.id as string };
    });
    progress('members joining', memberCount, memberCount);
    const members = joins.map((join) => join.result);

    // 1. the coupon-claim storm
    const template = await http('POST', '/coupon-templates', {
      token: adminToken,
      body: { name: '压测券', kind: 'cash_off', valueFen: 1000, thresholdFen: 5000, validityMode: 'relative', validDays: 30, totalQuantity: QUANTITY, perMemberLimit: 1, claimable: true },
    });
    if (template.status !== 201) throw new Error(`template: ${JSON.stringify(template.body)}`);
    const claimStarted = performance.now();
    const claims = await runPool(CLAIMS, CONCURRENCY, async (i) => {
      if (i % 500 === 0) progress('coupon claims', i, CLAIMS);
      const member = members[i % CLAIM_MEMBERS]!;
      return (await http('POST', `/coupon-templates/${template.body.id}/claim`, { token: member.token })).status;
    });
    progress('coupon claims', CLAIMS, CLAIMS);
    const claimSeconds = (performance.now() - claimStarted) / 1000;
    const claimStatuses = claims.reduce<Record<number, number>>((counts, claim) => ({ ...counts, [claim.result]: (counts[claim.result] ?? 0) + 1 }), {});
    const issued = (await http('GET', `/coupon-templates/${template.body.id}`, { token: adminToken })).body.issuedCount as number;

    // 2. random earn / redeem / refund over HTTP
    const rand = random(42);
    const ordersByMember = new Map<string, string[]>();
    const ledgerStarted = performance.now();
    const ledger = await runPool(LEDGER_OPS, 32, async (i) => {
      if (i % 250 === 0) progress('ledger operations', i, LEDGER_OPS);
      const member = members[Math.floor(rand() * LEDGER_MEMBERS)]!;
      const roll = rand();
      const orders = ordersByMember.get(member.memberId) ?? [];
      if (roll < 0.5 || orders.length === 0) {
        const amountFen = 1000 + Math.floor(rand() * 50_000);
        const purchase = await http('POST', '/orders', { token: adminToken, body: { memberId: member.memberId, storeId, amountFen } });
        if (purchase.status === 201) ordersByMember.set(member.memberId, [...orders, purchase.body.order.id]);
        return { op: 'earn', status: purchase.status };
      }
      if (roll < 0.8) {
        const amount = -(1 + Math.floor(rand() * 60));
        const redeem = await http('POST', `/members/${member.memberId}/points/adjustments`, { token: adminToken, body: { amount, reason: '压测兑换' } });
        return { op: 'redeem', status: redeem.status };
      }
      const orderId = orders[Math.floor(rand() * orders.length)]!;
      const refund = await http('POST', `/orders/${orderId}/refunds`, { token: adminToken, body: { amountFen: 500 + Math.floor(rand() * 5_000) } });
      return { op: 'refund', status: refund.status };
    });
    progress('ledger operations', LEDGER_OPS, LEDGER_OPS);
    const ledgerSeconds = (performance.now() - ledgerStarted) / 1000;
    const ledgerOutcomes: Record<string, number> = {};
    for (const { result } of ledger) ledgerOutcomes[`${result.op} ${result.status}`] = (ledgerOutcomes[`${result.op} ${result.status}`] ?? 0) + 1;
    const unexpected = ledger.filter(({ result }) => result.status >= 500).length + claims.filter(({ result }) => result >= 500).length;

    const violations = await countInvariantViolations(databaseUrl);
    const invariantViolations = Object.values(violations).reduce((sum, n) => sum + n, 0) + (issued > QUANTITY ? 1 : 0);
    const claimLatency = latencySummary(claims.map((claim) => claim.ms));
    const ledgerLatency = latencySummary(ledger.map((op) => op.ms));
    const all = latencySummary([...claims, ...ledger].map((item) => item.ms));

    process.stderr.write(`claims: ${JSON.stringify(claimStatuses)}\nledger: ${JSON.stringify(ledgerOutcomes)}\nviolations: ${JSON.stringify(violations)}\n`);
    console.log(
      JSON.stringify({
        claims: CLAIMS,
        couponQuantity: QUANTITY,
        couponsIssued: issued,
        claimsPerSecond: Math.round(CLAIMS / claimSeconds),
        claimP50Ms: claimLatency.p50Ms,
        claimP99Ms: claimLatency.p99Ms,
        ledgerOps: LEDGER_OPS,
        ledgerOpsPerSecond: Math.round(LEDGER_OPS / ledgerSeconds),
        ledgerP50Ms: ledgerLatency.p50Ms,
        ledgerP99Ms: ledgerLatency.p99Ms,
        p50Ms: all.p50Ms,
        p99Ms: all.p99Ms,
        serverErrors: unexpected,
        invariantViolations,
      }),
    );
  } finally {
    await stop();
    await fake.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
