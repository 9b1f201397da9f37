import { createServer } from 'node:net';
import { DEFAULT_DEV_APP, DEFAULT_PAGES, DEFAULT_TEMPLATES, startFakeWechat } from './index';

describe('startFakeWechat', () => {
  it('listens on a free port by default and reports its url', async () => {
    const fake = await startFakeWechat();
    try {
      expect(fake.port).toBeGreaterThan(0);
      expect(fake.url).toBe(`http://127.0.0.1:${fake.port}`);
      const response = await fetch(`${fake.url}/__dev/stats`);
      expect(response.status).toBe(200);
    } finally {
      await fake.close();
    }
  });

  it('is reached through loopback when bound to every interface', async () => {
    const fake = await startFakeWechat({ host: '0.0.0.0' });
    try {
      expect(fake.url).toBe(`http://127.0.0.1:${fake.port}`);
      expect((await fetch(`${fake.url}/__dev/stats`)).status).toBe(200);
    } finally {
      await fake.close();
    }
  });

  it('rejects when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(startFakeWechat({ port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it.each([
    [{ apps: [] }, /at least one app/],
    [{ apps: [{ appId: 'wxa', secret: '' }] }, /appId and a secret/],
    [{ apps: [{ appId: 'wxa', secret: 'a' }, { appId: 'wxa', secret: 'b' }] }, /duplicate appId/],
    [{ tokenTtlSeconds: 0 }, /tokenTtlSeconds/],
    [{ codeTtlSeconds: 1.5 }, /codeTtlSeconds/],
    [{ port: 70000 }, /port/],
    [{ pages: ['/pages/index/index'] }, /leading/],
    [{ templates: [{ id: 't', keys: ['colour1'] }] }, /no known field type/],
    [{ templates: [{ id: 't', keys: [] }] }, /no keys/],
  ])('rejects invalid options %j', async (options, message) => {
    await expect(startFakeWechat(options)).rejects.toThrow(message);
  });

  it('exports its defaults', () => {
    expect(DEFAULT_DEV_APP).toEqual({ appId: 'wx0000000000000001', secret: 'dev-app-secret-change-me' });
    expect(DEFAULT_PAGES).toEqual(expect.arrayContaining(['pages/index/index', 'pages/join/index']));
    expect(DEFAULT_TEMPLATES.map((t) => t.keys)).toEqual([
      ['thing1', 'amount2', 'date3'],
      ['number1', 'date2', 'thing3'],
    ]);
  });
});
