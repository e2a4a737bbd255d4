import { categoriesOfField, Category, isSubjectEventType, SUBJECT_EVENT_SCHEMAS } from '@onestop/domain';
import { memoOf } from '../reads/event-memo';

/** What a read showed: the field paths (`needs.accommodation`) and the categories they belong to. */
export interface Shown {
  fields: string[];
  categories: Category[];
}

/** `name.key` for a field held by need category, made once per pair (a history read asks for thousands). */
const subFields = new Map<string, Map<string, string>>();
const subField = (name: string, key: string): string => {
  let byKey = subFields.get(name);
  if (!byKey) subFields.set(name, (byKey = new Map()));
  let path = byKey.get(key);
  if (path === undefined) byKey.set(key, (path = `${name}.${key}`));
  return path;
};

/** The fields and categories one event shows (unsorted, each once). */
function shownByOne(event: { type: string; data: Record<string, unknown> }): Shown {
  const memo = memoOf(event);
  if (memo?.shown) return memo.shown;
  const fields = new Set<string>();
  const categories = new Set<Category>();
  if (isSubjectEventType(event.type)) {
    const schema = SUBJECT_EVENT_SCHEMAS[event.type];
    for (const name of Object.keys(event.data)) {
      const rule = Object.hasOwn(schema, name) ? schema[name] : undefined;
      const value = event.data[name];
      if (!rule || value === undefined) continue;
      if (rule.kind === 'subject') {
        fields.add(name);
        categories.add('identity');
        continue;
      }
      for (const category of categoriesOfField(rule, value)) {
        categories.add(category);
        fields.add(rule.kind === 'byKey' ? subField(name, category) : name);
      }
    }
  }
  const shown = { fields: [...fields], categories: [...categories] };
  if (memo) memo.shown = shown;
  return shown;
}

/**
 * The fields and categories a set of events shows, classified by the event catalogue: what an
 * access record says was seen. The hub id counts as identity.
 */
export function shownBy(events: ReadonlyArray<{ type: string; data: Record<string, unknown> }>): Shown {
  const fields = new Set<string>();
  const categories = new Set<Category>();
  for (const event of events) {
    const shown = shownByOne(event);
    for (const field of shown.fields) fields.add(field);
    for (const category of shown.categories) categories.add(category);
  }
  return { fields: [...fields].sort(), categories: [...categories].sort() };
}
