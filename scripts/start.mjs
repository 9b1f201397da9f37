#!/usr/bin/env node
// `npm start`: installs what is missing, builds the mini-program's H5 pages, starts the fake WeChat API and the
// server on the embedded database with demo data, and prints where everything is.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensurePnpm, installDependencies, log, ROOT, runOrFail, waitForHttp } from './lib/setup.mjs';

const port = Number(process.env.PORT ?? 3000);
const fakeWechatPort = Number(process.env.FAKE_WECHAT_PORT ?? port + 100);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = path.resolve(ROOT, process.env.DATA_DIR ?? '.data');
const tsx = path.join(ROOT, 'server', 'node_modules', '.bin', 'tsx');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the H5 pages unless a build for the same sources and URLs is already there. */
async function buildMiniappH5(apiBase, fakeWechatUrl) {
  const miniapp = path.join(ROOT, 'miniapp');
  const stampFile = path.join(dataDir, 'miniapp-h5.stamp');
  const stamp = JSON.stringify({ apiBase, fakeWechatUrl, sources: Math.max(newestMtime(path.join(miniapp, 'src')), newestMtime(path.join(ROOT, 'shared', 'src'))) });
  const dist = path.join(miniapp, 'dist', 'h5');
  if (existsSync(path.join(dist, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    log('mini-program H5 build is up to date');
    return dist;
  }
  log('building the mini-program for H5 (about a minute the first time)');
  await runOrFail('pnpm', ['--filter', '@memberloop/miniapp', 'build:h5'], {
    env: { ...process.env, TARO_APP_API_BASE: apiBase, TARO_APP_FAKE_WECHAT_URL: fakeWechatUrl },
  });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(stampFile, stamp);
  return dist;
}

function startChild(name, args, env) {
  const child = spawn(tsx, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (!shuttingDown) {
      log(`${name} stopped (${signal ?? code}); stopping everything`);
      shutdown(code ?? 1);
    }
  });
  return child;
}

const children = [];
let shuttingDown = false;
function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

async function main() {
  await ensurePnpm();
  await installDependencies();
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  const apiBase = `http://${shownHost}:${port}`;
  const fakeWechatUrl = `http://${shownHost}:${fakeWechatPort}`;
  const h5Dir = process.env.SKIP_MINIAPP_BUILD === '1' ? undefined : await buildMiniappH5(apiBase, fakeWechatUrl);

  log(`starting the fake WeChat API on ${fakeWechatUrl}`);
  const fake = startChild('fake WeChat API', [path.join(ROOT, 'scripts', 'fake-wechat', 'main.ts')], {
    FAKE_WECHAT_PORT: String(fakeWechatPort),
    FAKE_WECHAT_HOST: host,
  });
  children.push(fake);
  await waitForHttp(`${fakeWechatUrl}/__dev/stats`, 30_000, () => fake.exitCode === null);

  log(`starting the server on ${apiBase} (embedded database in ${path.relative(ROOT, dataDir) || '.'})`);
  const server = startChild('server', [path.join(ROOT, 'server', 'src', 'main.ts')], {
    PORT: String(port),
    HOST: host,
    DATA_DIR: dataDir,
    DEMO_SEED: 'true',
    WECHAT_API_BASE_URL: fakeWechatUrl,
    ...(h5Dir ? { MINIAPP_H5_DIR: h5Dir } : {}),
  });
  children.push(server);
  await waitForHttp(`${apiBase}/ready`, 120_000, () => server.exitCode === null);
  log(`ready — fake WeChat dev endpoints at ${fakeWechatUrl}/__dev/ (mint login codes with POST /__dev/login-code); Ctrl+C stops`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  shutdown(1);
});
