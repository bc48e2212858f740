export * from './campaign.schema';
export * from './delivery.schema';
export * from './campaign.repository';
export * from './delivery.repository';
