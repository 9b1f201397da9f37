export * from './common';
export * from './brands';
export * from './members';
export * from './points';
export * from './coupons';
export * from './tiers';
export * from './mall';
export * from './orders';
