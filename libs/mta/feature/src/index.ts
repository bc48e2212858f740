export * from './mta.module';
export * from './mta.metrics';
export * from './delivery-engine';
export * from './delivery-event';
export * from './attempt-outcome';
export * from './outbound-record';
export * from './retry-tiers';
