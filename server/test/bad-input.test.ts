import { isErrorCode, newId, type IdKind } from '@memberloop/shared';
import { startTestServer, type TestServer } from './harness';

/**
 * Walks every route in the OpenAPI document and sends it bad input of many kinds:
 * each answer must be a 4xx with a stable code, never a 5xx.
 */

type Operation = { method: string; path: string; secured: boolean; bodySchema?: { properties?: Record<string, unknown> }; querySchema: string[] };

let server: TestServer;
let staffToken: string;
let memberToken: string;
let operations: Operation[];

beforeAll(async () => {
  server = await startTestServer();
  await server.createBrand('fuzz');
  staffToken = await server.staffToken('fuzz', 'admin');
  memberToken = (await server.joinMember({ user: 'fuzzer', brandCode: 'fuzz' })).token;
  const document = server.app.swagger() as { paths: Record<string, Record<string, any>> };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      secured: Boolean(operation.security?.length),
      bodySchema: operation.requestBody?.content?.['application/json']?.schema,
      querySchema: (operation.parameters ?? []).filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name),
    })),
  );
});
afterAll(() => server.close());

const GARBAGE_VALUES: unknown[] = [null, 12345, -1, 1.5, '', 'x'.repeat(5000), [], {}, true, '💥\'"; drop table members; --', '\u0000', { $ne: 1 }];
const GARBAGE_IDS = ['x', '1', "'; drop table members; --", 'mbr_' + 'Z'.repeat(26), '%00', 'a'.repeat(300), '..%2F..%2Fetc'];

const fill = (path: string, value: (param: string) => string) => path.replace(/\{(\w+)\}/g, (_, param: string) => value(param));

const ID_KINDS: Record<string, IdKind> = {
  storeId: 'store',
  staffId: 'staff',
  memberId: 'member',
  joinSceneId: 'joinScene',
  orderId: 'order',
  templateId: 'couponTemplate',
  couponId: 'coupon',
  itemId: 'mallItem',
  exchangeId: 'mallExchange',
  multiplierId: 'pointMultiplier',
  messageId: 'inboxMessage',
  campaignId: 'campaign',
  runId: 'campaignRun',
};

/** An id of the right shape that names nothing. */
const wellFormedId = (param: string) => (ID_KINDS[param] ? newId(ID_KINDS[param]!) : `unknown${param}`);

async function expectClientError(operation: Operation, request: { url: string; payload?: unknown; headers?: Record<string, string> }, token: string | undefined) {
  const response = await server.app.inject({
    method: operation.method as 'GET',
    url: request.url,
    payload: request.payload as string,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...request.headers },
  });
  const what = `${operation.method} ${request.url} ${String(request.payload ?? '').slice(0, 80)}`;
  let code: unknown;
  try {
    code = response.json().code;
  } catch {
    code = `not JSON: ${response.body.slice(0, 80)}`;
  }
  expect({ what, status: response.statusCode >= 400 && response.statusCode < 500 ? '4xx' : response.statusCode }).toEqual({ what, status: '4xx' });
  expect({ what, known: isErrorCode(code) ? 'known' : code }).toEqual({ what, known: 'known' });
  return response;
}

/** The token a route accepts: staff routes take the admin's, member routes the member's. */
async function tokenFor(operation: Operation): Promise<string | undefined> {
  if (!operation.secured) return undefined;
  const probe = await server.app.inject({ method: operation.method as 'GET', url: fill(operation.path, wellFormedId), headers: { authorization: `Bearer ${staffToken}` } });
  return probe.statusCode === 403 && /member token/.test(probe.body) ? memberToken : staffToken;
}

describe('bad input on every route', () => {
  it('covers the routes of the API', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
  });

  it('refuses missing and malformed tokens on secured routes', async () => {
    for (const operation of operations.filter((op) => op.secured)) {
      const url = fill(operation.path, wellFormedId);
      const missing = await expectClientError(operation, { url }, undefined);
      expect(missing.json().code).toBe('UNAUTHENTICATED');
      for (const header of ['Bearer', 'Bearer not.a.jwt', 'Basic dXNlcjpwYXNz', `Bearer ${staffToken}x`]) {
        const malformed = await expectClientError(operation, { url, headers: { authorization: header } }, undefined);
        expect(['TOKEN_INVALID', 'UNAUTHENTICATED']).toContain(malformed.json().code);
      }
    }
  });

  it('answers malformed and unknown ids in paths with 400 or 404', async () => {
    for (const operation of operations.filter((op) => op.path.includes('{'))) {
      const token = await tokenFor(operation);
      for (const id of GARBAGE_IDS) await expectClientError(operation, { url: fill(operation.path, () => encodeURIComponent(id)) }, token);
      const unknown = await expectClientError(operation, { url: fill(operation.path, wellFormedId) }, token);
      if (operation.method === 'GET') expect({ path: operation.path, status: unknown.statusCode }).toEqual({ path: operation.path, status: 404 });
    }
  });

  it('answers broken bodies with 4xx', async () => {
    const bodies: [string, Record<string, string>][] = [
      ['{"unterminated', { 'content-type': 'application/json' }],
      ['null', { 'content-type': 'application/json' }],
      ['[]', { 'content-type': 'application/json' }],
      ['42', { 'content-type': 'application/json' }],
      ['"text"', { 'content-type': 'application/json' }],
      ['{}', { 'content-type': 'application/json' }],
      ['{"__proto__": {"admin": true}}', { 'content-type': 'application/json' }],
      ['<xml/>', { 'content-type': 'application/xml' }],
      ['a=b', { 'content-type': 'application/x-www-form-urlencoded' }],
      [JSON.stringify({ blob: 'x'.repeat(1_100_000) }), { 'content-type': 'application/json' }],
      [JSON.stringify(nested(200)), { 'content-type': 'application/json' }],
    ];
    for (const operation of operations.filter((op) => op.bodySchema)) {
      const token = await tokenFor(operation);
      const url = fill(operation.path, wellFormedId);
      for (const [payload, headers] of bodies) await expectClientError(operation, { url, payload, headers }, token);
    }
  });

  it('answers every property set to values of the wrong kind with 4xx', async () => {
    for (const operation of operations.filter((op) => op.bodySchema?.properties)) {
      const token = await tokenFor(operation);
      const url = fill(operation.path, wellFormedId);
      for (const property of Object.keys(operation.bodySchema!.properties!)) {
        for (const value of GARBAGE_VALUES) {
          const response = await server.app.inject({ method: operation.method as 'POST', url, payload: { [property]: value }, headers: token ? { authorization: `Bearer ${token}` } : {} });
          const what = `${operation.method} ${url} ${property}=${JSON.stringify(value).slice(0, 40)}`;
          expect({ what, ok: response.statusCode < 500 }).toEqual({ what, ok: true });
          if (response.statusCode >= 400) expect({ what, known: isErrorCode(response.json().code) }).toEqual({ what, known: true });
        }
      }
    }
  });

  it('answers bad query strings with 4xx', async () => {
    for (const operation of operations.filter((op) => op.method === 'GET')) {
      const token = await tokenFor(operation);
      const url = fill(operation.path, wellFormedId);
      const params = operation.querySchema.length ? operation.querySchema : ['unknown'];
      for (const name of params) {
        for (const value of ['abc', '-5', '99999999999', '%ZZ', '']) {
          const query = `${url}?${name}=${value}&${name}=${value}`;
          const response = await server.app.inject({ method: 'GET', url: query, headers: token ? { authorization: `Bearer ${token}` } : {} });
          expect({ query, ok: response.statusCode < 500 }).toEqual({ query, ok: true });
        }
      }
    }
  });

  it('answers unknown routes and methods with ROUTE_NOT_FOUND', async () => {
    for (const [method, url] of [['GET', '/nope'], ['DELETE', '/members/me'], ['POST', '/health']] as const) {
      const response = await server.app.inject({ method, url });
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('ROUTE_NOT_FOUND');
    }
    const malformed = await server.app.inject({ method: 'GET', url: '/%' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('VALIDATION_FAILED');
  });
});

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}
