import type { JobDefinition } from '../../jobs/job-runner';
import type { MessagingService } from './messaging.service';

export function messagingJobs(_service: MessagingService): JobDefinition[] {
  return [];
}
