import { startTestServer, type TestServer } from './harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('health, readiness and API docs', () => {
  it('answers liveness and readiness', async () => {
    expect(await server.call({ method: 'GET', url: '/health' })).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await server.call({ method: 'GET', url: '/ready' })).toMatchObject({ status: 200, body: { status: 'ready', database: 'postgres' } });
  });

  it('is not ready when the database does not answer', async () => {
    const { buildApp } = await import('../src/app');
    const app = await buildApp({
      config: server.config,
      database: { ...server.database, ping: async () => false },
      logger: false,
    });
    const response = await app.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ code: 'NOT_READY', message: expect.any(String) });
    await app.close();
  });

  it('serves the OpenAPI document and Swagger UI at /docs', async () => {
    const document = await server.call({ method: 'GET', url: '/docs/json' });
    expect(document.status).toBe(200);
    expect(document.body.openapi).toMatch(/^3\./);
    for (const path of ['/auth/member/login', '/auth/staff/login', '/members/me', '/members/{memberId}/phone', '/stores', '/staff', '/join-scenes']) {
      expect(Object.keys(document.body.paths)).toContain(path);
    }
    expect(document.body.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
    const ui = await server.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('lets the H5 pages call every method from another origin', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH']) {
      const preflight = await server.app.inject({
        method: 'OPTIONS',
        url: '/members/me/marketing-consent',
        headers: { origin: 'http://127.0.0.1:10086', 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('http://127.0.0.1:10086');
      expect(String(preflight.headers['access-control-allow-methods'])).toContain(method);
    }
  });

  it('never shows internals on a 5xx', async () => {
    const { buildApp } = await import('../src/app');
    const app = await buildApp({ config: server.config, database: server.database, logger: false });
    app.get('/explode', async () => {
      throw new Error('secret connection string postgres://admin:hunter2@db');
    });
    const response = await app.inject({ method: 'GET', url: '/explode' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ code: 'INTERNAL', message: 'Something went wrong on our side' });
    await app.close();
  });
});
