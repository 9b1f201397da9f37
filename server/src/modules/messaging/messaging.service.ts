import type { ServiceDeps } from '../../deps';

export type MessagingService = ReturnType<typeof createMessagingService>;

export function createMessagingService(_deps: ServiceDeps) {
  return { steps: {} };
}
