import { connect, type Socket } from 'node:net';
import { startTestServer, type TestServer } from './harness';

/**
 * app.close() (SIGTERM) with a request in progress on a keep-alive connection: the response says
 * `Connection: close` and the connection ends with it, so the close does not wait out the keep-alive timeout
 * (72 s) of a client that keeps its connections open, as browsers and fetch do.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function readResponse(socket: Socket): Promise<{ head: string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const ended = new Promise<void>((done) => socket.once('end', () => done()));
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('\r\n\r\n')) resolve({ head: text.slice(0, text.indexOf('\r\n\r\n')), ended });
    });
    socket.once('error', reject);
  });
}

describe('closing the HTTP server', () => {
  it('ends a keep-alive connection whose request was in progress, and so closes at once', async () => {
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const body = JSON.stringify({ brandCode: 'no-such-brand', username: 'nobody', password: 'wrong-password' });
    // the request starts (headers and half the body) before the close, and ends after it began
    socket.write(`POST /auth/staff/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
    socket.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const response = readResponse(socket);
    const started = Date.now();
    const closed = server.app.close();
    socket.write(body.slice(10));

    const { head } = await response;
    expect(head).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(head.toLowerCase()).toContain('connection: close');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('app.close() still waiting after 5 s')), 5_000)))]);
    clearTimeout(timer);
    expect(Date.now() - started).toBeLessThan(5_000);
    socket.destroy();
  });
});
