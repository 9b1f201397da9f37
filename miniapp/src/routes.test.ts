import { ROUTES, TAB_ROUTES, withQuery } from './routes';

interface AppConfig {
  pages: string[];
  subPackages: Array<{ root: string; pages: string[] }>;
  tabBar: { list: Array<{ pagePath: string; iconPath: string; selectedIconPath: string }> };
}

function appConfig(): AppConfig {
  (globalThis as { defineAppConfig?: (config: unknown) => unknown }).defineAppConfig = (config) => config;
  return (require('./app.config') as { default: AppConfig }).default;
}

function allPages(config: AppConfig): string[] {
  return [...config.pages, ...config.subPackages.flatMap((pkg) => pkg.pages.map((page) => `${pkg.root}/${page}`))];
}

describe('ROUTES', () => {
  it('names only pages that app.config.ts registers, and every page it registers', () => {
    const pages = allPages(appConfig());
    for (const route of Object.values(ROUTES)) expect(pages).toContain(route.replace(/^\//, ''));
    expect(new Set(Object.values(ROUTES).map((r) => r.replace(/^\//, '')))).toEqual(new Set(pages));
  });

  it('puts the tab pages in the main package, in tab order, with icons that exist', () => {
    const config = appConfig();
    expect(config.tabBar.list.map((tab) => `/${tab.pagePath}`)).toEqual(TAB_ROUTES);
    for (const tab of config.tabBar.list) {
      expect(config.pages).toContain(tab.pagePath);
      for (const icon of [tab.iconPath, tab.selectedIconPath]) {
        const png = require('node:fs').readFileSync(require('node:path').join(__dirname, icon)) as Buffer;
        expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
        expect(png.length).toBeLessThan(40 * 1024); // WeChat's limit for tab icons
      }
    }
  });

  it('keeps mall details and the clerk pages in subpackages', () => {
    const { subPackages } = appConfig();
    expect(subPackages.map((pkg) => pkg.root)).toEqual(['packages/mall', 'packages/clerk']);
    expect(ROUTES.clerkScan.startsWith('/packages/clerk/')).toBe(true);
    expect(ROUTES.mallItem.startsWith('/packages/mall/')).toBe(true);
  });

  it('adds a query', () => {
    expect(withQuery(ROUTES.couponDetail, { id: 'cpn_1', from: undefined })).toBe('/pages/coupons/detail?id=cpn_1');
    expect(withQuery(ROUTES.mallItem, { id: 'a b' })).toBe('/packages/mall/item/index?id=a%20b');
    expect(withQuery(ROUTES.tier, {})).toBe('/pages/tier/index');
  });
});
