// DKIM signing of pre-built messages (RSA-SHA256 and Ed25519), keys loaded from mounted files.
export * from './dkim.types';
export * from './dkim.errors';
export { dnsRecordFor, dnsNameFor } from './dkim-key';
export { DkimKeyRing } from './dkim-key-ring';
export { DkimSigner, DKIM_SIGNED_HEADERS, type DkimSignerOptions } from './dkim-signer';
export { DkimSignerPool } from './dkim-signer-pool';
