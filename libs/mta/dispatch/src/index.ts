export * from './dispatch.types';
export * from './smtp-reply';
export * from './reply-mapping';
export * from './smtp-dispatcher';
export * from './smtp-session-pool';
