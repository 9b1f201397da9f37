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
});
