// Settings of the submission service (validated at boot; see README "Configuration").
import { platformSchema, type ConfigOf, type EnvSchema } from '@postline/platform/config';
import type { SubmissionFeatureSettings } from '@postline/submission/feature';

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
  POSTLINE_SUBMISSION_TLS_RELOAD_DEBOUNCE_MS: {
    kind: 'int',
    min: 10,
    max: 60000,
    default: '1000',
    doc: 'Quiet period after a change in the certificate or key directory before both files are read again and, if valid, used for new TLS handshakes',
  },
  POSTLINE_SUBMISSION_PROXY_ALLOWED_CIDRS: {
    kind: 'string',
    default: '',
    doc: 'Comma-separated CIDRs of load balancers that must open each connection with a PROXY protocol v1 or v2 header; empty turns PROXY off',
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
    doc: 'Largest message accepted (advertised as SIZE; larger gets 552 5.3.4), at most POSTLINE_SUBMISSION_MAX_RECORD_BYTES less 32 KiB',
  },
  POSTLINE_SUBMISSION_MAX_RECORD_BYTES: {
    kind: 'int',
    min: 65536,
    default: '1000000',
    doc: 'Largest record the outbound topic takes (Kafka message.max.bytes / max.message.bytes); messages are limited to this less 32 KiB, whatever POSTLINE_SUBMISSION_MAX_MESSAGE_BYTES says',
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
  POSTLINE_SUBMISSION_MAX_CONNECTIONS: {
    kind: 'int',
    min: 1,
    default: '500',
    doc: 'SMTP sessions at once per process, both listeners together; more get 421 4.7.0 instead of a greeting',
  },
  POSTLINE_SUBMISSION_MAX_CONNECTIONS_PER_IP: {
    kind: 'int',
    min: 1,
    default: '20',
    doc: 'SMTP sessions at once per client address (IPv6: per /64); more get 421 4.7.0 instead of a greeting',
  },
  POSTLINE_SUBMISSION_IDLE_TIMEOUT_MS: {
    kind: 'int',
    min: 1000,
    default: '300000',
    doc: "Time the server waits for the client's next command or data before 421 4.4.2 (RFC 5321 4.5.3.2.7: at least 5 minutes)",
  },
  POSTLINE_SUBMISSION_MAX_SESSION_MS: {
    kind: 'int',
    min: 0,
    default: '1800000',
    doc: 'Total time of one SMTP session before 421 4.4.2 (a DATA still arriving is cut, nothing queued); 0 for no limit',
  },
  POSTLINE_SUBMISSION_MIN_DATA_RATE_BPS: {
    kind: 'int',
    min: 0,
    default: '256',
    doc: 'Slowest DATA accepted in bytes per second, averaged over each window; slower gets 421 4.4.2 and nothing is queued; 0 disables',
  },
  POSTLINE_SUBMISSION_DATA_RATE_WINDOW_MS: {
    kind: 'int',
    min: 100,
    default: '30000',
    doc: 'Window over which the DATA rate is averaged',
  },
  POSTLINE_SUBMISSION_MAX_COMMAND_LINE_BYTES: {
    kind: 'int',
    min: 512,
    max: 12288,
    default: '512',
    doc: 'Longest command line including CRLF (RFC 5321 4.5.3.1.4); longer gets 500 5.5.2 (AUTH lines may be 12288, RFC 4954)',
  },
  POSTLINE_SUBMISSION_MAX_LINE_BYTES: {
    kind: 'int',
    min: 1000,
    default: '1000',
    doc: 'Longest message text line including CRLF (RFC 5321 4.5.3.1.6); a message with a longer line gets 500 5.5.2 at end of DATA',
  },
  POSTLINE_SUBMISSION_AUTH_MAX_FAILURES_PER_IP: {
    kind: 'int',
    min: 1,
    default: '5',
    doc: 'AUTH failures per client address (IPv6: per /64) within the window that lock it out: 421 4.7.0, and 421 at connect while locked',
  },
  POSTLINE_SUBMISSION_AUTH_MAX_FAILURES_PER_USERNAME: {
    kind: 'int',
    min: 1,
    default: '20',
    doc: 'AUTH failures per username (existing or not) within the window that lock the username out for sources that have not logged in as it in the last 24 h',
  },
  POSTLINE_SUBMISSION_AUTH_FAILURE_WINDOW_MS: {
    kind: 'int',
    min: 1000,
    default: '900000',
    doc: 'Sliding window in which AUTH failures count',
  },
  POSTLINE_SUBMISSION_AUTH_LOCKOUT_MS: {
    kind: 'int',
    min: 1000,
    default: '900000',
    doc: 'How long an AUTH lockout lasts',
  },
  POSTLINE_SUBMISSION_AUTH_FAILURE_DELAY_MS: {
    kind: 'int',
    min: 0,
    default: '500',
    doc: 'Delay before answering a failed AUTH; doubles with each further failure of the client in the window',
  },
  POSTLINE_SUBMISSION_MESSAGES_PER_MINUTE: {
    kind: 'int',
    min: 1,
    default: '1000',
    doc: 'Most messages a credential may have accepted per minute (its default too; a credential may set a lower one); more get 450 4.7.1 at MAIL',
  },
  POSTLINE_SUBMISSION_RECIPIENTS_PER_MINUTE: {
    kind: 'int',
    min: 1,
    default: '10000',
    doc: 'Most recipients a credential may have accepted per minute (its default too; a credential may set a lower one); more get 450 4.7.1 at RCPT',
  },
  POSTLINE_SUBMISSION_AUTH_FAILURE_MAX_DELAY_MS: {
    kind: 'int',
    min: 0,
    default: '8000',
    doc: 'Cap on the failed-AUTH delay',
  },
} satisfies EnvSchema;

export type SubmissionConfig = ConfigOf<typeof submissionConfigSchema>;

/** The feature's settings from the validated environment. */
export function submissionFeatureSettings(c: SubmissionConfig): SubmissionFeatureSettings {
  return {
    hostname: c.POSTLINE_SUBMISSION_HOSTNAME,
    listenHost: c.POSTLINE_SUBMISSION_LISTEN_HOST,
    smtpPort: c.POSTLINE_SUBMISSION_SMTP_PORT,
    smtpsPort: c.POSTLINE_SUBMISSION_SMTPS_PORT,
    tlsCertFile: c.POSTLINE_SUBMISSION_TLS_CERT_FILE,
    tlsKeyFile: c.POSTLINE_SUBMISSION_TLS_KEY_FILE,
    tlsReloadDebounceMs: c.POSTLINE_SUBMISSION_TLS_RELOAD_DEBOUNCE_MS,
    proxyAllowedCidrs: c.POSTLINE_SUBMISSION_PROXY_ALLOWED_CIDRS,
    allowInsecureAuth: c.POSTLINE_SUBMISSION_ALLOW_INSECURE_AUTH,
    maxMessageBytes: c.POSTLINE_SUBMISSION_MAX_MESSAGE_BYTES,
    maxRecordBytes: c.POSTLINE_SUBMISSION_MAX_RECORD_BYTES,
    maxRecipients: c.POSTLINE_SUBMISSION_MAX_RECIPIENTS,
    acceptTimeoutMs: c.POSTLINE_SUBMISSION_ACCEPT_TIMEOUT_MS,
    greetingDelayMs: c.POSTLINE_SUBMISSION_GREETING_DELAY_MS,
    reverseLookup: c.POSTLINE_SUBMISSION_REVERSE_LOOKUP,
    maxConnections: c.POSTLINE_SUBMISSION_MAX_CONNECTIONS,
    maxConnectionsPerIp: c.POSTLINE_SUBMISSION_MAX_CONNECTIONS_PER_IP,
    idleTimeoutMs: c.POSTLINE_SUBMISSION_IDLE_TIMEOUT_MS,
    maxSessionMs: c.POSTLINE_SUBMISSION_MAX_SESSION_MS,
    minDataRateBytesPerSecond: c.POSTLINE_SUBMISSION_MIN_DATA_RATE_BPS,
    dataRateWindowMs: c.POSTLINE_SUBMISSION_DATA_RATE_WINDOW_MS,
    maxCommandLineBytes: c.POSTLINE_SUBMISSION_MAX_COMMAND_LINE_BYTES,
    maxLineBytes: c.POSTLINE_SUBMISSION_MAX_LINE_BYTES,
    authLimits: {
      windowMs: c.POSTLINE_SUBMISSION_AUTH_FAILURE_WINDOW_MS,
      maxFailuresPerClient: c.POSTLINE_SUBMISSION_AUTH_MAX_FAILURES_PER_IP,
      maxFailuresPerUsername: c.POSTLINE_SUBMISSION_AUTH_MAX_FAILURES_PER_USERNAME,
      lockoutMs: c.POSTLINE_SUBMISSION_AUTH_LOCKOUT_MS,
      failureDelayMs: c.POSTLINE_SUBMISSION_AUTH_FAILURE_DELAY_MS,
      maxFailureDelayMs: c.POSTLINE_SUBMISSION_AUTH_FAILURE_MAX_DELAY_MS,
    },
    messagesPerMinute: c.POSTLINE_SUBMISSION_MESSAGES_PER_MINUTE,
    recipientsPerMinute: c.POSTLINE_SUBMISSION_RECIPIENTS_PER_MINUTE,
    shutdownGraceMs: c.POSTLINE_SHUTDOWN_GRACE_MS,
  };
}
