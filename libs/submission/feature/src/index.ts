export * from './submission-feature.module';
export * from './submission-feature.settings';
export * from './submission.metrics';
export * from './smtp-listener';
