// Why the MTA cannot sign with its DKIM configuration, as typed errors from one
// catalogue. These are raised while the key ring is built (at boot, from the
// mounted Secret) or while the signer is configured, so the service refuses to
// start instead of sending unsigned or badly signed mail.
export const DkimFailures = {
  KEY_DIR_UNREADABLE: 'the DKIM key directory cannot be read',
  KEY_FILE_NAME: 'the file name is not <domain>_<selector>.pem',
  KEY_FILE_UNREADABLE: 'the key file cannot be read',
  KEY_NOT_PRIVATE: 'not an unencrypted PEM private key (PKCS#8 or PKCS#1)',
  KEY_UNSUPPORTED_TYPE: 'the key is neither RSA nor Ed25519',
  KEY_RSA_TOO_SMALL: 'RSA keys must have at least 2048 bits',
  KEY_RSA_TOO_LARGE: 'RSA keys above 4096 bits are not verified by every receiver (RFC 8301)',
  KEY_ALGORITHM_MISMATCH: 'the declared algorithm does not match the key type',
  KEY_BAD_DOMAIN: 'the signing domain is not a valid ASCII domain name',
  KEY_BAD_SELECTOR: 'the selector is not a valid DNS label sequence',
  KEY_DUPLICATE: 'a domain can have one key per algorithm',
  SIGNER_BAD_OPTION: 'invalid DKIM signer option',
} as const;

export type DkimFailureCode = keyof typeof DkimFailures;

export class DkimError extends Error {
  constructor(
    readonly code: DkimFailureCode,
    /** What the failure is about: a file path, a key label (`example.com/s1`) or an option name. */
    readonly subject: string,
    detail?: string,
  ) {
    super(`${subject}: ${DkimFailures[code]}${detail ? ` (${detail})` : ''}`);
    this.name = new.target.name;
  }
}
