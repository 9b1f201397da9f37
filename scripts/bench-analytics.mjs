#!/usr/bin/env node
// `npm run bench:analytics -- --members N`: a throwaway PostgreSQL, generated data, scoring, segment count and
// recommendations on it (see bench/analytics-bench.ts, which runs under the server's tsx).
// `npm run bench:analytics -- --database-url URL --brand CODE`: the same on a database where `npm run generate`
// already wrote that brand (no throwaway server, no generation).
import path from 'node:path';
import { ensurePnpm, installDependencies, ROOT, run } from './lib/setup.mjs';
import { startThrowawayPostgres } from './lib/postgres.mjs';

await ensurePnpm();
await installDependencies();
const reuse = process.argv.slice(2).some((arg) => arg === '--database-url' || arg.startsWith('--database-url='));
const postgres = reuse ? { url: undefined, stop() {} } : await startThrowawayPostgres();
const stop = () => {
  postgres.stop();
  process.exit(130);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
let code = 1;
try {
  code = await run(path.join(ROOT, 'server', 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'scripts', 'bench', 'analytics-bench.ts'), ...process.argv.slice(2)], {
    env: postgres.url ? { ...process.env, DATABASE_URL: postgres.url } : process.env,
  });
} finally {
  postgres.stop();
}
process.exit(code);
