import { startFakeWechat, type FakeWechat } from '@memberloop/scripts';
import { Pool } from 'pg';
import { createTestDatabase, urlForDatabase } from '../test-database';
import { sleep, startServerProcess, type ServerProcess } from './server-process';

/**
 * Issue 6, item 1: two real server processes with jobs enabled on one PostgreSQL database. The maintenance purge is
 * scheduled every second (MAINTENANCE_PURGE_CRON), so both processes fire it sixty times a minute and race for each
 * scheduled minute; the job runner must let exactly one of them run it, once per minute.
 */

const JOB = 'maintenance.purge';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fake: FakeWechat;
let pool: Pool;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new Pool({ connectionString: urlForDatabase(database.name), max: 2 });
  fake = await startFakeWechat();
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.kill()));
  await fake?.close();
  await pool?.end();
  await database?.drop();
});

interface RunRow {
  scheduled_for: Date;
  status: string;
  attempts: number;
}

async function runRows(): Promise<RunRow[]> {
  const { rows } = await pool.query<RunRow>('select scheduled_for, status, attempts from job_runs where job_name = $1 order by scheduled_for', [JOB]);
  return rows;
}

describe('two server processes on one database', () => {
  it('run each scheduled minute of a job exactly once between them', async () => {
    const url = urlForDatabase(database.name);
    const env = { MAINTENANCE_PURGE_CRON: '* * * * * *' };
    servers.push(...(await Promise.all(['replica-a', 'replica-b'].map((name) => startServerProcess({ name, databaseUrl: url, wechatBaseUrl: fake.url, env })))));

    // wait until two scheduled minutes have finished (one minute boundary crossed with both servers up)
    const deadline = Date.now() + 100_000;
    for (;;) {
      const succeeded = (await runRows()).filter((row) => row.status === 'succeeded');
      if (succeeded.length >= 2) break;
      if (Date.now() > deadline) throw new Error(`only ${succeeded.length} runs after 100 s:\n${servers.map((s) => s.output().slice(-2000)).join('\n')}`);
      for (const server of servers) expect(server.alive()).toBe(true);
      await sleep(500);
    }
    // both kept firing the whole time
    for (const server of servers) {
      expect(server.alive()).toBe(true);
      expect((await fetch(`${server.base}/ready`)).status).toBe(200);
    }
    // SIGTERM waits for runs in progress, so the logs and the table agree afterwards
    expect(await Promise.all(servers.map((server) => server.stop()))).toEqual([0, 0]);

    const rows = await runRows();
    const minutes = rows.map((row) => row.scheduled_for.getTime());
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) expect(row).toMatchObject({ status: 'succeeded', attempts: 1 });
    for (const minute of minutes) expect(minute % 60_000).toBe(0);
    // consecutive minutes: none was skipped while both were up
    for (let i = 1; i < minutes.length; i++) expect(minutes[i]! - minutes[i - 1]!).toBe(60_000);

    // what each process actually ran, from its own log: one run per minute in total, never one in each
    const ranBy = new Map<string, string[]>();
    for (const server of servers) {
      for (const line of server.logs()) {
        if (line.job === JOB && line.msg === 'job started') ranBy.set(String(line.scheduledFor), [...(ranBy.get(String(line.scheduledFor)) ?? []), server.name]);
      }
    }
    expect([...ranBy.keys()].sort()).toEqual(rows.map((row) => row.scheduled_for.toISOString()));
    for (const [minute, runners] of ranBy) expect({ minute, runners: runners.length }).toEqual({ minute, runners: 1 });
  }, 180_000);
});
