/** What the stores throw; each carries the HTTP status a service answers with. */

/** The upload went past its bound: nothing was stored. Answer 413. */
export class TooLargeError extends Error {
  readonly code = 'too-large';
  readonly status = 413;
  constructor(readonly maxBytes: number) {
    super(`the file is larger than the limit of ${maxBytes} bytes`);
    this.name = 'TooLargeError';
  }
}

/** A key that could escape its folder or is not a plain name: refused before any I/O. */
export class InvalidKeyError extends Error {
  readonly code = 'invalid-key';
  readonly status = 400;
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidKeyError';
  }
}

/** A content type that is not a plain `type/subtype[; parameters]`. */
export class InvalidContentTypeError extends Error {
  readonly code = 'invalid-content-type';
  readonly status = 400;
  constructor(readonly contentType: string) {
    super(`invalid content type ${JSON.stringify(contentType)}`);
    this.name = 'InvalidContentTypeError';
  }
}

/** The byte range lies outside the object. Answer 416 with `Content-Range: bytes *\/<bytes>`. */
export class RangeNotSatisfiableError extends Error {
  readonly code = 'range-not-satisfiable';
  readonly status = 416;
  /** The object's size, when the store knows it. */
  constructor(readonly bytes: number | undefined) {
    super(`the range lies outside the object${bytes === undefined ? '' : ` of ${bytes} bytes`}`);
    this.name = 'RangeNotSatisfiableError';
  }
}
