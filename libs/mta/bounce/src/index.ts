// Bounce classification for the MTA: SMTP reply → category and hard/soft verdict.
export * from './bounce.types';
export * from './bounce.rules';
export * from './bounce.classifier';
