import { eq } from 'drizzle-orm';
import { fixedClock } from '@memberloop/shared';
import pino from 'pino';
import type { Database } from '../src/db/client';
import { createJobRunner, type JobDefinition } from '../src/jobs/job-runner';
import { jobRuns } from '../src/jobs/jobs.tables';
import { createTestDatabase } from './test-database';

let database: Database & { drop(): Promise<void> };
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

function countingJob(name: string, behaviour: () => Promise<unknown> = async () => ({ done: true })) {
  const runs: Date[] = [];
  const job: JobDefinition = {
    name,
    cron: '0 3 * * *',
    run: async (scheduledFor) => {
      runs.push(scheduledFor);
      return behaviour();
    },
  };
  return { job, runs };
}

describe('durable job runner', () => {
  it('runs a schedule once however many server replicas fire it', async () => {
    const clock = fixedClock('2026-11-25T03:00:00Z');
    const { job, runs } = countingJob('test.once', async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { processed: 7 };
    });
    const replicas = Array.from({ length: 4 }, () => createJobRunner({ db: database.db, clock, logger, jobs: [job], timeZone: 'Asia/Shanghai' }));
    const at = clock.now();
    const outcomes = await Promise.all(replicas.map((runner) => runner.runScheduled(job, at)));
    expect(outcomes.filter((outcome) => outcome === 'ran')).toHaveLength(1);
    expect(runs).toHaveLength(1);
    const [row] = await database.db.select().from(jobRuns).where(eq(jobRuns.jobName, 'test.once'));
    expect(row).toMatchObject({ status: 'succeeded', attempts: 1, result: { processed: 7 } });
    // a finished run is never repeated
    expect(await replicas[0]!.recover()).toBe(0);
  });

  it('takes up a run a crash interrupted, and retries a failed one a bounded number of times', async () => {
    const clock = fixedClock('2026-11-26T03:00:00Z');
    const { job, runs } = countingJob('test.crash');
    const runner = createJobRunner({ db: database.db, clock, logger, jobs: [job], timeZone: 'Asia/Shanghai' });
    // a run some server started and never finished
    await database.db.insert(jobRuns).values({ id: 'job_crashed', jobName: 'test.crash', scheduledFor: clock.now(), status: 'running', startedAt: clock.now(), heartbeatAt: clock.now() });
    expect(await runner.recover()).toBe(0);
    clock.advance(11 * 60_000);
    expect(await runner.recover()).toBe(1);
    expect(runs).toHaveLength(1);
    const [row] = await database.db.select().from(jobRuns).where(eq(jobRuns.id, 'job_crashed'));
    expect(row).toMatchObject({ status: 'succeeded', attempts: 2 });

    const failing = countingJob('test.fail', async () => {
      throw new Error('database went away');
    });
    const failingRunner = createJobRunner({ db: database.db, clock, logger, jobs: [failing.job], timeZone: 'Asia/Shanghai' });
    expect(await failingRunner.runScheduled(failing.job, clock.now())).toBe('failed');
    await failingRunner.recover();
    await failingRunner.recover();
    await failingRunner.recover();
    expect(failing.runs).toHaveLength(3);
    const [failed] = await database.db.select().from(jobRuns).where(eq(jobRuns.jobName, 'test.fail'));
    expect(failed).toMatchObject({ status: 'failed', attempts: 3 });
    expect(failed!.error).toContain('database went away');
  });

  describe('stop() while recover() is working', () => {
    const stalled = async (id: string, jobName: string, clock: { now(): Date }) => {
      const at = new Date(clock.now().getTime() - 60 * 60_000);
      await database.db.insert(jobRuns).values({ id, jobName, scheduledFor: at, status: 'running', startedAt: at, heartbeatAt: at });
    };
    const rowOf = async (id: string) => (await database.db.select().from(jobRuns).where(eq(jobRuns.id, id)))[0]!;

    it('waits for a recovery still reading job_runs, which then starts no run', async () => {
      const clock = fixedClock('2026-11-27T03:00:00Z');
      const { job, runs } = countingJob('test.stop-reading');
      await stalled('job_stop_reading', 'test.stop-reading', clock);
      const runner = createJobRunner({ db: database.db, clock, logger, jobs: [job], timeZone: 'Asia/Shanghai' });
      let recovered: number | undefined;
      // as main.ts does: recover() not awaited, and a SIGTERM right after (its query is still on its way)
      const recovery = runner.recover().then((count) => (recovered = count));
      await runner.stop();
      expect(recovered).toBe(0); // stop() returned after recover() did
      await recovery;
      expect(runs).toHaveLength(0);
      expect(await rowOf('job_stop_reading')).toMatchObject({ status: 'running', attempts: 1 });

      // the next start takes it up
      const next = createJobRunner({ db: database.db, clock, logger, jobs: [job], timeZone: 'Asia/Shanghai' });
      expect(await next.recover()).toBe(1);
      expect(runs).toHaveLength(1);
    });

    it('waits for the recovered run in progress and starts no further one', async () => {
      const clock = fixedClock('2026-11-28T03:00:00Z');
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const firstStarted = new Promise<void>((resolve) => (started = resolve));
      const behaviour = async () => {
        started();
        await held;
        return { done: true };
      };
      const a = countingJob('test.stop-a', behaviour);
      const b = countingJob('test.stop-b', behaviour);
      await stalled('job_stop_a', 'test.stop-a', clock);
      await stalled('job_stop_b', 'test.stop-b', clock);
      const runner = createJobRunner({ db: database.db, clock, logger, jobs: [a.job, b.job], timeZone: 'Asia/Shanghai' });
      const recovery = runner.recover();
      await firstStarted;
      let stopped = false;
      const stopping = runner.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stopped).toBe(false); // the run in progress is finishing
      release();
      await stopping;
      expect(await recovery).toBe(1);
      expect(a.runs.length + b.runs.length).toBe(1);
      const rows = [await rowOf('job_stop_a'), await rowOf('job_stop_b')];
      expect(rows.map((row) => row.status).sort()).toEqual(['running', 'succeeded']);
    });

    it('gives back a run claimed as stop() began, uncounted, for the next start to take up', async () => {
      const clock = fixedClock('2026-11-29T03:00:00Z');
      const { job, runs } = countingJob('test.stop-claimed');
      const runner = createJobRunner({ db: database.db, clock, logger, jobs: [job], timeZone: 'Asia/Shanghai' });
      const at = clock.now();
      // the schedule fires and its claim is on its way when stop() begins
      const outcome = runner.runScheduled(job, at);
      await runner.stop();
      expect(await outcome).toBe('skipped');
      expect(runs).toHaveLength(0);
      const [row] = await database.db.select().from(jobRuns).where(eq(jobRuns.jobName, 'test.stop-claimed'));
      expect(row).toMatchObject({ status: 'failed', attempts: 0, error: 'not started: the server was stopping' });

      // and a stopped runner starts nothing, whatever asks
      expect(await runner.runNow('test.stop-claimed')).toBe('skipped');
      expect(await runner.recover()).toBe(0);
      expect(runs).toHaveLength(0);

      const next = createJobRunner({ db: database.db, clock, logger, jobs: [job], timeZone: 'Asia/Shanghai' });
      expect(await next.recover()).toBe(1);
      expect(runs).toEqual([at]);
      expect((await database.db.select().from(jobRuns).where(eq(jobRuns.jobName, 'test.stop-claimed')))[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
    });
  });
});
