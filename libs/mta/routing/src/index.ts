export * from './mail-domain';
export * from './routing.errors';
export * from './route-overrides';
export * from './mail-hosts';
export * from './next-hop';
export * from './source-pools';
