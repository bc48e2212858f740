export * from './concurrency';
export * from './delivery-event';
export * from './outbound-record';
export * from './message-delivery';
export * from './mta.metrics';
export * from './outbound-batch.handler';
export * from './mta.module';
