export * from './health-service';
export * from './grpc-server';
export * from './grpc-client';
export * from './grpc.module';
export * from './unary-answer';
