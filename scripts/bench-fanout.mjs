#!/usr/bin/env node
// `npm run bench:fanout -- --members N` (default 1,000,000): a one-off message-only campaign to N generated members
// through the in-app inbox, end to end on a throwaway PostgreSQL — the real server process with its campaign and
// outbox workers, started as in production. Progress on stderr; the last line of stdout is one JSON object:
// {"members","deliveries","duplicates","skipped","seconds","membersPerSecond"}. See README.md, "bench:fanout".
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensurePnpm, freePort, installDependencies, log, ROOT, waitForHttp } from './lib/setup.mjs';
import { startThrowawayPostgres } from './lib/postgres.mjs';
import { fanoutCounts, fanoutProgress, newId } from './lib/fanout.mjs';

const USAGE = 'usage: npm run bench:fanout -- [--members N] [--seed S] [--skip-install] [--keep]';

function parseArgs(argv) {
  const options = { members: 1_000_000, seed: 1, install: true, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (name === '--members') options.members = Number(String(value()).replace(/_/g, ''));
    else if (name === '--seed') options.seed = Number(value());
    else if (name === '--skip-install') options.install = false;
    else if (name === '--keep') options.keep = true;
    else throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
  }
  if (!Number.isInteger(options.members) || options.members < 1) throw new Error(`--members must be a whole number ≥ 1\n${USAGE}`);
  return options;
}

// children run as `node --import tsx` (tsx resolved from their package's folder), not through the tsx command, which
// would start each in a grandchild process that a SIGKILL of ours would leave running
const SCRIPTS_DIR = path.join(ROOT, 'scripts');
const SERVER_DIR = path.join(ROOT, 'server');
const tsNode = (cwd, file, args, options) => spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd, ...options });
const BRAND = 'fanout';
const PASSWORD = 'memberloop-demo';
const work = mkdtempSync(path.join(tmpdir(), 'memberloop-fanout-'));
const children = [];
let postgres;
let cleaned = false;

/** Stops the server and the fake WeChat, then the database; safe to call twice. */
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => (clearTimeout(force), resolve()));
          child.kill('SIGTERM');
        }),
    ),
  );
  try {
    postgres?.stop();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`${signal}: stopping the server and removing the database`);
    void cleanup().finally(() => process.exit(130));
  });
}
// last resort if we exit some other way: no server or database left behind
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (!cleaned) postgres?.stop();
});

function startChild(name, cwd, file, env, logFile) {
  const child = tsNode(cwd, file, [], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createWriteStream(logFile);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  child.on('exit', (code, signal) => {
    if (!cleaned) log(`${name} stopped (${signal ?? code}); its log: ${logFile}\n${tail(logFile)}`);
  });
  children.push(child);
  return child;
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function http(base, method, url, { body, token } = {}) {
  const response = await fetch(base + url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed };
}

function expectStatus(what, response, ...statuses) {
  if (!statuses.includes(response.status)) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Runs the generator; its progress bar goes to our stderr, its summary (last stdout line) is returned. */
function generate(databaseUrl, members, seed) {
  return new Promise((resolve, reject) => {
    const child = tsNode(
      SCRIPTS_DIR,
      path.join(SCRIPTS_DIR, 'generate', 'cli.ts'),
      ['--members', String(members), '--seed', String(seed), '--brand', BRAND, '--orders-per-member', '0.1', '--stores', '5', '--no-events', '--database-url', databaseUrl],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the generator exited with ${code}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.install) {
    await ensurePnpm();
    await installDependencies();
  }
  postgres = await startThrowawayPostgres();
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query('create database fanout');
  await admin.end();
  const databaseUrl = new URL(postgres.url);
  databaseUrl.pathname = '/fanout';
  const db = new pg.Pool({ connectionString: databaseUrl.toString(), max: 2 });
  log(`database ${databaseUrl}${options.keep ? ' (kept until Ctrl-C after the run)' : ''}`);

  const fakePort = await freePort();
  const fakeUrl = `http://127.0.0.1:${fakePort}`;
  const fake = startChild('fake WeChat API', SCRIPTS_DIR, path.join(SCRIPTS_DIR, 'fake-wechat', 'main.ts'), { FAKE_WECHAT_PORT: String(fakePort), FAKE_WECHAT_HOST: '127.0.0.1' }, path.join(work, 'fake-wechat.log'));
  await waitForHttp(`${fakeUrl}/__dev/stats`, 30_000, () => fake.exitCode === null);

  // the server migrates the empty database and seeds the demo brand (whose operator's password we reuse)
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const serverLog = path.join(work, 'server.log');
  log(`starting the server on ${base} (jobs and workers on; log in ${serverLog})`);
  const server = startChild(
    'server',
    SERVER_DIR,
    path.join(SERVER_DIR, 'src', 'main.ts'),
    {
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-fanout-secret-bench-fanout-secret-0123',
      WECHAT_APP_ID: 'wx0000000000000001',
      WECHAT_APP_SECRET: 'dev-app-secret-change-me',
      WECHAT_API_BASE_URL: fakeUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl.toString(),
      DATA_DIR: path.join(work, 'data'),
      DEMO_SEED: 'true',
      JOBS_ENABLED: 'true',
      LOG_LEVEL: 'warn',
    },
    serverLog,
  );
  await waitForHttp(`${base}/ready`, 120_000, () => server.exitCode === null);

  log(`generating ${fmt(options.members)} members (few purchases, no events)`);
  const generated = await generate(databaseUrl.toString(), options.members, options.seed);
  const brandId = generated.brandId;

  // everyone consents, no quiet hours (the run must not wait for the morning), an operator for the brand
  let started = Date.now();
  await db.query(`update members set marketing_consent = true, consent_changed_at = coalesce(consent_changed_at, joined_at) where brand_id = $1 and not marketing_consent`, [brandId]);
  await db.query(`insert into messaging_settings (brand_id, quiet_start, quiet_end) values ($1, '00:00', '00:00') on conflict (brand_id) do update set quiet_start = '00:00', quiet_end = '00:00'`, [brandId]);
  await db.query(
    `insert into staff (id, brand_id, username, display_name, role, password_hash)
     select $1, $2, 'bench-operator', '压测运营', 'operator', password_hash from staff s join brands b on b.id = s.brand_id where b.code = 'demo' and s.username = 'operator'`,
    [newId('stf'), brandId],
  );
  await db.query('vacuum analyze members');
  log(`consent for all, quiet hours off, operator added, members vacuumed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const login = expectStatus('operator login', await http(base, 'POST', '/auth/staff/login', { body: { brandCode: BRAND, username: 'bench-operator', password: PASSWORD } }), 200);
  const token = login.token;
  const segment = expectStatus('segment', await http(base, 'POST', '/segments', { token, body: { name: '全部会员', filter: { field: 'marketingConsent', op: 'eq', value: true } } }), 200, 201);
  const campaign = expectStatus(
    'campaign',
    await http(base, 'POST', '/campaigns', {
      token,
      body: {
        name: `压测 ${fmt(options.members)} 人`,
        kind: 'one_off',
        segmentId: segment.id,
        variants: [{ key: 'a', weight: 1, actions: { message: { inbox: { title: '{{name}}，冬季新品上市', body: '{{brand}} 冬季新品已到店，会员专享折扣本周有效。' } } } }],
        holdoutPercent: 0,
        channels: ['inbox'],
      },
    }),
    201,
  );

  log(`activating campaign ${campaign.id} to ${fmt(options.members)} members`);
  const activatedAt = Date.now();
  expectStatus('activate', await http(base, 'POST', `/campaigns/${campaign.id}/activate`, { token }), 200, 201, 202);

  const tty = process.stderr.isTTY;
  let lastPrinted = 0;
  let decidedAt = null;
  let seen;
  let pollMs = 0;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error('the server died during the run');
    const polled = performance.now();
    seen = await fanoutProgress(db, brandId, campaign.id);
    pollMs += performance.now() - polled;
    const elapsed = (Date.now() - activatedAt) / 1000;
    if (seen.runStatus === 'done' && decidedAt === null) decidedAt = Date.now();
    const line = `  ${elapsed.toFixed(0).padStart(4)} s  decided ${fmt(seen.decided).padStart(9)}/${fmt(seen.audience ?? options.members)}  sent ${fmt(seen.sent).padStart(9)}  pending ${fmt(seen.pending).padStart(9)}  run ${seen.runStatus ?? '-'}`;
    if (tty) process.stderr.write(`\r${line}`);
    else if (Date.now() - lastPrinted >= 10_000) (process.stderr.write(`${line}\n`), (lastPrinted = Date.now()));
    if (seen.runStatus === 'failed' || seen.runStatus === 'cancelled') throw new Error(`the campaign run ${seen.runStatus}: ${seen.runError ?? ''}`);
    if (seen.runStatus === 'done' && seen.pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  if (tty) process.stderr.write('\n');

  log('counting deliveries, duplicates and skipped members');
  started = Date.now();
  const counts = await fanoutCounts(db, brandId, campaign.id);
  log(`counted in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // timed from activation to the last message sent, by the database's own timestamps (same machine clock)
  const seconds = Math.max(0.001, (counts.lastSentAt?.getTime() ?? Date.now()) - activatedAt) / 1000;
  const decideSeconds = counts.runFinishedAt ? (counts.runFinishedAt.getTime() - activatedAt) / 1000 : null;
  log(
    `decisions done after ${decideSeconds?.toFixed(1) ?? '?'} s, outbox drained after ${seconds.toFixed(1)} s; ` +
      `deliveries by status ${JSON.stringify(counts.deliveriesByStatus)}, outbox by status ${JSON.stringify(counts.outboxByStatus)}; ` +
      `progress polling took ${(pollMs / 1000).toFixed(1)} s`,
  );
  await db.end();
  if (options.keep) {
    log(`--keep: the server and the database stay up (${base}, ${databaseUrl}); Ctrl-C stops and removes them`);
  } else {
    await cleanup();
  }
  const result = {
    members: counts.members,
    deliveries: counts.deliveries,
    duplicates: counts.duplicates,
    skipped: counts.skipped,
    seconds: Number(seconds.toFixed(1)),
    membersPerSecond: Math.round(counts.members / seconds),
  };
  console.log(JSON.stringify(result));
  if (options.keep) await new Promise(() => {});
  const ok = result.duplicates === 0 && result.skipped === 0 && result.deliveries === result.members && result.members === options.members;
  process.exit(ok ? 0 : 1);
}

main().catch(async (error) => {
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.error(error instanceof Error ? error.message : error);
  await cleanup();
  process.exit(1);
});
