import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeWechat, type FakeWechat } from '@memberloop/scripts';

/**
 * The server as `npm start` runs it: a real process on the embedded PGlite database with the demo data,
 * stopped and started again to show the data survives.
 */

const TSX = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
const MAIN = path.join(__dirname, '..', 'src', 'main.ts');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitReady(base: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    const ok = await fetch(`${base}/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`server not ready:\n${output()}`);
}

describe('the server on the embedded database', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'memberloop-start-'));
  let fake: FakeWechat;
  let port: number;
  let base: string;

  beforeAll(async () => {
    fake = await startFakeWechat();
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<{ child: ChildProcess; output: () => string; stop: () => Promise<number | null> }> {
    let output = '';
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, DEMO_SEED: 'true', WECHAT_API_BASE_URL: fake.url, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
    delete env.DATABASE_URL;
    const child = spawn(TSX, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    await waitReady(base, child, () => output);
    return {
      child,
      output: () => output,
      stop: () =>
        new Promise((resolve) => {
          child.once('exit', (code) => resolve(code));
          child.kill('SIGTERM');
        }),
    };
  }

  const post = async (url: string, body: unknown, token?: string) => {
    const response = await fetch(base + url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const get = async (url: string, token?: string) => {
    const response = await fetch(base + url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('starts with demo data, lets staff log in and a shopper join, and keeps it all after a restart', async () => {
    const first = await start();
    expect(first.output()).toContain('memberloop is up');
    expect(first.output()).toContain('DEMO-SH-JINGAN');
    expect((await get('/health')).body).toEqual({ status: 'ok' });
    expect((await get('/ready')).body).toEqual({ status: 'ready', database: 'pglite' });
    expect((await get('/docs/json')).body.openapi).toMatch(/^3\./);

    const operator = await post('/auth/staff/login', { brandCode: 'demo', username: 'operator', password: 'memberloop-demo' });
    expect(operator.status).toBe(200);
    const clerk = await post('/auth/staff/login', { brandCode: 'demo', username: 'clerk1', password: 'memberloop-demo' });
    expect(clerk.body.staff.role).toBe('clerk');
    const demoMembers = (await get('/members', operator.body.token)).body.total;
    expect(demoMembers).toBeGreaterThanOrEqual(20);

    const joined = await post('/auth/member/login', { code: fake.mintLoginCode({ user: 'restart-shopper' }).code, scene: 'DEMO-SH-JINGAN' });
    expect(joined.status).toBe(200);
    expect(joined.body.isNew).toBe(true);
    expect(joined.body.member.joinSource).toMatchObject({ type: 'store', storeId: clerk.body.staff.storeIds[0] });
    expect((await get('/members/me', joined.body.token)).body.id).toBe(joined.body.member.id);
    expect(await first.stop()).toBe(0);

    const second = await start();
    const again = await post('/auth/member/login', { code: fake.mintLoginCode({ user: 'restart-shopper' }).code, brandCode: 'demo' });
    expect(again.body).toMatchObject({ isNew: false, member: { id: joined.body.member.id } });
    // the token from before the restart still works: the generated secret is kept in DATA_DIR
    expect((await get('/members/me', joined.body.token)).status).toBe(200);
    const operatorAgain = await post('/auth/staff/login', { brandCode: 'demo', username: 'operator', password: 'memberloop-demo' });
    expect((await get('/members', operatorAgain.body.token)).body.total).toBe(demoMembers + 1);
    expect(await second.stop()).toBe(0);
  }, 180_000);

  it('refuses to start with a bad variable and names it', async () => {
    const child = spawn(TSX, [MAIN], { env: { ...process.env, PORT: 'not-a-port', DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toMatch(/PORT must be an integer/);
  }, 60_000);
});
