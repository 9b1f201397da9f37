import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Real server processes for the process-level tests: `node --import tsx src/main.ts` with its configuration in
 * environment variables, as `npm start` and a deployment run it, on a database the test made. Its JSON log lines
 * are kept so a test can count what each process did.
 */

const SERVER_DIR = path.join(__dirname, '..', '..');
const MAIN = path.join(SERVER_DIR, 'src', 'main.ts');
export const TEST_JWT_SECRET = 'process-test-secret-that-is-long-enough-0123456789';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LogLine {
  level: number;
  msg?: string;
  [field: string]: unknown;
}

export interface ServerProcess {
  name: string;
  base: string;
  child: ChildProcess;
  /** everything the process wrote, for failure messages */
  output(): string;
  /** its JSON log lines so far */
  logs(): LogLine[];
  alive(): boolean;
  /** SIGTERM and wait for the exit code (the server stops its jobs and workers first) */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown work at all, like a crashed machine */
  kill(): Promise<void>;
}

export interface StartOptions {
  name: string;
  databaseUrl: string;
  wechatBaseUrl: string;
  env?: Record<string, string>;
  /** how long to wait for /ready; default 120 s */
  readyTimeoutMs?: number;
}

/** Starts `src/main.ts` and resolves once it answers /ready. */
export async function startServerProcess({ name, databaseUrl, wechatBaseUrl, env, readyTimeoutMs = 120_000 }: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), `memberloop-${name}-`));
  // `node --import tsx`, not the tsx command: that one runs the server in a child process of its own, and a SIGKILL
  // of it would leave the server running
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      WECHAT_API_BASE_URL: wechatBaseUrl,
      LOG_LEVEL: 'info',
      JOBS_ENABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let partial = '';
  const lines: LogLine[] = [];
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    output += chunk;
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
    partial += chunk;
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => rmSync(dataDir, { recursive: true, force: true }));

  const server: ServerProcess = {
    name,
    base,
    child,
    output: () => output,
    logs: () => lines,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (!server.alive()) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (!server.alive()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (!server.alive()) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output.slice(-4000)}`);
    if (await fetch(`${base}/ready`).then((response) => response.ok, () => false)) break;
    if (Date.now() > deadline) {
      await server.kill();
      throw new Error(`${name} was not ready after ${readyTimeoutMs} ms:\n${output.slice(-4000)}`);
    }
    await sleep(200);
  }
  return server;
}

/** A small JSON client for a server process. */
export function httpClient(base: string) {
  return async function http<T = any>(method: string, url: string, options: { body?: unknown; token?: string } = {}): Promise<{ status: number; body: T }> {
    const response = await fetch(base + url, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: body as T };
  };
}
