import { HubRuntime, OpenedEvent, PersonReader } from '@onestop/application';
import { AgreementVersion, CATEGORIES, NotFoundError, Purpose, PURPOSES, SubjectEvent } from '@onestop/domain';
import { agreementsInForce, CategoryExplanation, explainCategories } from '@onestop/policy';

/** Every agreement version published (recorded by the hub) at or before `at`. */
async function agreementsPublishedBy(runtime: HubRuntime, at: string): Promise<AgreementVersion[]> {
  const ids = [...new Set(runtime.directory.agreementVersions().map((v) => v.agreementId))];
  const t = Date.parse(at);
  const streams = await Promise.all(ids.map((id) => runtime.store.readStream(`agreement-${id}`)));
  return streams
    .flat()
    .filter((e) => Date.parse(String((e.metadata as { occurredAt?: string }).occurredAt ?? e.recordedAt)) <= t)
    .map((e) => e.data as unknown as AgreementVersion);
}

/**
 * Why an agency could or could not see each category of a person's data at a moment: the sharing
 * decision replayed with the agreement versions published and in force then and the person's
 * consents as they stood then, for each purpose. Works after erasure too (consents are not
 * sealed), so a DPO can still answer for the past.
 */
export async function explainAt(runtime: HubRuntime, personId: string, agencyId: string, at: string, only?: Purpose) {
  const agency = runtime.directory.agency(agencyId);
  if (!agency) throw new NotFoundError('agency', agencyId);
  const events = (await runtime.repository.readStream(`person-${personId}`)) as OpenedEvent<SubjectEvent>[];
  if (events.length === 0) throw new NotFoundError('person', personId);
  const consents = PersonReader.consentsAt(events, at);
  const agreements = await agreementsPublishedBy(runtime, at);
  const purposes = only ? [only] : [...PURPOSES];
  const facts = { agencyId: agency.agencyId, kind: agency.kind };
  const byPurpose = new Map<Purpose, CategoryExplanation[]>(purposes.map((purpose) => [purpose, explainCategories({ agency: facts, agreements, consents, at, purpose })]));
  const categories = CATEGORIES.map((category) => {
    const answers = purposes.map((purpose) => {
      const { permitted, explanation, ground } = byPurpose.get(purpose)!.find((e) => e.category === category)!;
      return { purpose, permitted, explanation, ...(ground ? { ground } : {}) };
    });
    return { category, permitted: answers.some((a) => a.permitted), purposes: answers };
  });
  const breakGlass = runtime.audit.breakGlass
    .activeAt(personId, at)
    .filter((g) => g.agency_id === agencyId)
    .map((g) => ({ grantId: g.grant_id, actor: g.actor, openedAt: g.opened_at, until: g.until, basis: 'vital-interests' }));
  return {
    personId,
    agencyId,
    agencyKind: agency.kind,
    at,
    agreementsInForce: agreementsInForce(agreements, at).map((v) => ({ agreementId: v.agreementId, version: v.version, effectiveFrom: v.effectiveFrom, reviewDate: v.reviewDate })),
    consents: [...consents.values()].map((c) => ({ consentId: c.consentId, status: c.status, validFrom: c.validFrom, validUntil: c.validUntil ?? null, scope: c.scope })),
    categories,
    breakGlass,
    notes: [
      'An agency also always receives what its own users recorded (its own record), whatever the agreements say.',
      ...(breakGlass.length ? ['Break-glass access was open for this agency at that moment: its holder could see every category under vital interests.'] : []),
    ],
  };
}
