export * from './env-schema';
export * from './platform-schema';
export * from './documented';
