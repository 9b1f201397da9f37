/**
 * @jest-environment node
 *
 * Checks what `taro build --type weapp` and `taro build --type h5` left in dist/ (the package's
 * `test` script builds both first), then boots the H5 build in jsdom from a sub-path against the
 * in-memory fake backend and walks through joining, from a scanned scene and from the home page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createFakeBackend } from '../test/fake-backend';

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

function appPages(): string[] {
  const globals = globalThis as { defineAppConfig?: (config: unknown) => unknown };
  globals.defineAppConfig = (config) => config;
  const config = require('./app.config').default as { pages: string[] };
  return config.pages;
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

const expectedApiBase = (process.env.TARO_APP_API_BASE || 'http://127.0.0.1:3000').replace(/\/+$/, '');

(skip ? describe.skip : describe)('weapp build (dist/weapp)', () => {
  it('exists', () => {
    if (!fs.existsSync(path.join(weapp, 'app.json'))) {
      throw new Error('dist/weapp/app.json is missing: run `pnpm build:weapp` (`pnpm test` builds both targets)');
    }
  });

  it('lists every page of app.config.ts in app.json', () => {
    const appJson = JSON.parse(fs.readFileSync(path.join(weapp, 'app.json'), 'utf8')) as { pages: string[] };
    expect(appJson.pages).toEqual(appPages());
    expect(appJson.pages).toEqual(expect.arrayContaining(['pages/index/index', 'pages/join/index']));
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
    // The H5-only login path is dropped from the weapp build.
    expect(js).not.toContain('__dev/login-code');
  });

  it('fits the 2 MB main package limit of WeChat', () => {
    expect(totalBytes(weapp)).toBeLessThan(2 * 1024 * 1024);
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

  it('has the build-time settings compiled in', () => {
    const js = filesUnder(h5)
      .filter((file) => file.endsWith('.js'))
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n');
    expect(js).toContain(expectedApiBase);
    expect(js).toContain('__dev/login-code');
    expect(js).not.toMatch(/process\.env\.TARO_APP_/);
  });

  it('boots from a sub-path, shows the member centre and lets a shopper join from a scanned scene', async () => {
    const backend = createFakeBackend();
    const page = await openH5(backend, 'index.html?user=smoke#/pages/join/index?scene=s%3DST7K2Q');
    try {
      await page.waitForText('欢迎加入会员');
      await page.click('[role="checkbox"]', /会员协议/);
      await page.click('[role="checkbox"]', /接收优惠消息/);
      await page.click('taro-button-core', /^加入会员$/);

      await page.waitForText('NO. ');
      expect(backend.paths()).toEqual([
        'POST /__dev/login-code',
        'POST /auth/member/login',
        'PUT /members/me/marketing-consent',
        'GET /members/me',
      ]);
      expect(backend.calls[0]?.data).toEqual({ user: 'smoke' });
      expect(backend.calls[1]?.data).toEqual({ code: 'code-1', scene: 's=ST7K2Q', join: true });
      expect(page.window.location.hash).toBe('#/pages/index/index');
      expect(page.text()).toContain('门店扫码入会');
      expect(page.text()).toContain('已开启 · 更新于 2026-11-24 10:00');
    } finally {
      page.close();
    }
  }, 30_000);

  it('signs a first-time visitor in without joining, then joins from 立即加入 on the home page', async () => {
    const backend = createFakeBackend();
    const page = await openH5(backend, 'index.html?user=newbie#/pages/index/index');
    try {
      await page.waitForText('您还不是会员');
      expect(backend.paths()).toEqual(['POST /__dev/login-code', 'POST /auth/member/login']);
      expect(backend.calls[1]?.data).toEqual({ code: 'code-1', brandCode: 'demo', join: false });
      expect(backend.members.size).toBe(0);

      await page.click('taro-button-core', /^立即加入$/);
      await page.waitForText('欢迎加入会员');
      expect(page.window.location.hash).toBe('#/pages/join/index');
      await page.click('[role="checkbox"]', /会员协议/);
      await page.click('taro-button-core', /^加入会员$/);

      await page.waitForText('NO. ');
      expect(backend.paths().slice(2)).toEqual(['POST /__dev/login-code', 'POST /auth/member/login', 'GET /members/me']);
      expect(backend.calls[3]?.data).toEqual({ code: 'code-2', brandCode: 'demo', join: true });
      expect(backend.members.has('newbie')).toBe(true);
      expect(page.window.location.hash).toBe('#/pages/index/index');
      expect(page.text()).not.toContain('您还不是会员');
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
        const response = await backend.taroRequest({
          url,
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

  return {
    window,
    text,
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
