export * from './scripted-smtp-peer';
