export { couponsRoutes } from './coupons.routes';
export { createCouponsService, type CouponsService, type IssueInput, type RedeemForOrderInput, type RedeemForOrderResult } from './coupons.service';
export { couponsJobs } from './coupons.jobs';
