#!/usr/bin/env node
// `npm run bench:value`: a throwaway PostgreSQL, the server, and the value-core load over HTTP (see bench/value-bench.ts).
import path from 'node:path';
import { ensurePnpm, installDependencies, ROOT, run } from './lib/setup.mjs';
import { startThrowawayPostgres } from './lib/postgres.mjs';

await ensurePnpm();
await installDependencies();
const postgres = await startThrowawayPostgres();
// Ctrl-C reaches the benchmark too (same process group); the throwaway server must not outlive it
const stop = () => {
  postgres.stop();
  process.exit(130);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
let code = 1;
try {
  code = await run(path.join(ROOT, 'scripts', 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'scripts', 'bench', 'value-bench.ts')], {
    env: { ...process.env, DATABASE_URL: postgres.url },
  });
} finally {
  postgres.stop();
}
process.exit(code);
