/**
 * The browser-test harness: the H5 build of the mini-program served by the real server process (as
 * `npm start` runs it, but on a fresh database of the PostgreSQL at TEST_DATABASE_URL), the fake WeChat
 * API in this process, and Debian's Chromium driven by playwright-core.
 *
 * Shopper and clerk each get their own Chromium profile (their own phone): storage, tokens and the
 * fake-WeChat user never leak from one to the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
// By relative path, not as a workspace dependency: no lockfile change for a test helper.
import { startFakeWechat, type FakeWechat } from '../../scripts/fake-wechat';
import { ROUTES } from '../src/routes';
import { current, eventually, expectText, inputOf, onRoute, typeInto } from './ui';

export const REPO = path.resolve(__dirname, '..', '..');
export const H5_DIR = path.join(REPO, 'miniapp', 'dist', 'h5');
export const OUTPUT_DIR = path.resolve(process.env.TEST_OUTPUT_DIR || path.join(REPO, 'test-output'));
export const SCREENSHOT_DIR = path.join(OUTPUT_DIR, 'screenshots');
const SERVER_LOG = path.join(OUTPUT_DIR, 'e2e-server.log');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** A phone: what the mini-program is laid out for. */
const VIEWPORT = { width: 375, height: 812 };

export const DEMO = {
  brandCode: 'demo',
  password: 'memberloop-demo',
  scenes: { jingan: 'DEMO-SH-JINGAN', xuhui: 'DEMO-SH-XUHUI', sanlitun: 'DEMO-BJ-SANLITUN' },
} as const;

// The app's own route table (a plain constant module), so the test opens the pages the app links to.
export { ROUTES } from '../src/routes';

// ---------------------------------------------------------------------------------------------------
// PostgreSQL: one fresh database per run, created on the server at TEST_DATABASE_URL (the server
// process migrates it and loads the demo brand), dropped at the end.

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
// pg is a dependency of @memberloop/scripts; resolved from there so the mini-program needs no new dependency.
const { Client } = createRequire(path.join(REPO, 'scripts', 'package.json'))('pg') as {
  Client: new (options: { connectionString: string }) => PgClient;
};

function testServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set. Run `npm test` at the repository root (it starts a throwaway PostgreSQL and builds the H5 pages), ' +
        'or point TEST_DATABASE_URL at a PostgreSQL server you can create databases on, e.g. ' +
        'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --filter @memberloop/miniapp test:e2e',
    );
  }
  return url;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function createDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `memberloop_e2e_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => adminQuery(`drop database if exists ${name} with (force)`) };
}

// ---------------------------------------------------------------------------------------------------
// The server process

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface ServerProcess {
  base: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

async function startServer(options: { databaseUrl: string; wechatUrl: string; dataDir: string; h5Dir: string }): Promise<ServerProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const serverDir = path.join(REPO, 'server');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: options.dataDir,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    DEMO_SEED: 'true',
    JOBS_ENABLED: 'false',
    WECHAT_API_BASE_URL: options.wechatUrl,
    MINIAPP_H5_DIR: options.h5Dir,
    LOG_LEVEL: 'warn',
  };
  delete env.PGLITE_DIR;
  // `node --import tsx` (tsx resolved from the server's folder), not the tsx command: that one runs the server in a
  // grandchild process, which our SIGKILL would leave running and which it kills itself when it does not acknowledge
  // our SIGTERM within 30 ms
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(serverDir, 'src', 'main.ts')], { cwd: serverDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const log: WriteStream = createWriteStream(SERVER_LOG);
  let tail = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // should jest end without the teardown (a crash, a timeout), the server must not outlive it
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it was ready:\n${tail}`);
    if (await fetch(`${base}/ready`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server was not ready within 90 s:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  return {
    base,
    child,
    output: () => tail,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// HTTP to the API, for set-up through the operators' API and for cross-checks of what the pages showed

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export interface Api {
  call<T = any>(method: string, url: string, options?: { token?: string; body?: unknown; idempotent?: boolean }): Promise<ApiAnswer<T>>;
  /** Like call, but throws unless the status is 2xx (or `expect`). */
  ok<T = any>(method: string, url: string, options?: { token?: string; body?: unknown; idempotent?: boolean; expect?: number }): Promise<T>;
  staffToken(username: string, password?: string): Promise<string>;
  /** Signs an existing member in as the fake WeChat user `user` (never joins). */
  memberToken(user: string): Promise<string>;
}

function createApi(base: string, fake: FakeWechat): Api {
  const call: Api['call'] = async (method, url, { token, body, idempotent } = {}) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    if (idempotent) headers['idempotency-key'] = randomUUID();
    const response = await fetch(base + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text
    }
    return { status: response.status, body: parsed };
  };
  const ok: Api['ok'] = async (method, url, options = {}) => {
    const answer = await call(method, url, options);
    const fine = options.expect !== undefined ? answer.status === options.expect : answer.status >= 200 && answer.status < 300;
    if (!fine) throw new Error(`${method} ${url} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return {
    call,
    ok,
    async staffToken(username, password = DEMO.password) {
      const body = await ok<{ token: string }>('POST', '/auth/staff/login', { body: { brandCode: DEMO.brandCode, username, password } });
      return body.token;
    },
    async memberToken(user) {
      const { code } = fake.mintLoginCode({ user });
      const body = await ok<{ token: string }>('POST', '/auth/member/login', { body: { code, brandCode: DEMO.brandCode, join: false } });
      return body.token;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Chromium

export interface Phone {
  context: BrowserContext;
  /** The open page (one tab at a time, as in the mini-program). */
  page: Page;
  /** Uncaught errors of the app's JavaScript, with the URL they happened on. */
  errors: string[];
}

async function launchPhone(name: string): Promise<Phone & { close(): Promise<void> }> {
  const profile = mkdtempSync(path.join(tmpdir(), `memberloop-chromium-${name}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(15_000);
  const errors: string[] = [];
  const watch = (page: Page) => page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  const phone = {
    context,
    page,
    errors,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return phone;
}

// ---------------------------------------------------------------------------------------------------
// The harness

export interface Harness {
  /** The server, e.g. http://127.0.0.1:41234 */
  base: string;
  /** The H5 app: `${base}/h5/` */
  h5: string;
  fake: FakeWechat;
  api: Api;
  /** The name of this run's database, to tell it apart in logs */
  databaseName: string;
  /** The shopper's phone, with the `user` query parameter picking the fake WeChat user. */
  shopper(user: string): Promise<Shopper>;
  /** The clerk's phone (sign in with signInClerk). */
  clerk(name?: string): Promise<Clerk>;
  /** A full-page screenshot into test-output/screenshots/<step>.png */
  screenshot(page: Page, step: string): Promise<string>;
  close(): Promise<void>;
}

export interface Shopper extends Phone {
  user: string;
  /** Opens a page of the app afresh (as a tap on a shared link or a scanned code would): `route` with `query` and `user`. */
  open(route: string, query?: Record<string, string>): Promise<Page>;
}

export interface Clerk extends Phone {
  open(route: string, query?: Record<string, string>): Promise<Page>;
}

/** `${h5}#${route}?a=b` */
export function h5Url(h5: string, route: string, query: Record<string, string> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `${h5}#${route}${search ? `?${search}` : ''}`;
}

export async function startHarness(): Promise<Harness> {
  testServerUrl(); // fail first, and clearly, without a database server
  if (!existsSync(path.join(H5_DIR, 'index.html'))) {
    throw new Error(`no H5 build at ${H5_DIR}: run \`pnpm --filter @memberloop/miniapp build:h5\` first (\`npm test\` builds it in the miniapp step)`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing (${CHROMIUM}): \`npm test\` installs it, or run \`apt-get install -y chromium fonts-noto-cjk\``);
  }
  // this run's pictures only
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error('e2e teardown:', error);
      }
    }
  };
  try {
    const database = await createDatabase();
    cleanups.push(() => database.drop());
    const fake = await startFakeWechat();
    cleanups.push(() => fake.close());
    const dataDir = mkdtempSync(path.join(tmpdir(), 'memberloop-e2e-data-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // The server serves a copy of the build, so a rebuild of dist/h5 during the run (taro build empties
    // the folder first) cannot pull pages from under the browser.
    const h5Copy = path.join(dataDir, 'h5');
    cpSync(H5_DIR, h5Copy, { recursive: true });
    const server = await startServer({ databaseUrl: database.url, wechatUrl: fake.url, dataDir, h5Dir: h5Copy });
    cleanups.push(() => server.stop());
    const { base } = server;
    const h5 = `${base}/h5/`;
    const index = await fetch(h5);
    if (!index.ok || !(await index.text()).includes('id="app"')) {
      throw new Error(`the server does not serve the H5 build at ${h5} (status ${index.status}); is MINIAPP_H5_DIR honoured?`);
    }

    const api = createApi(base, fake);
    const phones: { close(): Promise<void> }[] = [];
    cleanups.push(async () => {
      for (const phone of phones) await phone.close();
    });

    const harness: Harness = {
      base,
      h5,
      fake,
      api,
      databaseName: database.name,
      async shopper(user) {
        const phone = await launchPhone(`shopper-${user}`);
        phones.push(phone);
        const shopper: Shopper = {
          ...phone,
          user,
          async open(route, query = {}) {
            shopper.page = await reopen(shopper, h5Url(h5, route, { ...query, user }));
            return shopper.page;
          },
        };
        return shopper;
      },
      async clerk(name = 'clerk') {
        const phone = await launchPhone(name);
        phones.push(phone);
        const clerk: Clerk = {
          ...phone,
          async open(route, query = {}) {
            clerk.page = await reopen(clerk, h5Url(h5, route, query));
            return clerk.page;
          },
        };
        return clerk;
      },
      screenshot: takeScreenshot,
      close: cleanup,
    };
    return harness;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** A new tab on `url`, the old one closed: a fresh load of the app with the phone's storage kept. */
async function reopen(phone: Phone, url: string): Promise<Page> {
  const next = await phone.context.newPage();
  if (!phone.page.isClosed()) await phone.page.close();
  await next.goto(url);
  return next;
}

/**
 * The clerk signs in on the login page of the clerk subpackage (brand code filled in by the build,
 * username, password) and lands on the workbench. `beforeSubmit` sees the filled-in form.
 */
export async function signInClerk(
  clerk: Clerk,
  { username = 'clerk1', password = DEMO.password }: { username?: string; password?: string } = {},
  beforeSubmit?: (page: Page) => Promise<unknown>,
): Promise<Page> {
  const page = await clerk.open(ROUTES.clerkLogin);
  const screen = current(page);
  await expectText(screen, '店员工作台');
  await eventually(async () => expect(await inputOf(screen.getByTestId('clerk-login-brand')).inputValue()).toBe(DEMO.brandCode));
  await typeInto(screen.getByTestId('clerk-login-username'), username);
  await typeInto(screen.getByTestId('clerk-login-password'), password);
  if (beforeSubmit) await beforeSubmit(page);
  await screen.getByTestId('clerk-login-submit').click();
  await onRoute(page, ROUTES.clerkScan);
  await current(page).getByTestId('clerk-page').waitFor();
  return page;
}

async function takeScreenshot(page: Page, step: string): Promise<string> {
  const file = path.join(SCREENSHOT_DIR, `${step}.png`);
  // webfonts and the CJK fallback font first, so the text is in the picture
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  // A Taro page scrolls inside its own container, not the document, so fullPage alone stops at the
  // phone's height: the viewport grows to the page's height for the picture (same width, same layout).
  const viewport = page.viewportSize() ?? VIEWPORT;
  const contentHeight = await page.evaluate(() => {
    const scrollers = [document.documentElement, document.body, ...Array.from(document.querySelectorAll('.taro_page_show, .taro_page_show > *'))];
    return Math.max(...scrollers.map((element) => element.scrollHeight));
  });
  const height = Math.min(Math.max(contentHeight, viewport.height), 4000);
  if (height > viewport.height) await page.setViewportSize({ width: viewport.width, height });
  try {
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  } finally {
    if (height > viewport.height) await page.setViewportSize(viewport);
  }
  return file;
}
