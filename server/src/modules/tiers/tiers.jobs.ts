import type { TiersService } from './tiers.service';

/** A scheduled job: `run(now)` does the work for that instant and changes nothing when run again for the same one. */
export interface TiersJob {
  name: string;
  /** node-cron expression, read in `timeZone` */
  cron: string;
  timeZone: string;
  run(now: Date): Promise<unknown>;
}

/** Nightly tier evaluation at 01:30 China time, after the day's orders and the points expiry (00:10) are in. */
export function tiersJobs(service: Pick<TiersService, 'evaluate'>): TiersJob[] {
  return [{ name: 'tiers.evaluate', cron: '30 1 * * *', timeZone: 'Asia/Shanghai', run: (now: Date) => service.evaluate(now) }];
}
