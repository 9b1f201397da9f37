#!/usr/bin/env node
// `npm run --silent clv -- fit …`: the CLV command line (server/src/modules/analytics/clv/cli.ts) through the
// server's tsx. Prints nothing itself; the command's stdout, stderr and exit code pass through.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = path.join(root, 'server', 'node_modules', '.bin', 'tsx');
const cli = path.join(root, 'server', 'src', 'modules', 'analytics', 'clv', 'cli.ts');

const child = spawn(tsx, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('error', (error) => {
  process.stderr.write(`clv: cannot start ${tsx}: ${error.message} (run pnpm install first)\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
