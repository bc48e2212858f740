export * from './topics';
export * from './codec';
export * from './kafka-client';
export * from './durable-producer';
export * from './batch-consumer';
export * from './kafka-runtime';
export * from './kafka.module';
