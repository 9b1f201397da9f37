import type { ServiceDeps } from '../../deps';

export type MallService = ReturnType<typeof createMallService>;

export function createMallService(_deps: ServiceDeps) {
  return {};
}
