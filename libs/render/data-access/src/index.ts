export * from './template.schema';
export * from './template.repository';
export * from './render-data-access.module';
