// Settings of the submission service (validated at boot; see README "Configuration").
import { platformSchema, type ConfigOf, type EnvSchema } from '@postline/platform/config';

export const submissionConfigSchema = {
  ...platformSchema,
  POSTLINE_HTTP_PORT: { ...platformSchema.POSTLINE_HTTP_PORT, default: '38104' },
  POSTLINE_GRPC_PORT: { ...platformSchema.POSTLINE_GRPC_PORT, default: '38114' },
  POSTLINE_SUBMISSION_DB: {
    kind: 'string',
    default: 'postline_submission',
    doc: 'MongoDB database owned by the submission service',
  },
  POSTLINE_SUBMISSION_HOSTNAME: {
    kind: 'string',
    default: 'localhost',
    doc: 'Host name in the SMTP greeting, Received headers and added Message-IDs',
  },
  POSTLINE_SUBMISSION_LISTEN_HOST: {
    kind: 'string',
    default: '127.0.0.1',
    doc: 'Address the SMTP listeners bind to',
  },
  POSTLINE_SUBMISSION_SMTP_PORT: {
    kind: 'int',
    min: 0,
    max: 65535,
    default: '38587',
    doc: 'Submission port (587 role): STARTTLS when a certificate is configured, plain otherwise; 0 picks a free port',
  },
  POSTLINE_SUBMISSION_SMTPS_PORT: {
    kind: 'int',
    min: 0,
    max: 65535,
    default: '38465',
    doc: 'Implicit-TLS submission port (465 role, RFC 8314); opened only when a certificate is configured',
  },
  POSTLINE_SUBMISSION_TLS_CERT_FILE: {
    kind: 'string',
    default: '',
    doc: 'PEM certificate chain for STARTTLS and implicit TLS; empty disables TLS',
  },
  POSTLINE_SUBMISSION_TLS_KEY_FILE: {
    kind: 'string',
    default: '',
    doc: 'PEM private key matching POSTLINE_SUBMISSION_TLS_CERT_FILE',
  },
  POSTLINE_SUBMISSION_ALLOW_INSECURE_AUTH: {
    kind: 'bool',
    default: 'false',
    doc: 'Allow AUTH on an unencrypted connection (tests only)',
  },
  POSTLINE_SUBMISSION_MAX_MESSAGE_BYTES: {
    kind: 'int',
    min: 1024,
    default: '26214400',
    doc: 'Largest message accepted (advertised as SIZE; larger gets 552 5.3.4)',
  },
  POSTLINE_SUBMISSION_MAX_RECIPIENTS: {
    kind: 'int',
    min: 1,
    default: '100',
    doc: 'Most recipients per message (more get 452 4.5.3); a credential may set a lower limit',
  },
  POSTLINE_SUBMISSION_ACCEPT_TIMEOUT_MS: {
    kind: 'int',
    min: 100,
    default: '10000',
    doc: 'Bound on the Kafka acknowledgement at end of DATA before answering 451 4.3.0',
  },
  POSTLINE_SUBMISSION_GREETING_DELAY_MS: {
    kind: 'int',
    min: 0,
    default: '0',
    doc: 'Early-talker pause before the SMTP greeting (smtp-server hard-codes 100 ms; 0 greets at once)',
  },
  POSTLINE_SUBMISSION_REVERSE_LOOKUP: {
    kind: 'bool',
    default: 'false',
    doc: 'Resolve the client address to a name (reverse DNS) for each SMTP session',
  },
} satisfies EnvSchema;

export type SubmissionConfig = ConfigOf<typeof submissionConfigSchema>;

/** The feature's settings from the validated environment. */
export function submissionFeatureSettings(c: SubmissionConfig) {
  return {
    hostname: c.POSTLINE_SUBMISSION_HOSTNAME,
    listenHost: c.POSTLINE_SUBMISSION_LISTEN_HOST,
    smtpPort: c.POSTLINE_SUBMISSION_SMTP_PORT,
    smtpsPort: c.POSTLINE_SUBMISSION_SMTPS_PORT,
    tlsCertFile: c.POSTLINE_SUBMISSION_TLS_CERT_FILE,
    tlsKeyFile: c.POSTLINE_SUBMISSION_TLS_KEY_FILE,
    allowInsecureAuth: c.POSTLINE_SUBMISSION_ALLOW_INSECURE_AUTH,
    maxMessageBytes: c.POSTLINE_SUBMISSION_MAX_MESSAGE_BYTES,
    maxRecipients: c.POSTLINE_SUBMISSION_MAX_RECIPIENTS,
    acceptTimeoutMs: c.POSTLINE_SUBMISSION_ACCEPT_TIMEOUT_MS,
    greetingDelayMs: c.POSTLINE_SUBMISSION_GREETING_DELAY_MS,
    reverseLookup: c.POSTLINE_SUBMISSION_REVERSE_LOOKUP,
  };
}
