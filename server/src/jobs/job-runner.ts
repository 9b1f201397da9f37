import { and, eq, lt, or, sql } from 'drizzle-orm';
import cron, { type ScheduledTask } from 'node-cron';
import { newId, type Clock } from '@memberloop/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/client';
import { jobRuns } from './jobs.tables';

export interface JobDefinition {
  /** stable name, e.g. "points.expire" */
  name: string;
  /** node-cron expression, read in `timeZone` (default: the runner's) */
  cron: string;
  timeZone?: string;
  /** the work; must be safe to run again for the same `scheduledFor` (a crashed run is taken up again) */
  run(scheduledFor: Date, progress?: (message: string, fields?: Record<string, unknown>) => void): Promise<unknown>;
}

/** A run whose server stopped sending heartbeats this long ago is taken to have crashed. */
const STALE_AFTER_MS = 10 * 60_000;
const HEARTBEAT_MS = 30_000;
const MAX_ATTEMPTS = 3;

export type JobRunner = ReturnType<typeof createJobRunner>;

/**
 * Schedules jobs with node-cron and records each run in PostgreSQL: of several server replicas only one
 * runs a given schedule, and a run interrupted by a crash runs again at the next start.
 */
export function createJobRunner({ db, clock, logger, jobs, timeZone }: { db: Db; clock: Clock; logger: FastifyBaseLogger; jobs: JobDefinition[]; timeZone: string }) {
  const tasks: ScheduledTask[] = [];
  const running = new Set<Promise<unknown>>();

  async function claim(job: JobDefinition, scheduledFor: Date): Promise<string | null> {
    const now = clock.now();
    const [inserted] = await db
      .insert(jobRuns)
      .values({ id: newId('jobRun', now.getTime()), jobName: job.name, scheduledFor, status: 'running', startedAt: now, heartbeatAt: now })
      .onConflictDoNothing()
      .returning({ id: jobRuns.id });
    if (inserted) return inserted.id;
    // taken before: rerun it only if it failed or its runner went silent (crashed), and not too often
    const [retaken] = await db
      .update(jobRuns)
      .set({ status: 'running', attempts: sql`${jobRuns.attempts} + 1`, startedAt: now, heartbeatAt: now, error: null })
      .where(
        and(
          eq(jobRuns.jobName, job.name),
          eq(jobRuns.scheduledFor, scheduledFor),
          lt(jobRuns.attempts, MAX_ATTEMPTS),
          or(eq(jobRuns.status, 'failed'), and(eq(jobRuns.status, 'running'), lt(jobRuns.heartbeatAt, new Date(now.getTime() - STALE_AFTER_MS)))),
        ),
      )
      .returning({ id: jobRuns.id });
    return retaken?.id ?? null;
  }

  /** Runs one schedule of a job unless another runner has it; resolves when done. */
  async function runScheduled(job: JobDefinition, scheduledFor: Date): Promise<'ran' | 'skipped' | 'failed'> {
    const runId = await claim(job, scheduledFor);
    if (!runId) return 'skipped';
    const log = logger.child({ job: job.name, scheduledFor: scheduledFor.toISOString() });
    const heartbeat = setInterval(() => {
      void db.update(jobRuns).set({ heartbeatAt: clock.now() }).where(eq(jobRuns.id, runId)).catch(() => {});
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const started = Date.now();
    log.info('job started');
    try {
      const result = await job.run(scheduledFor, (message, fields) => log.info(fields ?? {}, message));
      await db.update(jobRuns).set({ status: 'succeeded', finishedAt: clock.now(), result: (result ?? null) as object }).where(eq(jobRuns.id, runId));
      log.info({ ms: Date.now() - started, result }, 'job finished');
      return 'ran';
    } catch (error) {
      await db.update(jobRuns).set({ status: 'failed', finishedAt: clock.now(), error: String((error as Error).stack ?? error).slice(0, 4000) }).where(eq(jobRuns.id, runId));
      log.error({ err: error }, 'job failed');
      return 'failed';
    } finally {
      clearInterval(heartbeat);
    }
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    running.add(promise);
    void promise.finally(() => running.delete(promise));
    return promise;
  }

  return {
    runScheduled: (job: JobDefinition, scheduledFor: Date) => track(runScheduled(job, scheduledFor)),

    /** Runs a job by name now (operators' "run now", scripts, tests). */
    async runNow(name: string): Promise<'ran' | 'skipped' | 'failed'> {
      const job = jobs.find((candidate) => candidate.name === name);
      if (!job) throw new Error(`no job named ${name}`);
      return track(runScheduled(job, clock.now()));
    },

    /** Takes up runs that a crash interrupted or that failed with attempts left. */
    async recover(): Promise<number> {
      const stale = new Date(clock.now().getTime() - STALE_AFTER_MS);
      const rows = await db
        .select()
        .from(jobRuns)
        .where(and(lt(jobRuns.attempts, MAX_ATTEMPTS), or(eq(jobRuns.status, 'failed'), and(eq(jobRuns.status, 'running'), lt(jobRuns.heartbeatAt, stale)))));
      let resumed = 0;
      for (const row of rows) {
        const job = jobs.find((candidate) => candidate.name === row.jobName);
        if (job && (await track(runScheduled(job, row.scheduledFor))) !== 'skipped') resumed++;
      }
      return resumed;
    },

    start(): void {
      for (const job of jobs) {
        tasks.push(
          cron.schedule(
            job.cron,
            () => {
              const minute = new Date(Math.floor(clock.now().getTime() / 60_000) * 60_000);
              void track(runScheduled(job, minute));
            },
            { timezone: job.timeZone ?? timeZone, name: job.name },
          ),
        );
      }
      logger.info({ jobs: jobs.map((job) => `${job.name} (${job.cron})`), timeZone }, 'job schedules started');
    },

    /** Stops the schedules and waits for runs in progress. */
    async stop(): Promise<void> {
      for (const task of tasks) await task.stop();
      tasks.length = 0;
      await Promise.allSettled([...running]);
    },
  };
}
