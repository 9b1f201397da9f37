export * from './common';
export * from './brands';
export * from './members';
