import { Category, NEED_CATEGORIES } from './vocabulary';

/**
 * How one top-level field of an event's `data` is classified.
 * - `category`: every field belongs to exactly one category; the sharing decision keeps or
 *   strips it by that category.
 * - `byKey`: the field is an object keyed by need category (`{ 'substance-use': {...} }`);
 *   each entry belongs to the category named by its key.
 * - `sensitive`: stored encrypted under the person's data key (erasable by crypto-shredding).
 * - `subject`: the person's hub id; delivered only where identity is permitted (messages are
 *   addressed by the per-agency pseudonym).
 * - `recordId`: the record's own identifier (an assessment's, a check-in's). It goes with the
 *   rest of the record, never alone: an event with nothing left but it is not delivered, since it
 *   would tell the agency only that something it may not see was recorded.
 */
export type FieldRule =
  | { kind: 'category'; category: Category; sensitive: boolean; recordId?: true }
  | { kind: 'byKey'; sensitive: true }
  | { kind: 'subject' };

export type EventSchema = Readonly<Record<string, FieldRule>>;

export const field = (category: Category, sensitive = true): FieldRule => ({ kind: 'category', category, sensitive });
export const plain = (category: Category): FieldRule => field(category, false);
export const recordId = (category: Category): FieldRule => ({ kind: 'category', category, sensitive: false, recordId: true });
/** Whether the rule classifies the record's own identifier (`recordId`). */
export const isRecordId = (rule: FieldRule | undefined): boolean => rule?.kind === 'category' && rule.recordId === true;
export const byNeedCategory: FieldRule = { kind: 'byKey', sensitive: true };
export const subject: FieldRule = { kind: 'subject' };

/** Whether `key` names a category that a by-key field may hold. */
export const isNeedCategoryKey = (key: string): key is Category => (NEED_CATEGORIES as readonly string[]).includes(key);

/** The category of one data field, or `undefined` when it is the subject id or unknown. */
export function categoriesOfField(rule: FieldRule, value: unknown): Category[] {
  if (rule.kind === 'category') return [rule.category];
  if (rule.kind === 'byKey' && value && typeof value === 'object') {
    return Object.keys(value).filter(isNeedCategoryKey);
  }
  return [];
}
