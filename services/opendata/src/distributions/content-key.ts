/**
 * Where the object store keeps a file's bytes: under its SHA-256, the checksum the public events carry
 * (`distributions[].sha256`). The public read side finds a download from the event alone, with no
 * private key, and the same bytes uploaded twice are kept once.
 */
export const contentKey = (sha256: string): string => `sha256/${sha256}`;
