/** Every table, for Drizzle's typed queries and for drizzle-kit to generate migrations. */
export * from '../modules/brands/brands.tables';
export * from '../modules/members/members.tables';
export * from '../modules/audit/audit.tables';
export * from '../modules/points/points.tables';
export * from '../modules/orders/orders.tables';
export * from '../modules/tiers/tiers.tables';
export * from '../modules/coupons/coupons.tables';
export * from '../modules/mall/mall.tables';
export * from '../http/idempotency.tables';
export * from '../jobs/jobs.tables';
export * from '../modules/events/events.tables';
export * from '../modules/analytics/analytics.tables';
export * from '../modules/messaging/messaging.tables';
export * from '../modules/campaigns/campaigns.tables';
