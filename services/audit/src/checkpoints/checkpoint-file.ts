import { CHECKPOINT_SIGNED, type Checkpoint } from './checkpoint.rules.js';

export class CheckpointFileError extends Error {}

/**
 * Checkpoints a verifier kept outside the store: what `GET /audit/checkpoints` answered
 * (`{"items": […]}`), a JSON array, or NDJSON, each item a checkpoint or a
 * `vn.openlgsp.audit.checkpoint.signed.v1` event carrying one (as collected from
 * `lgsp.audit.checkpoint.signed`). Their signatures are checked by the verifier like the stored ones.
 */
export function checkpointsFromText(text: string): Checkpoint[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let items: unknown[];
  try {
    const whole = JSON.parse(trimmed) as unknown;
    items = Array.isArray(whole)
      ? whole
      : Array.isArray((whole as { items?: unknown })?.items)
        ? (whole as { items: unknown[] }).items
        : [whole];
  } catch {
    items = trimmed
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, i) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          throw new CheckpointFileError(`line ${i + 1} of the checkpoints is not JSON`);
        }
      });
  }
  return items.map((item, i) => {
    const event = item as { type?: unknown; data?: unknown };
    const cp = (event?.type === CHECKPOINT_SIGNED ? event.data : item) as Partial<Checkpoint> | null;
    if (
      !cp ||
      typeof cp !== 'object' ||
      !Number.isSafeInteger(cp.seq) ||
      typeof cp.hash !== 'string' ||
      typeof cp.signedAt !== 'string' ||
      typeof cp.keyId !== 'string' ||
      typeof cp.signature !== 'string'
    )
      throw new CheckpointFileError(
        `item ${i + 1} of the checkpoints is neither a checkpoint nor a checkpoint event`,
      );
    const { seq, hash, signedAt, keyId, algorithm, signature } = cp as Checkpoint;
    return { seq, hash, signedAt, keyId, algorithm, signature };
  });
}
