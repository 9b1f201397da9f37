import type { RoutesPlugin } from '../../http/route-kit';
import type { CampaignsService } from './campaigns.service';

export const campaignsRoutes: RoutesPlugin<{ campaigns: CampaignsService }> = async () => {};
