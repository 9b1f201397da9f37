import { sql } from 'drizzle-orm';
import { check, integer, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { idColumn, timestamptz } from '../db/columns';

/**
 * One row per scheduled run of a job: the unique (job, scheduled_for) makes a second server replica skip a run
 * another one took; a run left 'running' by a crash is taken up again at the next start.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: idColumn(),
    jobName: text('job_name').notNull(),
    scheduledFor: timestamptz('scheduled_for').notNull(),
    status: text('status', { enum: ['running', 'succeeded', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(1),
    startedAt: timestamptz('started_at').notNull(),
    heartbeatAt: timestamptz('heartbeat_at').notNull(),
    finishedAt: timestamptz('finished_at'),
    result: jsonb('result'),
    error: text('error'),
  },
  (t) => [
    unique('job_runs_schedule_unique').on(t.jobName, t.scheduledFor),
    check('job_runs_status_check', sql`${t.status} in ('running', 'succeeded', 'failed')`),
  ],
);
