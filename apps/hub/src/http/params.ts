import { ParseUUIDPipe, PipeTransform } from '@nestjs/common';
import { AGENCY_ID_PATTERN, ValidationError } from '@onestop/domain';

/** A path parameter that must be a UUID; a bad one is a 400 naming it. */
export const uuidParam = (name: string) =>
  new ParseUUIDPipe({ version: '4', exceptionFactory: () => new ValidationError({ [name]: `${name} must be a UUID` }) });

/** A path parameter that must be a slug (agency or agreement id). */
export const slugParam = (name: string): PipeTransform<string, string> => ({
  transform(value: string) {
    if (!AGENCY_ID_PATTERN.test(value)) throw new ValidationError({ [name]: `${name} must be a slug (a-z, 0-9, -)` });
    return value;
  },
});

/** Reads `If-Match` as a revision number; anything else is a 400. */
export function ifMatchRevision(header: string | undefined): number | undefined {
  if (header === undefined || header === '*') return undefined;
  const m = /^(?:W\/)?"?(-?\d+)"?$/.exec(header.trim());
  if (!m) throw new ValidationError({ 'If-Match': 'must be a revision number, e.g. "3"' });
  return Number(m[1]);
}

/**
 * The query of a call that takes no parameters (`@Query(noQuery)`): any parameter is refused,
 * naming each, rather than ignored, so a client sending `?after=` to a call that does not page
 * learns so at once.
 */
export const noQuery: PipeTransform<Record<string, unknown>, Record<string, never>> = {
  transform(query: Record<string, unknown>) {
    const names = Object.keys(query ?? {});
    if (names.length > 0) throw new ValidationError(Object.fromEntries(names.map((n) => [n, `${n} is not a parameter of this call`])));
    return {};
  },
};
