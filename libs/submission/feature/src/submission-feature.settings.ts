// What the submission feature needs from the service's configuration; the
// service maps its validated environment onto this (see services/submission).
export interface SubmissionFeatureSettings {
  /** Host name in the greeting, Received header and added Message-IDs. */
  hostname: string;
  listenHost: string;
  /** Submission port: STARTTLS when a certificate is configured; 0 picks a free port. */
  smtpPort: number;
  /** Implicit TLS port (RFC 8314); only opened when a certificate is configured. */
  smtpsPort: number;
  tlsCertFile: string;
  tlsKeyFile: string;
  /** Tests only: AUTH over an unencrypted connection. */
  allowInsecureAuth: boolean;
  maxMessageBytes: number;
  maxRecipients: number;
  /** Bound on the Kafka acknowledgement before answering 451 4.3.0. */
  acceptTimeoutMs: number;
  /** smtp-server's early-talker pause before the greeting; 0 greets at once. */
  greetingDelayMs: number;
  reverseLookup: boolean;
}

export const SUBMISSION_SETTINGS = Symbol('postline.submission.settings');
