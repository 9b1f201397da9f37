/** Small helpers for HTTP load against a local server: bounded concurrency and latency percentiles. */

export interface Timed<T> {
  ms: number;
  result: T;
}

/** Runs `count` tasks with at most `concurrency` in flight; returns each task's result and duration, in order. */
export async function runPool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<Timed<T>[]> {
  const results: Timed<T>[] = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      const result = await task(index);
      results[index] = { ms: performance.now() - started, result };
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return 0;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return Math.round(sortedMs[Math.max(0, index)]! * 100) / 100;
}

export function latencySummary(timings: number[]) {
  const sorted = [...timings].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: percentile(sorted, 100) };
}

export interface JsonResponse {
  status: number;
  body: any;
}

export function createHttpClient(base: string) {
  return async function request(method: string, path: string, options: { token?: string; body?: unknown; idempotencyKey?: string } = {}): Promise<JsonResponse> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    const response = await fetch(base + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body };
  };
}

/** A terminal progress line that rewrites itself. */
export function progress(label: string, done: number, total: number): void {
  if (!process.stderr.isTTY) {
    if (done === total) process.stderr.write(`${label}: ${done}/${total}\n`);
    return;
  }
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
}
