export * from './readiness';
export * from './service-runtime';
export * from './tokens';
export * from './ops.controller';
export * from './platform.module';
export * from './http-errors.filter';
export * from './bootstrap';
