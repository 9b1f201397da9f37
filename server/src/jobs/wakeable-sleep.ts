/**
 * The idle wait of a background worker loop (campaign runs, the message sender): a timer that stopping the
 * workers cuts short, so a stop does not wait out the poll interval.
 */
export function wakeableSleep() {
  const sleepers = new Set<() => void>();
  return {
    sleep(ms: number): Promise<void> {
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sleepers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        timer.unref();
        sleepers.add(done);
      });
    },
    /** Ends every wait in progress now. */
    wakeAll(): void {
      for (const done of [...sleepers]) done();
    },
  };
}
