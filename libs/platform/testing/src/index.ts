export * from './service-process';
export * from './local-infra';
export * from './mailpit-client';
export * from './free-port';
export * from './platform-processes';
export * from './http-json';
export * from './grpc-reflection-client';
export * from './topic-tap';
