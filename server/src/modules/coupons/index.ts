export { couponsRoutes } from './coupons.routes';
export type { IssuedCouponRow } from './coupons.repository';
export { createCouponsService, type CouponsService, type IssueInput, type RedeemForOrderInput, type RedeemForOrderResult } from './coupons.service';
export { couponsJobs } from './coupons.jobs';
