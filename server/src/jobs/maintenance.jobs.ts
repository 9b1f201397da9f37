import { lt } from 'drizzle-orm';
import cron from 'node-cron';
import type { Clock } from '@memberloop/shared';
import type { Db } from '../db/client';
import { idempotencyKeys } from '../http/idempotency.tables';
import { jobRuns } from './jobs.tables';
import type { JobDefinition } from './job-runner';

/** Clients retry within minutes; a week of idempotency keys is plenty, a month of job history enough to look back. */
const IDEMPOTENCY_RETENTION_DAYS = 7;
const JOB_HISTORY_DAYS = 30;
const PURGE_CRON = '40 4 * * *';

/**
 * MAINTENANCE_PURGE_CRON replaces the purge's schedule: the process tests (server/test/processes) make it fire every
 * second to show that two servers run each scheduled minute once. Cheap and idempotent, so harmless if set elsewhere.
 */
export function purgeCron(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.MAINTENANCE_PURGE_CRON?.trim();
  if (!override) return PURGE_CRON;
  if (!cron.validate(override)) throw new Error(`MAINTENANCE_PURGE_CRON is not a cron expression (got "${override}")`);
  return override;
}

export function maintenanceJobs(db: Db, clock: Clock): JobDefinition[] {
  return [
    {
      name: 'maintenance.purge',
      cron: purgeCron(),
      async run() {
        const now = clock.now().getTime();
        const keys = await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(now - IDEMPOTENCY_RETENTION_DAYS * 86_400_000))).returning({ key: idempotencyKeys.key });
        const runs = await db.delete(jobRuns).where(lt(jobRuns.finishedAt, new Date(now - JOB_HISTORY_DAYS * 86_400_000))).returning({ id: jobRuns.id });
        return { idempotencyKeysPurged: keys.length, jobRunsPurged: runs.length };
      },
    },
  ];
}
