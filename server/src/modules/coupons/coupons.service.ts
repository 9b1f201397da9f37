import type { ServiceDeps } from '../../deps';
import type { PointsService } from '../points';

export type CouponsService = ReturnType<typeof createCouponsService>;

export function createCouponsService(_deps: ServiceDeps, _modules: { points: PointsService }) {
  return {};
}
