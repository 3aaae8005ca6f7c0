/** The thing a use case was asked about does not exist (or may not be seen by the asker). */
export class NotFoundError extends Error {
  constructor(
    readonly what: string,
    readonly id: string,
  ) {
    super(`${what} ${id} does not exist`);
  }
}
