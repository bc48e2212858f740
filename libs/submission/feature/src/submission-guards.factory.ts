// Builds the guard dispatcher with its gate, AUTH-failure limiter and sending
// rates from the feature settings: one construction for the module and the
// listener specs, so both run the same policy.
import {
  AuthFailureLimiter,
  ConnectionGate,
  CredentialRates,
  type TrustedNetworks,
} from '@postline/submission/domain';
import type { SubmissionFeatureSettings } from './submission-feature.settings';
import { SubmissionGuards } from './submission-guards';

export function guardsFor(
  settings: SubmissionFeatureSettings,
  trustedNetworks: TrustedNetworks,
): SubmissionGuards {
  return new SubmissionGuards(
    {
      trustedNetworks,
      allowInsecureAuth: settings.allowInsecureAuth,
      maxRecipients: settings.maxRecipients,
      maxCommandLineBytes: settings.maxCommandLineBytes,
      rates: {
        messagesPerMinute: settings.messagesPerMinute,
        recipientsPerMinute: settings.recipientsPerMinute,
      },
    },
    new ConnectionGate({
      maxConnections: settings.maxConnections,
      maxConnectionsPerClient: settings.maxConnectionsPerIp,
    }),
    new AuthFailureLimiter(settings.authLimits),
    new CredentialRates(),
  );
}
