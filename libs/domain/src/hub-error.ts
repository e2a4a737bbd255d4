/**
 * The one error base of the hub. `code` is a literal the HTTP layer maps to a status
 * (`validation.failed` → 400, `*.not-found` → 404, `stream.version-conflict` → 409, ...).
 * Messages and details never carry personal data.
 */
export class HubError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
  }
}

/** A command broke a rule of the domain (an invalid transition, a duplicate, an unknown reference). */
export class DomainError extends HubError {}

/** Input failed validation; `fields` names each bad field with the reason. */
export class ValidationError extends HubError {
  constructor(readonly fields: Record<string, string>) {
    super('validation.failed', `invalid fields: ${Object.keys(fields).join(', ')}`, { fields });
  }
}

/** The thing named does not exist (or the caller may not know that it does). */
export class NotFoundError extends HubError {
  constructor(kind: string, id: string) {
    super(`${kind}.not-found`, `${kind} ${id} not found`, { kind, id });
  }
}
