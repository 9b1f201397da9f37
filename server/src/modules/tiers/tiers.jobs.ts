import type { JobDefinition } from '../../jobs/job-runner';
import type { TiersService } from './tiers.service';

/** Nightly tier evaluation at 01:30 China time, after the day's orders and the points expiry (00:10) are in. */
export function tiersJobs(service: Pick<TiersService, 'evaluate'>): JobDefinition[] {
  return [{ name: 'tiers.evaluate', cron: '30 1 * * *', timeZone: 'Asia/Shanghai', run: (now: Date) => service.evaluate(now) }];
}
