import { AgencyService, DEADLINE_KINDS, DeadlineRule, ServiceDeadlines, URGENCIES, ValidationError } from '@onestop/domain';
import { AgencyServiceDto, DeadlineRuleDto } from '../dto/agency.dto';

/**
 * The services of a `PUT /v1/agencies/{id}` body as the domain records them: ids unique, each
 * deadline given as exactly one of `minutes` or `workingDays`, and `deadlines` left out when the
 * service keeps every default (so a registration without deadlines is recorded as before).
 */
export function servicesOf(body: readonly AgencyServiceDto[] | undefined): AgencyService[] {
  const bad: Record<string, string> = {};
  const seen = new Set<string>();
  const services = (body ?? []).map((s, i): AgencyService => {
    if (seen.has(s.id)) bad[`services[${i}].id`] = `duplicate service ${s.id}`;
    seen.add(s.id);
    const deadlines: ServiceDeadlines = {};
    for (const kind of DEADLINE_KINDS) {
      for (const urgency of URGENCIES) {
        const given: DeadlineRuleDto | undefined = s.deadlines?.[kind]?.[urgency];
        if (!given) continue;
        const rule = ruleOf(given);
        if (!rule) {
          bad[`services[${i}].deadlines.${kind}.${urgency}`] = 'give exactly one of minutes or workingDays';
          continue;
        }
        deadlines[kind] = { ...deadlines[kind], [urgency]: rule };
      }
    }
    return Object.keys(deadlines).length > 0 ? { id: s.id, name: s.name, deadlines } : { id: s.id, name: s.name };
  });
  if (Object.keys(bad).length > 0) throw new ValidationError(bad);
  return services;
}

function ruleOf(given: DeadlineRuleDto): DeadlineRule | undefined {
  if ((given.minutes === undefined) === (given.workingDays === undefined)) return undefined;
  return given.minutes !== undefined ? { minutes: given.minutes } : { workingDays: given.workingDays! };
}
