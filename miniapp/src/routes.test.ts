import { ROUTES } from './routes';

describe('ROUTES', () => {
  it('names only pages that app.config.ts registers', () => {
    (globalThis as { defineAppConfig?: (config: unknown) => unknown }).defineAppConfig = (config) => config;
    const { pages } = (require('./app.config') as { default: { pages: string[] } }).default;
    for (const route of Object.values(ROUTES)) expect(pages).toContain(route.replace(/^\//, ''));
  });
});
