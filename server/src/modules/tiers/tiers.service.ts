import type { ServiceDeps } from '../../deps';

export type TiersService = ReturnType<typeof createTiersService>;

export function createTiersService(_deps: ServiceDeps) {
  return {};
}
