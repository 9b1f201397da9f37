import type { ServiceDeps } from '../../deps';
import type { CouponsService } from '../coupons';
import type { PointsService } from '../points';
import type { TiersService } from '../tiers';

export type MallService = ReturnType<typeof createMallService>;

export function createMallService(_deps: ServiceDeps, _modules: { points: PointsService; coupons: CouponsService; tiers: TiersService }) {
  return {};
}
