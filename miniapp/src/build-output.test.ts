/**
 * @jest-environment node
 *
 * Checks what `taro build --type weapp` and `taro build --type h5` left in dist/ (the package's
 * `test` script builds both first): pages, subpackages, tab icons and package sizes of weapp;
 * then boots the H5 build in jsdom from a sub-path against the in-memory fake backend, walks
 * through joining, from a scanned scene and from the launch page, and opens every page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { API_BASE, createFakeBackend } from '../test/fake-backend';
import { ITEM_IDS } from '../test/fixtures';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const weapp = path.join(dist, 'weapp');
const h5 = path.join(dist, 'h5');

const skip = !fs.existsSync(dist) && process.env.MINIAPP_SKIP_BUILD_CHECK === '1';
if (skip) {
  console.warn(
    'build-output.test.ts skipped: dist/ is absent and MINIAPP_SKIP_BUILD_CHECK=1. ' +
      'Run `pnpm build:weapp && pnpm build:h5` (or `pnpm test`, which builds both) to check the builds.',
  );
}

interface AppConfig {
  pages: string[];
  subPackages: Array<{ root: string; pages: string[] }>;
  tabBar: { list: Array<{ pagePath: string; iconPath: string; selectedIconPath: string }> };
}

function appConfig(): AppConfig {
  const globals = globalThis as { defineAppConfig?: (config: unknown) => unknown };
  globals.defineAppConfig = (config) => config;
  return require('./app.config').default as AppConfig;
}

function appPages(): string[] {
  return appConfig().pages;
}

function subpackagePages(): string[] {
  return appConfig().subPackages.flatMap((pkg) => pkg.pages.map((page) => `${pkg.root}/${page}`));
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

function totalBytes(dir: string): number {
  return filesUnder(dir).reduce((sum, file) => sum + fs.statSync(file).size, 0);
}

/** What the builds were given; without it weapp uses the local server and H5 the page's origin. */
const configuredApiBase = (process.env.TARO_APP_API_BASE ?? '').replace(/\/+$/, '');
const expectedApiBase = configuredApiBase || 'http://127.0.0.1:3000';

/** Bytes of the main package: everything but the subpackage folders. */
function mainPackageBytes(): number {
  const roots = appConfig().subPackages.map((pkg) => path.join(weapp, pkg.root) + path.sep);
  return filesUnder(weapp)
    .filter((file) => !roots.some((root) => file.startsWith(root)))
    .reduce((sum, file) => sum + fs.statSync(file).size, 0);
}

function jsUnder(dir: string, exclude: string[] = []): string {
  return filesUnder(dir)
    .filter((file) => file.endsWith('.js') && !exclude.some((prefix) => file.startsWith(prefix)))
    .map((file) => fs.readFileSync(file, 'utf8'))
    .join('\n');
}

(skip ? describe.skip : describe)('weapp build (dist/weapp)', () => {
  it('exists', () => {
    if (!fs.existsSync(path.join(weapp, 'app.json'))) {
      throw new Error('dist/weapp/app.json is missing: run `pnpm build:weapp` (`pnpm test` builds both targets)');
    }
  });

  it('lists every page, subpackage and tab of app.config.ts in app.json', () => {
    const appJson = JSON.parse(fs.readFileSync(path.join(weapp, 'app.json'), 'utf8')) as AppConfig & { preloadRule?: unknown };
    expect(appJson.pages).toEqual(appPages());
    expect(appJson.pages).toEqual(
      expect.arrayContaining([
        'pages/card/index',
        'pages/points/index',
        'pages/mall/index',
        'pages/profile/index',
        'pages/index/index',
        'pages/join/index',
        'pages/coupons/index',
        'pages/coupons/detail',
        'pages/tier/index',
        'pages/messages/index',
      ]),
    );
    expect(appJson.pages[0]).toBe('pages/card/index');
    expect(appJson.subPackages).toEqual([
      { root: 'packages/mall', pages: ['item/index', 'exchanges/index', 'exchange/index'] },
      { root: 'packages/clerk', pages: ['login/index', 'scan/index'] },
    ]);
    expect(appJson.subPackages).toEqual(appConfig().subPackages);
    expect(appJson.tabBar.list.map((tab) => tab.pagePath)).toEqual(['pages/card/index', 'pages/points/index', 'pages/mall/index', 'pages/profile/index']);
    expect(appJson.preloadRule).toEqual({ 'pages/mall/index': { network: 'all', packages: ['packages/mall'] } });
  });

  it('has the tab-bar icons as PNG files', () => {
    for (const tab of appConfig().tabBar.list) {
      for (const icon of [tab.iconPath, tab.selectedIconPath]) {
        const png = fs.readFileSync(path.join(weapp, icon));
        expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      }
    }
  });

  it('has every subpackage page, and the chunks each page requires', () => {
    for (const page of [...appPages(), ...subpackagePages()]) {
      for (const ext of ['js', 'json', 'wxml']) {
        expect(fs.existsSync(path.join(weapp, `${page}.${ext}`))).toBe(true);
      }
      const js = fs.readFileSync(path.join(weapp, `${page}.js`), 'utf8');
      for (const [, chunk] of js.matchAll(/require\("(\.{1,2}\/[\w./-]+)"\)/g)) {
        const file = path.resolve(path.dirname(path.join(weapp, page)), chunk!);
        expect(fs.existsSync(file.endsWith('.js') ? file : `${file}.js`)).toBe(true);
      }
    }
  });

  it('has the app and page files, and every chunk app.js requires', () => {
    for (const file of ['app.js', 'app.json', 'app.wxss', 'base.wxml']) {
      expect(fs.statSync(path.join(weapp, file)).size).toBeGreaterThan(0);
    }
    for (const page of appPages()) {
      for (const ext of ['js', 'json', 'wxml']) {
        expect(fs.existsSync(path.join(weapp, `${page}.${ext}`))).toBe(true);
      }
      expect(fs.statSync(path.join(weapp, `${page}.js`)).size).toBeGreaterThan(0);
    }
    const appJs = fs.readFileSync(path.join(weapp, 'app.js'), 'utf8');
    const required = [...appJs.matchAll(/require\("\.\/([\w./-]+)"\)/g)].map((m) => m[1]!);
    expect(required.length).toBeGreaterThan(0);
    for (const chunk of required) expect(fs.existsSync(path.join(weapp, `${chunk}.js`))).toBe(true);
  });

  it('carries the project config with the app id', () => {
    const project = JSON.parse(fs.readFileSync(path.join(weapp, 'project.config.json'), 'utf8')) as { appid: string };
    expect(project.appid).toBe('wx0000000000000001');
  });

  it('has the build-time settings and the shared helpers compiled in', () => {
    const js = filesUnder(weapp)
      .filter((file) => file.endsWith('.js'))
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n');
    expect(js).toContain(expectedApiBase);
    // weapp has no `process`: every process.env.TARO_APP_* must have been replaced at build time.
    expect(js).not.toMatch(/process\.env\.TARO_APP_/);
    // ERRORS from @memberloop/shared, compiled from its TypeScript source.
    expect(js).toContain('JOIN_SCENE_NOT_FOUND');
    // shared/ is marked side-effect free, so its unused TypeBox schemas stay out of the bundle.
    expect(js).not.toContain('TypeBox');
    // The H5-only paths (login and phone codes of the fake WeChat server) are dropped from weapp.
    expect(js).not.toContain('__dev/login-code');
    expect(js).not.toContain('__dev/phone-code');
    expect(js).not.toContain('/dev/wechat');
  });

  it('fits the package limits of WeChat: 2 MB main package, 2 MB per subpackage, 20 MB in all', () => {
    const main = mainPackageBytes();
    const total = totalBytes(weapp);
    const subpackages = Object.fromEntries(appConfig().subPackages.map((pkg) => [pkg.root, totalBytes(path.join(weapp, pkg.root))]));
    console.info(`weapp sizes (bytes): main ${main}, total ${total}, ${JSON.stringify(subpackages)}`);
    expect(main).toBeLessThan(2 * 1024 * 1024);
    for (const bytes of Object.values(subpackages)) expect(bytes).toBeLessThan(2 * 1024 * 1024);
    expect(total).toBeLessThan(20 * 1024 * 1024);
  });

  it('keeps what only clerks and mall details use out of the main package', () => {
    const subRoots = appConfig().subPackages.map((pkg) => path.join(weapp, pkg.root));
    const mainJs = jsUnder(weapp, subRoots);
    const clerkJs = jsUnder(path.join(weapp, 'packages/clerk'));
    const mallJs = jsUnder(path.join(weapp, 'packages/mall'));
    // Test ids are ASCII (weapp escapes the Chinese text), and each is used by one page only.
    const where = (text: string) => ({ main: mainJs.includes(text), clerk: clerkJs.includes(text), mall: mallJs.includes(text) });
    for (const text of ['clerk-login-submit', 'clerk-purchase-submit', 'clerk-redeem-submit', 'clerk-pickup-submit']) {
      expect({ text, ...where(text) }).toEqual({ text, main: false, clerk: true, mall: false });
    }
    for (const text of ['mall-exchange-submit', 'mall-exchange-cancel', 'mall-exchanges-list']) {
      expect({ text, ...where(text) }).toEqual({ text, main: false, clerk: false, mall: true });
    }
  });
});

(skip ? describe.skip : describe)('H5 build (dist/h5)', () => {
  const indexHtml = () => fs.readFileSync(path.join(h5, 'index.html'), 'utf8');

  it('exists', () => {
    if (!fs.existsSync(path.join(h5, 'index.html'))) {
      throw new Error('dist/h5/index.html is missing: run `pnpm build:h5` (`pnpm test` builds both targets)');
    }
  });

  it('has index.html referencing scripts and styles that exist, by relative path', () => {
    const html = indexHtml();
    const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);
    const styles = [...html.matchAll(/<link[^>]*\shref="([^"]+\.css)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const ref of [...scripts, ...styles]) {
      expect(ref.startsWith('./')).toBe(true); // publicPath './': servable from any sub-path
      expect(fs.existsSync(path.join(h5, ref))).toBe(true);
    }
  });

  it('has the build-time settings compiled in, and otherwise uses the page origin', () => {
    const js = jsUnder(h5);
    const has = (text: string) => js.includes(text);
    // Built with an API base it is compiled in; without one the page origin is used (see the
    // boot test below), with the local server only for pages not served over http(s).
    if (configuredApiBase) expect(has(configuredApiBase)).toBe(true);
    expect(['location.origin', '/dev/wechat', '__dev/login-code', '__dev/phone-code'].filter((text) => !has(text))).toEqual([]);
    expect(/process\.env\.TARO_APP_/.test(js)).toBe(false);
  });

  /** Paths as the fake backend saw them, without the lookup of the fake WeChat server. */
  const pathsOf = (backend: ReturnType<typeof createFakeBackend>) => backend.paths().filter((p) => p !== 'GET /dev/wechat');

  it('boots from a sub-path and lets a shopper join from a scanned scene, landing on the member card', async () => {
    const backend = createFakeBackend();
    const page = await openH5(backend, 'index.html?user=smoke#/pages/join/index?scene=s%3DST7K2Q');
    try {
      await page.waitForText('欢迎加入会员');
      await page.click('[role="checkbox"]', /会员协议/);
      await page.click('[role="checkbox"]', /接收优惠消息/);
      await page.click('taro-button-core', /^加入会员$/);

      await page.waitForText('NO. 1');
      await page.waitForTestId('card-qr');
      expect(pathsOf(backend).slice(0, 4)).toEqual(['POST /__dev/login-code', 'POST /auth/member/login', 'PUT /members/me/marketing-consent', 'GET /members/me']);
      expect(pathsOf(backend)).toEqual(expect.arrayContaining(['GET /members/me/card', 'GET /members/me/points', 'GET /members/me/tier']));
      expect(backend.calls.find((c) => c.url.endsWith('/__dev/login-code'))?.data).toEqual({ user: 'smoke' });
      expect(backend.calls.find((c) => c.url.endsWith('/auth/member/login'))?.data).toEqual({ code: 'code-1', scene: 's=ST7K2Q', join: true });
      expect(page.window.location.hash).toBe('#/pages/card/index?welcome=1');
      expect(page.text()).toContain('欢迎加入会员！');
      const member = backend.members.get('smoke')!;
      expect(member.marketingConsent.granted).toBe(true);
      expect(page.byTestId('card-qr').getAttribute('data-value')).toBe(backend.world('smoke').cardCodes.at(-1));
      if (!configuredApiBase) {
        // Built without an API base: the page's own origin serves the API, and names the fake WeChat.
        expect(page.requestedUrls[0]).toBe('http://shop.example.cn/dev/wechat');
        expect(page.requestedUrls.filter((url) => !url.includes('/__dev/')).every((url) => url.startsWith('http://shop.example.cn/'))).toBe(true);
      }
    } finally {
      page.close();
    }
  }, 30_000);

  it('signs a first-time visitor in without joining, then joins from 立即加入 on the card', async () => {
    const backend = createFakeBackend();
    const page = await openH5(backend, 'index.html?user=newbie#/pages/index/index');
    try {
      await page.waitForText('您还不是会员');
      expect(page.window.location.hash).toBe('#/pages/card/index');
      expect(pathsOf(backend)).toEqual(['POST /__dev/login-code', 'POST /auth/member/login']);
      expect(backend.calls.find((c) => c.url.endsWith('/auth/member/login'))?.data).toEqual({ code: 'code-1', brandCode: 'demo', join: false });
      expect(backend.members.size).toBe(0);

      await page.click('taro-button-core', /^立即加入$/);
      await page.waitForText('欢迎加入会员');
      expect(page.window.location.hash).toBe('#/pages/join/index');
      await page.click('[role="checkbox"]', /会员协议/);
      await page.click('taro-button-core', /^加入会员$/);

      await page.waitForText('NO. 1');
      expect(backend.members.has('newbie')).toBe(true);
      expect(page.window.location.hash).toBe('#/pages/card/index?welcome=1');
    } finally {
      page.close();
    }
  }, 30_000);

  const pages: Array<[string, string, string]> = [
    ['#/pages/card/index', 'card-barcode', '向店员出示会员码'],
    ['#/pages/points/index', 'points-balance', '积分明细'],
    ['#/pages/mall/index', 'mall-catalogue', '品牌帆布袋'],
    ['#/pages/profile/index', 'profile-phone', '营销消息'],
    ['#/pages/coupons/index', 'coupons-list', '满200减20'],
    ['#/pages/coupons/index?tab=claim', 'coupons-claim-list', '新人10元券'],
    ['#/pages/tier/index', 'tier-current-name', '等级说明'],
    ['#/pages/messages/index', 'messages-empty', '暂无消息'],
    [`#/packages/mall/item/index?id=${ITEM_IDS.cup}`, 'mall-detail-name', '收货地址'],
    ['#/packages/mall/exchanges/index', 'mall-exchanges-empty', '还没有兑换记录'],
    ['#/packages/clerk/login/index', 'clerk-login-submit', '店员工作台'],
  ];

  it.each(pages)('opens %s with its test ids', async (hash, testId, text) => {
    const backend = createFakeBackend();
    backend.seedMember('visitor', { phone: '13812341234' });
    const page = await openH5(backend, `index.html?user=visitor${hash}`);
    try {
      await page.waitForTestId(testId);
      await page.waitForText(text);
    } finally {
      page.close();
    }
  }, 30_000);

  it('lets a clerk log in and record a purchase for a scanned member (subpackage in H5)', async () => {
    const backend = createFakeBackend();
    backend.seedMember('visitor');
    const page = await openH5(backend, 'index.html#/packages/clerk/login/index');
    try {
      await page.waitForTestId('clerk-login-submit');
      await page.fill('clerk-login-username', 'clerk1');
      await page.fill('clerk-login-password', 'password123');
      await page.click('[data-testid="clerk-login-submit"]', /登录/);
      await page.waitForTestId('clerk-scan-input');
      expect(page.window.location.hash).toBe('#/packages/clerk/scan/index');
      await page.fill('clerk-scan-input', backend.cardCodeOf('visitor'));
      await page.click('[data-testid="clerk-scan-submit"]', /查询/);
      await page.waitForTestId('clerk-member');
      await page.fill('clerk-purchase-amount', '128.80');
      await page.click('[data-testid="clerk-purchase-submit"]', /记录消费/);
      // Taro's H5 showModal draws its own dialog (.taro__modal): confirm it.
      await page.waitForText('确认记录消费');
      await page.click('.taro-model__confirm', /^记录$/);
      await page.waitForTestId('clerk-purchase-result');
      const order = backend.calls.find((c) => c.url.endsWith('/orders'))!;
      expect(order.data).toMatchObject({ amountFen: 12_880, memberId: backend.members.get('visitor')!.id });
      expect(order.header['Idempotency-Key']).toMatch(/^ml-/);
    } finally {
      page.close();
    }
  }, 30_000);
});

/** The part of jsdom's API used here (jsdom has no types in this workspace). */
interface JsdomApi {
  JSDOM: {
    fromFile(file: string, options: Record<string, unknown>): Promise<{ window: Window & typeof globalThis }>;
  };
  ResourceLoader: new () => { fetch(url: string, options: unknown): Promise<Buffer> | null };
  VirtualConsole: new () => { on(event: 'jsdomError', listener: (error: Error) => void): void };
}

/** Loads dist/h5 in jsdom as if served under /shop/member/, with fetch going to the fake backend. */
async function openH5(backend: ReturnType<typeof createFakeBackend>, entry: string) {
  // jsdom is the one jest-environment-jsdom already brings; it is not a dependency of its own.
  const jsdomPath = require.resolve('jsdom', { paths: [path.dirname(require.resolve('jest-environment-jsdom'))] });
  const { JSDOM, ResourceLoader, VirtualConsole } = require(jsdomPath) as JsdomApi;
  const base = 'http://shop.example.cn/shop/member/';

  class DistLoader extends ResourceLoader {
    override fetch(url: string, options: unknown) {
      if (!url.startsWith(base)) return super.fetch(url, options);
      const file = path.join(h5, decodeURIComponent(new URL(url).pathname.slice(new URL(base).pathname.length)));
      const promise: Promise<Buffer> & { abort?: () => void } = fs.promises.readFile(file);
      promise.abort = () => undefined;
      return promise;
    }
  }

  const errors: string[] = [];
  const requestedUrls: string[] = [];
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (error: Error) => errors.push(error.message));

  const dom = await JSDOM.fromFile(path.join(h5, 'index.html'), {
    url: base + entry,
    runScripts: 'dangerously',
    resources: new DistLoader(),
    pretendToBeVisual: true,
    virtualConsole,
    beforeParse(window: Window) {
      // Taro's H5 request is built on fetch; route it to the fake memberloop and WeChat servers.
      (window as unknown as { fetch: unknown }).fetch = async (url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) => {
        requestedUrls.push(url);
        const response = await backend.taroRequest({
          // Built without an API base, the page calls its own origin: that is the fake backend too.
          url: url.replace('http://shop.example.cn', API_BASE),
          method: init.method,
          data: init.body ? JSON.parse(init.body) : undefined,
          header: init.headers ?? {},
        });
        return new Response(JSON.stringify(response.data), {
          status: response.statusCode,
          headers: { 'content-type': 'application/json' },
        });
      };
    },
  });
  const { window } = dom;
  const text = () => window.document.body.textContent ?? '';

  const byTestId = (testId: string) => window.document.querySelector(`[data-testid="${testId}"]`) as HTMLElement | null;

  return {
    window,
    text,
    requestedUrls,
    byTestId: (testId: string) => {
      const found = byTestId(testId);
      if (!found) throw new Error(`no [data-testid="${testId}"]`);
      return found;
    },
    async waitForTestId(testId: string, timeoutMs = 15_000) {
      const started = Date.now();
      while (!byTestId(testId)) {
        if (Date.now() - started > timeoutMs) {
          throw new Error(`[data-testid="${testId}"] did not appear; page text: ${text().slice(0, 300)}; errors: ${errors.join(' | ')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    /** Types into the input of a Taro Input (the test id is on its wrapper, which draws the input a moment later). */
    async fill(testId: string, value: string, timeoutMs = 5_000) {
      const started = Date.now();
      const inputOf = () => {
        const host = byTestId(testId);
        return (host?.tagName === 'INPUT' ? host : host?.querySelector('input')) as HTMLInputElement | null;
      };
      while (!inputOf()) {
        if (Date.now() - started > timeoutMs) throw new Error(`no input in [data-testid="${testId}"]`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const input = inputOf()!;
      input.value = value;
      input.dispatchEvent(new window.Event('input', { bubbles: true }));
      // Wait for React to render the new value back onto the wrapper, so a tap that follows sees it.
      while (byTestId(testId)?.getAttribute('value') !== value) {
        if (Date.now() - started > timeoutMs) throw new Error(`[data-testid="${testId}"] did not take "${value}"`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async waitForText(wanted: string, timeoutMs = 15_000) {
      const started = Date.now();
      while (!text().includes(wanted)) {
        if (Date.now() - started > timeoutMs) {
          throw new Error(`"${wanted}" did not appear; page text: ${text().slice(0, 300)}; errors: ${errors.join(' | ')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    /** Clicks, then lets React render, as the next tap of a real user would. */
    async click(selector: string, textPattern: RegExp) {
      const target = [...window.document.querySelectorAll(selector)].find((el) => textPattern.test(el.textContent ?? ''));
      if (!target) throw new Error(`no ${selector} matching ${textPattern}; page text: ${text().slice(0, 300)}`);
      target.dispatchEvent(new window.MouseEvent('click', { bubbles: true }));
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
    close: () => window.close(),
  };
}
