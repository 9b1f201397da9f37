export * from './errors';
export * from './ids';
export * from './money';
export * from './phone';
export * from './time';
export * from './schemas';
