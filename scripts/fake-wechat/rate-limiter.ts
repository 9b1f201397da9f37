/** A sliding-window call limit per key (WeChat's "100 calls per user per minute"). */

export class SlidingWindowLimiter {
  private readonly calls = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number,
  ) {}

  /** Records a call and returns true, or returns false when the key is at its limit. */
  tryAcquire(key: string): boolean {
    const now = this.clock();
    const recent = (this.calls.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (recent.length >= this.limit) {
      this.calls.set(key, recent);
      return false;
    }
    recent.push(now);
    this.calls.set(key, recent);
    return true;
  }

  reset(): void {
    this.calls.clear();
  }
}
