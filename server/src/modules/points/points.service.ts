import type { ServiceDeps } from '../../deps';

export type PointsService = ReturnType<typeof createPointsService>;

export function createPointsService(_deps: ServiceDeps) {
  return {};
}
