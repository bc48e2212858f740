// Entry point of the campaign service: validated config, then Nest.
import {
  bootOptionsFrom,
  bootService,
  createRuntime,
  exitOnBootFailure,
} from '@postline/platform/http';
import { AppModule } from './app.module';
import { assertCampaignConfigSafe, campaignConfigSchema } from './config/campaign.config';

const runtime = createRuntime('campaign', campaignConfigSchema);
Promise.resolve()
  .then(() => assertCampaignConfigSafe(runtime.config))
  .then(() => bootService(runtime, AppModule.register(runtime), bootOptionsFrom(runtime.config)))
  .catch(exitOnBootFailure('campaign'));
