import type { ServiceDeps } from '../../deps';
import type { Db } from '../../db/client';

export type PointsService = ReturnType<typeof createPointsService>;

export function createPointsService(_deps: ServiceDeps) {
  return {
    steps: {
      async pointsEarnedBetween(_tx: Db, _brandId: string, _memberId: string, _from: Date, _to: Date): Promise<number> {
        throw new Error('not implemented yet');
      },
    },
  };
}
