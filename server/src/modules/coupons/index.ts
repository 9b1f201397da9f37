export { couponsRoutes } from './coupons.routes';
export { createCouponsService, type CouponsService } from './coupons.service';
