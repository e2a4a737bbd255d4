import { ApiError, post } from '../lib/api.js';
import { h, valueOf } from '../lib/dom.js';
import { time, URGENCIES, words } from '../lib/format.js';
import { onSubmit, radios, selectField, submitButton, textArea } from '../lib/forms.js';
import { personFormShell } from './person-form-shell.js';

const URGENCY_HINTS = {
  immediate: 'To be acknowledged within 15 minutes',
  'same-day': 'To be acknowledged within 4 hours',
  routine: 'To be acknowledged within 2 working days',
};

/** Raise a referral to another agency's service now, or prepare one that goes when consent covers it. */
export async function render(page, ctx) {
  const { id, agencies, who } = await personFormShell(page, ctx, 'Raise a referral');
  const services = agencies
    .filter((a) => a.agencyId !== ctx.viewer.agencyId)
    .flatMap((a) => (a.services ?? []).map((s) => [`${a.agencyId}|${s.id}`, `${s.name} – ${a.name}`]));
  page.append(h('p', { class: 'lead' }, `Every minute counts once ${who} accepts help. The receiving agency sees the referral at once and a deadline starts.`));
  const form = h(
    'form',
    { class: 'form' },
    selectField({ name: 'toAgency', label: 'Service', hint: 'The agency and the service you are referring to', options: services, placeholder: 'Choose a service' }),
    radios({ name: 'urgency', legend: 'How urgent is it?', options: URGENCIES.map((u) => [u, words(u), URGENCY_HINTS[u]]) }),
    textArea({ name: 'reason', label: 'Reason for the referral', hint: 'What the person needs and what they have agreed to', rows: 3 }),
    radios({
      name: 'waitForConsent',
      legend: 'When should it go?',
      value: 'no',
      options: [
        ['no', 'Raise it now'],
        ['yes', 'Prepare it now, and raise it the moment the person\'s consent covers it'],
      ],
    }),
    submitButton('Send referral'),
  );
  page.append(
    onSubmit(form, async () => {
      const [toAgency = '', service = ''] = valueOf(form, 'toAgency').split('|');
      const urgency = form.querySelector('input[name="urgency"]:checked')?.value;
      const waitForConsent = form.querySelector('input[name="waitForConsent"]:checked')?.value === 'yes';
      const body = { personId: id, toAgency, service, urgency, reason: valueOf(form, 'reason'), waitForConsent };
      const created = await post('/v1/referrals', body).catch((error) => {
        if (error instanceof ApiError && error.fields.service && !error.fields.toAgency) error.fields.toAgency = error.fields.service;
        if (error instanceof ApiError) delete error.fields.service;
        throw error;
      });
      ctx.announce(created.status === 'prepared' ? 'Referral prepared. It will be raised when consent covers it.' : `Referral raised. It must be acknowledged by ${time(created.acknowledgeBy)}.`);
      ctx.navigate(`#/referrals?new=${created.referralId}`);
    }),
  );
}
