import type { ServiceDeps } from '../../deps';

export type OrdersService = ReturnType<typeof createOrdersService>;

export function createOrdersService(_deps: ServiceDeps) {
  return {};
}
