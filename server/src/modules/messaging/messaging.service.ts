import type { ServiceDeps } from '../../deps';

export type MessagingService = ReturnType<typeof createMessagingService>;

export function createMessagingService(_deps: ServiceDeps) {
  return {
    steps: {},
    /** Starts the background loop(s) of this module in this process (main.ts, when jobs are enabled). */
    startWorkers(): void {},
    /** Stops them and waits for work in progress. */
    async stopWorkers(): Promise<void> {},
  };
}
