import { categoriesOfField, Category, isSubjectEventType, SUBJECT_EVENT_SCHEMAS } from '@onestop/domain';

/** What a read showed: the field paths (`needs.accommodation`) and the categories they belong to. */
export interface Shown {
  fields: string[];
  categories: Category[];
}

/**
 * The fields and categories a set of events shows, classified by the event catalogue: what an
 * access record says was seen. The hub id counts as identity.
 */
export function shownBy(events: ReadonlyArray<{ type: string; data: Record<string, unknown> }>): Shown {
  const fields = new Set<string>();
  const categories = new Set<Category>();
  for (const event of events) {
    if (!isSubjectEventType(event.type)) continue;
    const schema = SUBJECT_EVENT_SCHEMAS[event.type];
    for (const [name, value] of Object.entries(event.data)) {
      const rule = Object.hasOwn(schema, name) ? schema[name] : undefined;
      if (!rule || value === undefined) continue;
      if (rule.kind === 'subject') {
        fields.add(name);
        categories.add('identity');
        continue;
      }
      const found = categoriesOfField(rule, value);
      found.forEach((c) => categories.add(c));
      if (rule.kind === 'byKey') found.forEach((c) => fields.add(`${name}.${c}`));
      else fields.add(name);
    }
  }
  return { fields: [...fields].sort(), categories: [...categories].sort() };
}
