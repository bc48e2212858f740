export * from './smtp-replies';
export * from './data-line-guard';
export * from './message-fixups';
export * from './envelope-split';
export * from './credential-secret';
