/** Injected faults: the next N calls to a WeChat path fail (or stall) in a chosen way. */
import { argumentInvalid, failure, Outcome, success } from './errors';
import type { FaultSpec, PendingFault } from './types';

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Validates a fault as given to POST /__dev/faults or injectFault(). */
export function parseFaultSpec(input: unknown): Outcome<PendingFault> {
  if (typeof input !== 'object' || input === null) return failure(argumentInvalid('fault'));
  const spec = input as Partial<Record<keyof FaultSpec, unknown>>;
  const { path, errcode, errmsg, times = 1, httpStatus = 200, delayMs = 0 } = spec;
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('/__dev/')) {
    return failure(argumentInvalid('path'));
  }
  if (errcode !== undefined && (!isIntegerIn(errcode, -1_000_000, 1_000_000) || errcode === 0)) {
    return failure(argumentInvalid('errcode'));
  }
  if (errmsg !== undefined && typeof errmsg !== 'string') return failure(argumentInvalid('errmsg'));
  if (!isIntegerIn(times, 1, 1_000_000)) return failure(argumentInvalid('times'));
  if (!isIntegerIn(httpStatus, 200, 599)) return failure(argumentInvalid('httpStatus'));
  if (!isIntegerIn(delayMs, 0, 120_000)) return failure(argumentInvalid('delayMs'));
  const fault: PendingFault = { path, remaining: times, httpStatus, delayMs };
  if (errcode !== undefined) fault.errcode = errcode;
  if (errmsg !== undefined) fault.errmsg = errmsg;
  return success(fault);
}

export class FaultQueue {
  private pending: PendingFault[] = [];

  add(fault: PendingFault): void {
    this.pending.push({ ...fault });
  }

  /** The oldest fault for this path, counting one use of it. */
  take(path: string): PendingFault | undefined {
    const index = this.pending.findIndex((fault) => fault.path === path);
    const fault = this.pending[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.pending.splice(index, 1);
    return { ...fault };
  }

  list(): PendingFault[] {
    return this.pending.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.pending = [];
  }
}
