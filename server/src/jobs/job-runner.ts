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
  /** recover() calls in progress: stop() waits for them, and they start no run once it has begun */
  const recovering = new Set<Promise<unknown>>();
  let stopping = false;

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

  /**
   * Gives back a run claimed while stop() began, before the job started: `failed` with the attempt not counted,
   * so the next start's recover() takes it up (a deleted row would be lost: the schedule's minute has passed).
   */
  async function release(runId: string): Promise<void> {
    await db
      .update(jobRuns)
      .set({ status: 'failed', attempts: sql`${jobRuns.attempts} - 1`, finishedAt: clock.now(), error: 'not started: the server was stopping' })
      .where(eq(jobRuns.id, runId));
  }

  /**
   * Runs one schedule of a job unless another runner has it or this runner is stopping ('skipped'); resolves
   * when done.
   */
  async function runScheduled(job: JobDefinition, scheduledFor: Date): Promise<'ran' | 'skipped' | 'failed'> {
    if (stopping) return 'skipped';
    const runId = await claim(job, scheduledFor);
    if (!runId) return 'skipped';
    const log = logger.child({ job: job.name, scheduledFor: scheduledFor.toISOString() });
    if (stopping) {
      // stop() began while the claim was on its way: the job does not start
      await release(runId);
      log.info('job not started: the runner is stopping');
      return 'skipped';
    }
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

  async function recover(): Promise<number> {
    const stale = new Date(clock.now().getTime() - STALE_AFTER_MS);
    const rows = await db
      .select()
      .from(jobRuns)
      .where(and(lt(jobRuns.attempts, MAX_ATTEMPTS), or(eq(jobRuns.status, 'failed'), and(eq(jobRuns.status, 'running'), lt(jobRuns.heartbeatAt, stale)))));
    let resumed = 0;
    for (const row of rows) {
      if (stopping) break;
      const job = jobs.find((candidate) => candidate.name === row.jobName);
      if (job && (await track(runScheduled(job, row.scheduledFor))) !== 'skipped') resumed++;
    }
    return resumed;
  }

  return {
    runScheduled: (job: JobDefinition, scheduledFor: Date) => track(runScheduled(job, scheduledFor)),

    /** Runs a job by name now (operators' "run now", scripts, tests). */
    async runNow(name: string): Promise<'ran' | 'skipped' | 'failed'> {
      const job = jobs.find((candidate) => candidate.name === name);
      if (!job) throw new Error(`no job named ${name}`);
      return track(runScheduled(job, clock.now()));
    },

    /**
     * Takes up runs that a crash interrupted or that failed with attempts left, one after the other. Once stop()
     * has begun it starts no more, and stop() waits for it to return.
     */
    recover(): Promise<number> {
      const recovery = recover();
      recovering.add(recovery);
      const forget = () => void recovering.delete(recovery);
      void recovery.then(forget, forget);
      return recovery;
    },

    start(): void {
      stopping = false;
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

    /**
     * Stops the schedules and waits for runs in progress and for recover() calls to return; from its first line
     * on no run starts (a schedule that fires, a recovered run, runNow), so when it resolves the database is no
     * longer used. A stopped runner stays stopped until start().
     */
    async stop(): Promise<void> {
      stopping = true;
      for (const task of tasks) await task.stop();
      tasks.length = 0;
      await Promise.allSettled([...recovering, ...running]);
    },
  };
}
