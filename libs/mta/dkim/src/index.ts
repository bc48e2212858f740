// DKIM signing of pre-built messages (RSA-SHA256 and Ed25519), keys loaded from mounted files.
export {};
