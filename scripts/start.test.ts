import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * `npm start` (scripts/start.mjs) stopped by a signal: it exits 0 and leaves none of its processes (the fake
 * WeChat API, the server) running, whether the server is up or still starting. Without the H5 build.
 */

const ROOT = path.join(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

function childrenOf(pid: number): { pid: number; args: string }[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there are none
  }
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pid, ...args] = line.trim().split(/\s+/);
      return { pid: Number(pid), args: args.join(' ') };
    });
}

/** Every process under `pid` (children first), with its command line. */
function descendantsOf(pid: number): { pid: number; args: string }[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child.pid)]);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor: (text: string, timeoutMs: number) => Promise<void>;
}

describe('npm start stopped by a signal', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'memberloop-npm-start-'));
  let started: Started | undefined;

  afterEach(async () => {
    // a failed test leaves nothing running
    if (started && started.child.exitCode === null && started.child.signalCode === null) {
      for (const { pid } of descendantsOf(started.child.pid!)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      started.child.kill('SIGKILL');
      await started.exited;
    }
    started = undefined;
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function start(): Promise<Started & { port: number }> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), FAKE_WECHAT_PORT: String(await freePort()), DATA_DIR: dataDir, SKIP_MINIAPP_BUILD: '1', LOG_LEVEL: 'info' };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const listeners = new Set<() => void>();
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const listener of listeners) listener();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const waitFor = (text: string, timeoutMs: number) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!output.includes(text)) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no "${text}" within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    started = { child, output: () => output, exited, waitFor };
    return { ...started, port };
  }

  async function expectStoppedCleanly(run: Started, children: { pid: number; args: string }[]) {
    const { code, signal } = await run.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(run.output()).not.toMatch(/exited with|did not stop|killing/);
    // (a helper of theirs, esbuild's service, ends when its parent has gone: a moment later)
    const deadline = Date.now() + 5_000;
    while (children.some(({ pid }) => isRunning(pid)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    for (const { pid, args } of children) expect({ pid, args, running: isRunning(pid) }).toEqual({ pid, args, running: false });
  }

  it('once up and busy, exits 0 on SIGTERM after the server and the fake WeChat API have stopped cleanly', async () => {
    const run = await start();
    await run.waitFor('ready —', 120_000);
    // the server and the fake WeChat API themselves (node --import tsx), not a tsx command in between
    expect(childrenOf(run.child.pid!).map((child) => child.args)).toEqual([expect.stringMatching(/--import \S+ \S+fake-wechat\/main\.ts$/), expect.stringMatching(/--import \S+ \S+server\/src\/main\.ts$/)]);
    const children = descendantsOf(run.child.pid!);
    // staff logins (password hashing) keep the server's event loop busy when the signal comes
    const login = () =>
      fetch(`http://127.0.0.1:${run.port}/auth/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ brandCode: 'demo', username: 'operator', password: 'memberloop-demo' }),
      }).catch(() => undefined);
    const load = Array.from({ length: 8 }, login);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const signalled = Date.now();
    run.child.kill('SIGTERM');
    await expectStoppedCleanly(run, children);
    // not the keep-alive timeout (72 s) of the logins' connections
    expect(Date.now() - signalled).toBeLessThan(30_000);
    await Promise.all(load);
    expect(run.output()).toMatch(/"signal":"SIGTERM","msg":"stopped"/); // the server's own last line
    expect(run.output()).toContain('"event":"fake-wechat.stopped"');
    expect(run.output()).toContain('[memberloop]\x1b[0m stopped');
  }, 180_000);

  it('while the server is starting, exits 0 on a Ctrl-C (the terminal\'s SIGINT and npm\'s relay of it)', async () => {
    const run = await start();
    await run.waitFor('starting the server', 60_000);
    // the line comes just before the server is spawned
    const deadline = Date.now() + 5_000;
    while (childrenOf(run.child.pid!).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const children = descendantsOf(run.child.pid!);
    expect(children.length).toBeGreaterThanOrEqual(2);
    run.child.kill('SIGINT');
    run.child.kill('SIGINT');
    await expectStoppedCleanly(run, children);
  }, 180_000);
});
