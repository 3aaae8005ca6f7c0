import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { TooLargeError } from './errors.js';

/**
 * Passes bytes through while counting them and hashing them (SHA-256); fails with TooLargeError
 * on the first chunk that goes past `maxBytes`, before passing it on.
 */
export class Metering extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return callback(new TooLargeError(this.maxBytes));
    this.hash.update(chunk);
    callback(null, chunk);
  }

  /** The hex SHA-256 of every byte that went through; call once, at the end. */
  sha256(): string {
    return this.hash.digest('hex');
  }
}
