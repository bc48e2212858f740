export * from './render-errors';
export * from './header-safety';
export * from './html-to-text';
export * from './template-syntax';
export * from './template-compiler';
export * from './merge-data';
export * from './message-identity';
export * from './mime-builder';
export * from './mime-encoding';
export * from './mime-headers';
export * from './message-renderer';
// Tokens live in a shared lib (the list service verifies unsubscribe tokens); re-exported for render's callers.
export * from '@postline/shared/signed-token';
export * from './compliance-headers';
export * from './link-tracking';
