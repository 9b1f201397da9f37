import type { ServiceDeps } from '../../deps';

export type CouponsService = ReturnType<typeof createCouponsService>;

export function createCouponsService(_deps: ServiceDeps) {
  return {};
}
