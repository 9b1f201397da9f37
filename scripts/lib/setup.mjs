// Set-up steps shared by `npm start` and `npm test`. Node built-ins only: these run before any install.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function log(message) {
  process.stdout.write(`\x1b[36m[memberloop]\x1b[0m ${message}\n`);
}

/** The children of run() that have not exited yet (start.mjs stops them when it is stopped mid-way). */
export const runningCommands = new Set();

/** Runs a command with inherited output; resolves with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
    runningCommands.add(child);
    child.on('error', (error) => {
      runningCommands.delete(child);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      runningCommands.delete(child);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

export async function runOrFail(command, args, options) {
  const code = await run(command, args, options);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
}

function works(command, args) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.status === 0;
}

/** pnpm comes from npm (corepack fails on these machines). */
export async function ensurePnpm() {
  if (works('pnpm', ['--version'])) return;
  log('installing pnpm (npm i -g pnpm)');
  await runOrFail('npm', ['i', '-g', 'pnpm']);
}

export async function installDependencies() {
  log('installing dependencies (pnpm install --frozen-lockfile)');
  await runOrFail('pnpm', ['install', '--frozen-lockfile', '--reporter=append-only'], { env: { ...process.env, CI: 'true' } });
}

export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The bin folder of the newest PostgreSQL server installed from Debian's packages. */
export function postgresBinDir() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((name) => existsSync(path.join(base, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : null;
}

export async function ensurePostgres() {
  if (postgresBinDir()) return postgresBinDir();
  if (!isRoot()) throw new Error('PostgreSQL is not installed and this user cannot install it: run `sudo apt-get install -y postgresql`');
  log('installing PostgreSQL from Debian packages (apt-get install -y postgresql)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runOrFail('apt-get', ['update'], { env });
  await runOrFail('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env });
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL was installed but no initdb was found under /usr/lib/postgresql');
  return bin;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts HTTP GETs at `url` with a 2xx, or rejects after `timeoutMs`. */
export async function waitForHttp(url, timeoutMs, isAlive = () => true) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the process behind ${url} exited`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
