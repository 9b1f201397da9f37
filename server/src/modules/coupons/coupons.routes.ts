import type { RoutesPlugin } from '../../http/route-kit';
import type { CouponsService } from './coupons.service';

export const couponsRoutes: RoutesPlugin<{ coupons: CouponsService }> = async () => {};
