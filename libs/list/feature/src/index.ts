export * from './list-feature.module';
export * from './list-feature.options';
export * from './list.views';
export { LIST_SERVICE_NAME } from './grpc/list.grpc-service';
