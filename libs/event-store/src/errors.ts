import { HubError } from '@onestop/domain';

/** The stream was not at the expected revision; nothing was written. */
export class StreamVersionConflictError extends HubError {
  constructor(
    readonly stream: string,
    readonly expected: string,
    /** The stream's actual revision, or -1 when it does not exist. */
    readonly actualRevision: number,
  ) {
    super('stream.version-conflict', `stream ${stream} is at revision ${actualRevision}, expected ${expected}`, {
      stream,
      expected,
      actualRevision,
    });
  }
}

/** The store could not be reached or failed; the operation may be retried. */
export class StoreUnavailableError extends HubError {
  constructor(message: string, cause?: unknown) {
    super('store.unavailable', message, undefined, cause);
  }
}

/** The request to the store was malformed (bad stream name, empty batch, bad revision). */
export class StoreInvalidRequestError extends HubError {
  constructor(message: string) {
    super('store.invalid-request', message);
  }
}

/**
 * Some of the batch's event ids are already stored, but not as this same batch at consecutive
 * revisions of this stream: it is neither a new append nor an idempotent retry. Nothing was written.
 */
export class IdempotencyMismatchError extends HubError {
  constructor(
    readonly stream: string,
    reason: string,
  ) {
    super('stream.idempotency-mismatch', `append to ${stream} reuses stored event ids: ${reason}`, { stream });
  }
}
