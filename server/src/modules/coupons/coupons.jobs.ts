import type { Db } from '../../db/client';
import { withTransaction } from '../../db/transaction';
import type { JobDefinition } from '../../jobs/job-runner';
import type { CouponsService } from './coupons.service';
import * as repo from './coupons.repository';

const BATCH = 5000;

/**
 * Marks every available coupon whose validity ended by `now` as expired, in batches of short transactions so
 * that no redemption waits long on them. Reads already treat such coupons as expired; this makes it durable, so
 * queries by status need no validity check. Safe to run again for the same instant.
 */
export async function expireDue(db: Db, now: Date): Promise<{ expired: number }> {
  let expired = 0;
  for (;;) {
    const count = await withTransaction(db, (tx) => repo.expireDueBatch(tx, now, BATCH));
    expired += count;
    if (count < BATCH) return { expired };
  }
}

/**
 * Scheduled work of the coupons module, for the scheduler to register (the same shape as the points and tiers
 * jobs). Validity ends are instants, so any hour works; just after midnight in China keeps the morning lists tidy.
 */
export function couponsJobs(service: Pick<CouponsService, 'expireDue'>): JobDefinition[] {
  return [{ name: 'coupons.expire', cron: '20 0 * * *', timeZone: 'Asia/Shanghai', run: (now: Date) => service.expireDue(now) }];
}
