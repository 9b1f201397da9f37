#!/usr/bin/env node
// `npm start`: installs what is missing, builds the mini-program's H5 pages, starts the fake WeChat API and the
// server on the embedded database with demo data, and prints where everything is.
//
// Ctrl-C or a SIGTERM (to npm, which relays it here: the script is `exec node …`, no shell in between) stops
// everything: each child gets one SIGTERM, and this process exits once all have exited — 0 when they stopped
// cleanly, 1 otherwise. A second Ctrl-C (a second or more after the first) kills them at once.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensurePnpm, installDependencies, log, ROOT, runningCommands, runOrFail, waitForHttp } from './lib/setup.mjs';

const port = Number(process.env.PORT ?? 3000);
const fakeWechatPort = Number(process.env.FAKE_WECHAT_PORT ?? port + 100);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = path.resolve(ROOT, process.env.DATA_DIR ?? '.data');
/**
 * How long the children get to stop before they are killed: the server finishes the batches in progress, and one
 * still starting first finishes its migrations and seed (as long as it may take to get ready).
 */
const STOP_TIMEOUT_MS = 120_000;

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

/**
 * `node --import tsx <file>`, tsx resolved from the server's node_modules (after the install, so at the first start
 * too). Not the tsx command: that runs the file in a grandchild process, relays our SIGTERM to it and, when the
 * grandchild does not acknowledge it within 30 ms (a busy event loop), kills it with SIGKILL and exits 143.
 *
 * Each child runs in a process group of its own, so a Ctrl-C in the terminal reaches only this process, which
 * sends every child exactly one SIGTERM (a second signal would make the server, still starting, exit at once).
 */
function startChild(name, file, env) {
  if (shuttingDown) throw new Error(`not starting the ${name}: stopping`);
  const tsx = pathToFileURL(createRequire(path.join(ROOT, 'server', 'package.json')).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, file], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  child.name = name;
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.on('exit', (code, signal) => {
    if (!shuttingDown) {
      log(`${name} stopped (${signal ?? code}); stopping everything`);
      void shutdown(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

const alive = (child) => child.exitCode === null && child.signalCode === null;
function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
const children = [];
let shuttingDown = false;

/** Stops the children (and an install or build in progress), waits for them, and exits. */
async function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  const steps = [...runningCommands];
  const running = children.filter(alive);
  for (const step of steps) step.kill('SIGTERM');
  for (const child of running) child.kill('SIGTERM');
  if (running.length > 0) log(`stopping ${running.map((child) => child.name).join(' and ')}`);
  const force = setTimeout(() => {
    for (const child of running.filter(alive)) {
      log(`${child.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
      killGroup(child); // the child and anything it started
    }
    for (const step of steps) if (alive(step)) step.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  const outcomes = await Promise.all(running.map(async (child) => ({ child, ...(await child.exited) })));
  await Promise.all(steps.map((step) => (alive(step) ? new Promise((resolve) => step.once('exit', resolve)) : undefined)));
  clearTimeout(force);
  let exitCode = code;
  for (const { child, code: childCode, signal } of outcomes) {
    // ended by our SIGTERM itself: it came before the child had set up its handlers, so before it opened anything
    if (childCode === 0 || signal === 'SIGTERM') continue;
    log(`${child.name} exited with ${signal ?? childCode}`);
    exitCode = 1;
  }
  if (exitCode === 0) log('stopped');
  process.exit(exitCode);
}

// One Ctrl-C in a terminal brings two SIGINTs (the terminal's, and npm's relay of it): a signal within a second of
// the first is that one again. A later one means "now": the children are killed.
let firstSignalAt;
function onSignal(signal) {
  if (firstSignalAt === undefined) {
    firstSignalAt = Date.now();
    return void shutdown(0);
  }
  if (Date.now() - firstSignalAt < 1000) return;
  log(`${signal} again: killing ${children.filter(alive).map((child) => child.name).join(' and ') || 'nothing'}`);
  for (const child of children) if (alive(child)) killGroup(child);
  for (const step of runningCommands) step.kill('SIGKILL');
  process.exit(1);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// if this process ends some other way (a crash), no child is left behind
process.on('exit', () => {
  for (const child of children) if (alive(child)) killGroup(child);
});

/** Between the steps of the start: a signal that came meanwhile stops it here (nothing was running to stop). */
function unlessStopping() {
  if (shuttingDown) throw new Error('stopping');
}

async function main() {
  await ensurePnpm();
  unlessStopping();
  await installDependencies();
  unlessStopping();
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  const apiBase = `http://${shownHost}:${port}`;
  const fakeWechatUrl = `http://${shownHost}:${fakeWechatPort}`;
  const h5Dir = process.env.SKIP_MINIAPP_BUILD === '1' ? undefined : await buildMiniappH5(apiBase, fakeWechatUrl);
  unlessStopping();

  log(`starting the fake WeChat API on ${fakeWechatUrl}`);
  const fake = startChild('fake WeChat API', path.join(ROOT, 'scripts', 'fake-wechat', 'main.ts'), {
    FAKE_WECHAT_PORT: String(fakeWechatPort),
    FAKE_WECHAT_HOST: host,
  });
  await waitForHttp(`${fakeWechatUrl}/__dev/stats`, 30_000, () => fake.exitCode === null);

  log(`starting the server on ${apiBase} (embedded database in ${path.relative(ROOT, dataDir) || '.'})`);
  const server = startChild('server', path.join(ROOT, 'server', 'src', 'main.ts'), {
    PORT: String(port),
    HOST: host,
    DATA_DIR: dataDir,
    DEMO_SEED: 'true',
    WECHAT_API_BASE_URL: fakeWechatUrl,
    ...(h5Dir ? { MINIAPP_H5_DIR: h5Dir } : {}),
  });
  await waitForHttp(`${apiBase}/ready`, 120_000, () => server.exitCode === null);
  log(`ready — fake WeChat dev endpoints at ${fakeWechatUrl}/__dev/ (mint login codes with POST /__dev/login-code); Ctrl+C stops`);
}

main().catch((error) => {
  // stopped while starting: the step or child we were waiting for was stopped on purpose
  if (shuttingDown) return;
  console.error(error instanceof Error ? error.message : error);
  void shutdown(1);
});
