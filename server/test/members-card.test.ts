import { startTestServer, type TestServer } from './harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.createBrand('card');
  await server.createBrand('other-card');
});
afterAll(() => server.close());

describe('member card code', () => {
  it('resolves for a clerk of the brand while fresh, and is refused when late or from another brand', async () => {
    const { token, member } = await server.joinMember({ user: 'card-holder', brandCode: 'card' });
    const card = await server.call({ method: 'GET', url: '/members/me/card', token });
    expect(card.status).toBe(200);
    expect(card.headers['cache-control']).toBe('no-store');
    expect(card.body.code).toMatch(new RegExp(`^${member.memberNo}\\d{6}$`));
    expect(new Date(card.body.refreshAt).getTime()).toBeLessThan(new Date(card.body.expiresAt).getTime());

    const clerk = await server.staffToken('card', 'clerk');
    const scanned = await server.call({ method: 'POST', url: '/members/scan', token: clerk, payload: { code: card.body.code } });
    expect(scanned.status).toBe(200);
    expect(scanned.body.id).toBe(member.id);
    expect(scanned.body).not.toHaveProperty('phone');

    const foreignClerk = await server.staffToken('other-card', 'clerk');
    const foreign = await server.call({ method: 'POST', url: '/members/scan', token: foreignClerk, payload: { code: card.body.code } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe('CARD_CODE_INVALID');

    server.clock.advance(61_000);
    const late = await server.call({ method: 'POST', url: '/members/scan', token: clerk, payload: { code: card.body.code } });
    expect(late.body.code).toBe('CARD_CODE_EXPIRED');
    const next = await server.call({ method: 'GET', url: '/members/me/card', token });
    expect(next.body.code).not.toBe(card.body.code);
    expect((await server.call({ method: 'POST', url: '/members/scan', token: clerk, payload: { code: next.body.code } })).status).toBe(200);
  });

  it('refuses guessed and malformed codes', async () => {
    const { member } = await server.joinMember({ user: 'card-guess', brandCode: 'card' });
    const clerk = await server.staffToken('card', 'clerk');
    for (const code of [`${member.memberNo}000000`, '12', 'abcdef', '99999999123456']) {
      const response = await server.call({ method: 'POST', url: '/members/scan', token: clerk, payload: { code } });
      expect(response.status).toBe(400);
      expect(['CARD_CODE_INVALID', 'CARD_CODE_EXPIRED']).toContain(response.body.code);
    }
  });
});
