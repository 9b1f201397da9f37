import type { Clock } from '@memberloop/shared';
import type { Services } from '../app';
import type { Db } from '../db/client';
import type { JobDefinition } from './job-runner';
import { maintenanceJobs } from './maintenance.jobs';

export { createJobRunner, type JobDefinition, type JobRunner } from './job-runner';

/** Every scheduled job of the server. */
export function allJobs(_services: Services, db: Db, clock: Clock): JobDefinition[] {
  return [...maintenanceJobs(db, clock)];
}
