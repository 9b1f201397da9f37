import type { JobDefinition } from '../../jobs/job-runner';
import type { AnalyticsService } from './analytics.service';

/** Nightly scoring at 02:30 China time, after the tier evaluation (01:30) and the day's orders are in. */
export function analyticsJobs(service: Pick<AnalyticsService, 'scoreAllBrands'>): JobDefinition[] {
  return [
    {
      name: 'analytics.score',
      cron: '30 2 * * *',
      timeZone: 'Asia/Shanghai',
      async run(now, progress) {
        const result = await service.scoreAllBrands(now, (brandId, p) => {
          if (p.stage === 'write' || p.stage === 'done') progress?.('scoring', { brandId, ...p });
        });
        return { brands: result.brands, members: result.members };
      },
    },
  ];
}
