import type { JobDefinition } from '../../jobs/job-runner';
import type { CampaignsService } from './campaigns.service';

/**
 * `campaigns.tick` every minute: creates the runs that are due (one-offs, cron minutes, trigger scans) and ends
 * campaigns past their end date. The runs themselves are decided by the campaign workers (startWorkers).
 */
export function campaignsJobs(service: CampaignsService): JobDefinition[] {
  return [{ name: 'campaigns.tick', cron: '* * * * *', run: (scheduledFor) => service.tick(scheduledFor) }];
}
