import { ValidationError, DomainError } from '../hub-error';
import { OpenBreakGlass, ReviewBreakGlass } from './person.commands';
import { BREAK_GLASS_OUTCOMES, PersonEvent } from './person.events';

/** Break-glass access is time-boxed: at most four hours. */
export const BREAK_GLASS_MAX_MINUTES = 240;

/** A break-glass grant as the person stream knows it. */
export interface BreakGlassGrant {
  until: string;
  reviewed: boolean;
}

export type BreakGlassGrants = ReadonlyMap<string, BreakGlassGrant>;

/** Folds one person event into the person's break-glass grants. */
export function evolveBreakGlass(grants: BreakGlassGrants, event: PersonEvent): BreakGlassGrants {
  if (event.type === 'BreakGlassOpened.v1') return new Map(grants).set(event.data.grantId, { until: event.data.until, reviewed: false });
  if (event.type === 'BreakGlassReviewed.v1') {
    const grant = grants.get(event.data.grantId);
    return grant ? new Map(grants).set(event.data.grantId, { ...grant, reviewed: true }) : grants;
  }
  return grants;
}

/**
 * Opening: a written reason and 1 to 240 minutes; the grant runs from `now`. Reviewing: a known
 * grant, once, with one of the outcomes.
 */
export function decideBreakGlass(command: OpenBreakGlass | ReviewBreakGlass, grants: BreakGlassGrants, personId: string, now: string): PersonEvent[] {
  if (command.type === 'OpenBreakGlass') {
    const bad: Record<string, string> = {};
    if (!Number.isInteger(command.minutes) || command.minutes < 1 || command.minutes > BREAK_GLASS_MAX_MINUTES) {
      bad.minutes = `must be a whole number of minutes from 1 to ${BREAK_GLASS_MAX_MINUTES}`;
    }
    if (command.reason.trim().length === 0) bad.reason = 'give the reason in writing';
    if (Object.keys(bad).length > 0) throw new ValidationError(bad);
    if (grants.has(command.grantId)) throw new DomainError('break-glass.duplicate', 'break-glass grant id already used');
    const until = new Date(Date.parse(now) + command.minutes * 60_000).toISOString();
    return [{ type: 'BreakGlassOpened.v1', data: { personId, grantId: command.grantId, reason: command.reason, until } }];
  }
  const grant = grants.get(command.grantId);
  if (!grant) throw new DomainError('break-glass.not-found', 'no such break-glass grant for this person', { grantId: command.grantId });
  if (grant.reviewed) throw new DomainError('break-glass.already-reviewed', 'the grant was already reviewed', { grantId: command.grantId });
  if (!BREAK_GLASS_OUTCOMES.includes(command.outcome)) throw new ValidationError({ outcome: `must be one of ${BREAK_GLASS_OUTCOMES.join(', ')}` });
  const data = { personId, grantId: command.grantId, outcome: command.outcome };
  return [{ type: 'BreakGlassReviewed.v1', data: command.note === undefined ? data : { ...data, note: command.note } }];
}
