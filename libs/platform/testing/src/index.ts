export * from './service-process';
export * from './local-infra';
export * from './mailpit-client';
export * from './free-port';
