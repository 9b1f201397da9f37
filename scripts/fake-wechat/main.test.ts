import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const SECRET = 'cli-test-secret-value';

interface Cli {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  raw: string[];
  /** Resolves with the first line matching the predicate (already seen or still to come). */
  waitFor(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function startCli(env: Record<string, string>): Cli {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(__dirname, 'main.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const waiters: Array<{ predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    raw.push(text);
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.predicate(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => raw.push(`stderr: ${chunk.toString()}`));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    lines,
    raw,
    exited,
    waitFor: (predicate) =>
      new Promise((resolve) => {
        const seen = lines.find(predicate);
        if (seen) resolve(seen);
        else waiters.push({ predicate, resolve });
      }),
  };
}

describe('fake-wechat CLI', () => {
  let cli: Cli | undefined;

  afterEach(async () => {
    if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  });

  it('starts from env, logs one line per request without secrets, and stops on SIGTERM', async () => {
    cli = startCli({
      FAKE_WECHAT_PORT: '0',
      FAKE_WECHAT_APPS: `wxcli0000000001:${SECRET}`,
      FAKE_WECHAT_TOKEN_TTL_SECONDS: '600',
    });
    const started = await cli.waitFor((line) => line.event === 'fake-wechat.started');
    expect(started).toMatchObject({ apps: ['wxcli0000000001'], tokenTtlSeconds: 600 });
    const url = started.url as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const tokenResponse = await fetch(`${url}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({ grant_type: 'client_credential', appid: 'wxcli0000000001', secret: SECRET }),
    });
    const token = (await tokenResponse.json()) as { access_token: string; expires_in: number };
    expect(token.expires_in).toBe(600);
    const query = new URLSearchParams({ appid: 'wxcli0000000001', secret: SECRET, js_code: 'x', grant_type: 'authorization_code' });
    await fetch(`${url}/sns/jscode2session?${query.toString()}`);
    await fetch(`${url}/wxa/getwxacodeunlimit?access_token=${token.access_token}`, {
      method: 'POST',
      body: JSON.stringify({ scene: 'a=1' }),
    });

    await cli.waitFor((line) => line.path === '/wxa/getwxacodeunlimit');
    const requests = cli.lines.filter((line) => line.event === 'request');
    expect(requests).toEqual([
      expect.objectContaining({ method: 'POST', path: '/cgi-bin/stable_token', status: 200, errcode: 0 }),
      expect.objectContaining({ method: 'GET', path: '/sns/jscode2session', status: 200, errcode: 40029 }),
      expect.objectContaining({ method: 'POST', path: '/wxa/getwxacodeunlimit', status: 200, errcode: 0 }),
    ]);
    for (const line of requests) expect(typeof line.ms).toBe('number');
    const output = cli.raw.join('\n');
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(token.access_token);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.lines.at(-1)).toMatchObject({ event: 'fake-wechat.stopped', signal: 'SIGTERM' });
  }, 30_000);

  it('exits with an error on invalid configuration', async () => {
    cli = startCli({ FAKE_WECHAT_PORT: 'eighty' });
    expect(await cli.exited).toBe(1);
    expect(cli.raw.join('\n')).toContain('FAKE_WECHAT_PORT');
  }, 30_000);
});
