/**
 * Where a published file is kept in the object store: content-addressed by its SHA-256 (the authoring
 * side stores each upload under this key), so a version's file is found from its public checksum
 * alone and never changes once written.
 */
export function objectKeyOf(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new RangeError(`not a lower-case hex SHA-256: ${sha256}`);
  return `sha256/${sha256}`;
}
