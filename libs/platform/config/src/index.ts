export * from './env-schema';
export * from './platform-schema';
