import type { RoutesPlugin } from '../../http/route-kit';
import type { TiersService } from './tiers.service';

export const tiersRoutes: RoutesPlugin<{ tiers: TiersService }> = async () => {};
