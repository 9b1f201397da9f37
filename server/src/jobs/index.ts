import type { Clock } from '@memberloop/shared';
import type { Services } from '../app';
import type { Db } from '../db/client';
import type { JobDefinition } from './job-runner';
import { analyticsJobs } from '../modules/analytics';
import { campaignsJobs } from '../modules/campaigns';
import { couponsJobs } from '../modules/coupons';
import { messagingJobs } from '../modules/messaging';
import { pointsJobs } from '../modules/points';
import { tiersJobs } from '../modules/tiers';
import { maintenanceJobs } from './maintenance.jobs';

export { createJobRunner, type JobDefinition, type JobRunner } from './job-runner';

/** Every scheduled job of the server. */
export function allJobs(services: Services, db: Db, clock: Clock): JobDefinition[] {
  return [...pointsJobs(services.points), ...couponsJobs(services.coupons), ...tiersJobs(services.tiers), ...analyticsJobs(services.analytics), ...messagingJobs(services.messaging), ...campaignsJobs(services.campaigns), ...maintenanceJobs(db, clock)];
}
