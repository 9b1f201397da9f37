import type { ServiceDeps } from '../../deps';
import type { CouponsService } from '../coupons';
import type { PointsService } from '../points';
import type { TiersService } from '../tiers';

export type OrdersService = ReturnType<typeof createOrdersService>;

export function createOrdersService(_deps: ServiceDeps, _modules: { points: PointsService; coupons: CouponsService; tiers: TiersService }) {
  return {};
}
