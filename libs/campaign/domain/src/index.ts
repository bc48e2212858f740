export * from './rate-pacer';
export * from './message-identity';
export * from './delivery-status';
export * from './campaign-errors';
export * from './render-request';
export * from './tracking-hit';
export * from './guard-counts';
export * from './campaign-guard';
