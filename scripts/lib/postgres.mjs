// A throwaway PostgreSQL server on 127.0.0.1 for one test run: initdb in a temporary folder, start, stop, delete.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensurePostgres, freePort, isRoot, log } from './setup.mjs';

function runAsPostgres(command, asRoot) {
  const result = asRoot
    ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { encoding: 'utf8' })
    : spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command}\n${result.stdout}\n${result.stderr}`);
}

export async function startThrowawayPostgres() {
  const bin = await ensurePostgres();
  const asRoot = isRoot();
  const dir = mkdtempSync(path.join(tmpdir(), 'memberloop-pg-'));
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'sock');
  mkdirSync(socket);
  if (asRoot) {
    const { status, stdout } = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (status !== 0) throw new Error('the postgres system user is missing (reinstall the postgresql package)');
    const uid = Number(stdout.trim());
    chownSync(dir, uid, -1);
    chownSync(socket, uid, -1);
  }
  const port = await freePort();
  const started = Date.now();
  runAsPostgres(`${bin}/initdb -D ${data} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null`, asRoot);
  runAsPostgres(
    `${bin}/pg_ctl -D ${data} -l ${dir}/server.log -w -o "-p ${port} -k ${socket} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null`,
    asRoot,
  );
  log(`PostgreSQL (${path.basename(path.dirname(bin))}) on 127.0.0.1:${port}, started in ${Date.now() - started} ms`);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        runAsPostgres(`${bin}/pg_ctl -D ${data} -m immediate -w stop >/dev/null`, asRoot);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
