export * from './campaign-feature.module';
export * from './campaign-feature.config';
export * from './campaign.service';
