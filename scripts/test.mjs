#!/usr/bin/env node
// `npm test`: installs what is missing, starts a throwaway PostgreSQL, runs every package's checks and tests.
import { mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ensurePnpm, installDependencies, log, ROOT, run } from './lib/setup.mjs';
import { startThrowawayPostgres } from './lib/postgres.mjs';
import { ensureChromium } from './lib/browser.mjs';

const STEPS = [
  { name: 'typecheck', args: ['-r', '--workspace-concurrency=1', 'typecheck'] },
  { name: 'shared', args: ['--filter', '@memberloop/shared', 'test'] },
  { name: 'scripts', args: ['--filter', '@memberloop/scripts', 'test'] },
  { name: 'server', args: ['--filter', '@memberloop/server', 'test'] },
  { name: 'miniapp', args: ['--filter', '@memberloop/miniapp', 'test'] },
  // the H5 build of the step before, in Chromium, against the real server
  { name: 'e2e', args: ['--filter', '@memberloop/miniapp', 'test:e2e'], before: ensureChromium },
];

async function main() {
  const started = Date.now();
  await ensurePnpm();
  await installDependencies();
  const postgres = await startThrowawayPostgres();
  const stopOnSignal = () => {
    postgres.stop();
    process.exit(130);
  };
  process.on('SIGINT', stopOnSignal);
  process.on('SIGTERM', stopOnSignal);

  const outputDir = path.join(ROOT, 'test-output');
  const countsFile = path.join(outputDir, 'jest-counts.jsonl');
  mkdirSync(outputDir, { recursive: true });
  rmSync(countsFile, { force: true });

  const only = process.argv.slice(2);
  const results = [];
  try {
    for (const step of STEPS) {
      if (only.length && !only.includes(step.name)) continue;
      log(`── ${step.name} ──`);
      const stepStarted = Date.now();
      const prepared = await Promise.resolve(step.before?.()).then(
        () => true,
        (error) => (console.error(error instanceof Error ? error.message : error), false),
      );
      const code = !prepared ? 1 : await run('pnpm', step.args, {
        env: { ...process.env, TEST_DATABASE_URL: postgres.url, MEMBERLOOP_TEST_COUNTS: countsFile, TEST_OUTPUT_DIR: outputDir },
      });
      results.push({ name: step.name, ok: code === 0, seconds: (Date.now() - stepStarted) / 1000 });
    }
  } finally {
    postgres.stop();
  }

  let passed = 0;
  let failed = 0;
  if (existsSync(countsFile)) {
    for (const line of readFileSync(countsFile, 'utf8').split('\n').filter(Boolean)) {
      const counts = JSON.parse(line);
      passed += counts.passed;
      failed += counts.failed;
    }
  }
  log('summary');
  for (const result of results) log(`  ${result.ok ? 'ok  ' : 'FAIL'} ${result.name.padEnd(10)} ${result.seconds.toFixed(1)} s`);
  log(`  total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const allOk = results.every((result) => result.ok);
  // a failed step that ran no jest test (a type error, a failed build) still counts as a failure
  if (!allOk && failed === 0) failed = results.filter((result) => !result.ok).length;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(allOk ? 0 : 1);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
