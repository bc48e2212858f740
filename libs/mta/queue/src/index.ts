// Per-partition commit watermarks and per-routing-key ready queues without head-of-line blocking.
export * from './commit-watermark';
export * from './ready-queues';
export * from './key-scheduler';
