import type { ServiceDeps } from '../../deps';
import type { AnalyticsService } from '../analytics';
import type { CouponsService } from '../coupons';
import type { MembersService } from '../members';
import type { MessagingService } from '../messaging';
import type { PointsService } from '../points';
import type { TiersService } from '../tiers';

export type CampaignsService = ReturnType<typeof createCampaignsService>;

export interface CampaignsModules {
  members: MembersService;
  points: PointsService;
  tiers: TiersService;
  coupons: CouponsService;
  analytics: AnalyticsService;
  messaging: MessagingService;
}

export function createCampaignsService(_deps: ServiceDeps, _modules: CampaignsModules) {
  return {
    steps: {},
    /** Starts the background loop(s) of this module in this process (main.ts, when jobs are enabled). */
    startWorkers(): void {},
    /** Stops them and waits for work in progress. */
    async stopWorkers(): Promise<void> {},
  };
}
