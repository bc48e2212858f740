// What the submission feature needs from the service's configuration; the
// service maps its validated environment onto this (see services/submission).
import type { AuthLimits } from '@postline/submission/domain';

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
  /** Quiet period after a change in the certificate directories before both files are read again. */
  tlsReloadDebounceMs: number;
  /** Load balancers (CIDRs) that must send a PROXY v1 or v2 header; empty turns PROXY off. */
  proxyAllowedCidrs: string;
  /**
   * Networks (CIDRs) whose clients may submit on the trusted port without AUTH or
   * TLS; empty (the default) opens no trusted listener.
   */
  trustedNetworks: string;
  /** Trusted listener port (plain SMTP, no AUTH); 0 picks a free port. */
  trustedPort: number;
  /** Username of the credential whose tenant, sender domains, limits and rates the trusted listener's mail has. */
  trustedCredential: string;
  /** Tests only: AUTH over an unencrypted connection. */
  allowInsecureAuth: boolean;
  /** Largest message as configured; see effectiveMessageLimit for the one enforced. */
  maxMessageBytes: number;
  /** Largest record the outbound topic takes (Kafka message.max.bytes / max.message.bytes). */
  maxRecordBytes: number;
  maxRecipients: number;
  /** Bound on the Kafka acknowledgement before answering 451 4.3.0. */
  acceptTimeoutMs: number;
  /** smtp-server's early-talker pause before the greeting; 0 greets at once. */
  greetingDelayMs: number;
  reverseLookup: boolean;
  /** Sessions at once across all listeners, and per client address (IPv6: per /64; trusted networks exempt). */
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** Idle time allowed while the server waits for the client (RFC 5321 4.5.3.2.7: 5 min). */
  idleTimeoutMs: number;
  /** Total session time; 0 for none. */
  maxSessionMs: number;
  /** Slowest DATA accepted, averaged over each window; 0 disables the check. */
  minDataRateBytesPerSecond: number;
  dataRateWindowMs: number;
  /** Command lines including CRLF (AUTH lines may be 12288, RFC 4954). */
  maxCommandLineBytes: number;
  /** Message text lines including CRLF. */
  maxLineBytes: number;
  authLimits: AuthLimits;
  /** Per-credential rates: the most a credential may have, and its default. */
  messagesPerMinute: number;
  recipientsPerMinute: number;
  /** POSTLINE_SHUTDOWN_GRACE_MS: the drain on SIGTERM finishes within it. */
  shutdownGraceMs: number;
}

export const SUBMISSION_SETTINGS = Symbol('postline.submission.settings');

/** Room in a record for the envelope, the fix-up headers and the protobuf framing. */
export const RECORD_HEADROOM_BYTES = 32 * 1024;

/**
 * The message size enforced and advertised as SIZE: the setting, but never more
 * than one Kafka record holds, since a larger message could only ever get 451.
 */
export function effectiveMessageLimit(s: SubmissionFeatureSettings): number {
  return Math.min(s.maxMessageBytes, s.maxRecordBytes - RECORD_HEADROOM_BYTES);
}
