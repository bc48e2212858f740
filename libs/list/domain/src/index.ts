export * from './email-address';
export * from './attributes';
export * from './list-errors';
export * from './subscriber-input';
export * from './tenant';
export * from './suppression';
export * from './delivery-feedback';
export * from './consent';
