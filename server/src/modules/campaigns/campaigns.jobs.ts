import type { JobDefinition } from '../../jobs/job-runner';
import type { CampaignsService } from './campaigns.service';

export function campaignsJobs(_service: CampaignsService): JobDefinition[] {
  return [];
}
