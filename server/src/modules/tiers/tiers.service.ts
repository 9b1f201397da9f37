import type { ServiceDeps } from '../../deps';
import type { Db } from '../../db/client';

/** Where the growth value comes from; wired in app.ts from the orders and points modules. */
export interface GrowthSource {
  /** paid minus refunded, in fen, for orders in [from, to) */
  spendFen(tx: Db, brandId: string, memberId: string, from: Date, to: Date): Promise<number>;
  /** points earned in [from, to) */
  pointsEarned(tx: Db, brandId: string, memberId: string, from: Date, to: Date): Promise<number>;
}

export type TiersService = ReturnType<typeof createTiersService>;

export function createTiersService(_deps: ServiceDeps, _growth: GrowthSource) {
  return {};
}
