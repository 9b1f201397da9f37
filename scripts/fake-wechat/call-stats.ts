/** Calls and answered errcodes per WeChat path. */
import type { FakeWechatStats } from './types';

export class CallStats {
  private calls = new Map<string, number>();
  private errcodes = new Map<string, Map<number, number>>();

  record(path: string, errcode: number): void {
    this.calls.set(path, (this.calls.get(path) ?? 0) + 1);
    let byCode = this.errcodes.get(path);
    if (!byCode) {
      byCode = new Map();
      this.errcodes.set(path, byCode);
    }
    byCode.set(errcode, (byCode.get(errcode) ?? 0) + 1);
  }

  snapshot(): FakeWechatStats {
    const errcodes: Record<string, Record<string, number>> = {};
    for (const [path, byCode] of this.errcodes) {
      errcodes[path] = Object.fromEntries([...byCode].map(([code, count]) => [String(code), count]));
    }
    return { calls: Object.fromEntries(this.calls), errcodes };
  }

  reset(): void {
    this.calls = new Map();
    this.errcodes = new Map();
  }
}
