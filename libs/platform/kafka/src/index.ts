export * from './topics';
export * from './codec';
export * from './kafka-client';
export * from './durable-producer';
export * from './batch-consumer';
