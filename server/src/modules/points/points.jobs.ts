import type { JobDefinition } from '../../jobs/job-runner';
import type { PointsService } from './points.service';

/**
 * Nightly points expiry at 00:10 China time: rolling and year-end expiry fall on the start of a
 * business day there, so the run just after midnight sweeps everything that expired with that day.
 */
export function pointsJobs(service: Pick<PointsService, 'expireDue'>): JobDefinition[] {
  return [{ name: 'points.expire', cron: '10 0 * * *', timeZone: 'Asia/Shanghai', run: (now: Date, progress) => service.expireDue(now, progress) }];
}
