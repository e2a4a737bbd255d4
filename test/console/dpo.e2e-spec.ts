import { Browser } from 'playwright-core';
import { TestHub } from '../support/hub-harness';
import { describeInBrowser, launchChromium, openPage, screenshot, signInAsDemo, visit } from './support/console-browser';

/** Browser globals, used only inside `page.evaluate` callbacks (the tests compile without the DOM library). */
declare const document: any;

jest.setTimeout(120_000);

/**
 * A data-protection officer explains a disclosure and verifies the log. The audit API is being
 * built alongside the console: each check asserts what the console must do on this hub, the
 * result when the hub offers the call, and a plain "not available yet" when it does not.
 */
describeInBrowser('the console for data-protection officers', () => {
  let hub: TestHub;
  let browser: Browser;
  let offered: Set<string>;
  let alex: string;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([TestHub.start({ demo: true }), launchChromium()]);
    offered = new Set(Object.keys((await hub.request('GET', '/docs/openapi.json')).body.paths).map((p) => p.replace(/\{[^}]+\}/g, '{}')));
    const token = (await hub.request('POST', '/console/demo-token', undefined, { agency: 'housing', role: 'caseworker' })).body.token;
    alex = (await hub.request('GET', '/v1/people?name=Alex%20Morgan', token)).body.people[0].personId;
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('explains why an agency could see a person\'s data at the time of a disclosure', async () => {
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, hub.url, 'housing', 'dpo');
    await expect(page.locator('[data-who="role"]').textContent()).resolves.toBe('Data-protection officer');
    await visit(page, hub.url, `#/people/${alex}`, 'Alex Morgan');
    const consentGiven = page.locator('.timeline__item', { hasText: 'Consent given to' });
    const at = await consentGiven.locator('time').getAttribute('datetime');
    await consentGiven.getByRole('link', { name: 'Explain why this could be seen' }).click();
    await page.locator('main h1', { hasText: 'Explain access' }).waitFor();

    if (!offered.has('/v1/audit/explain')) {
      await expect(page.locator('.notice').textContent()).resolves.toContain('Not available yet');
      await expect(page.locator('.notice').textContent()).resolves.toContain('GET /v1/audit/explain');
      expect(await page.locator('form').count()).toBe(0);
    } else {
      await expect(page.getByLabel('Person (hub id)').inputValue()).resolves.toBe(alex);
      await expect(page.getByLabel('Agency').inputValue()).resolves.toBe('housing');
      const results = page.getByRole('region', { name: 'Explanation' }).or(page.locator('section.results'));
      await results.first().waitFor();
      const text = (await results.first().textContent()) ?? '';
      expect(text).not.toContain('Not available yet');
      const api = await hub.request('GET', `/v1/audit/explain?personId=${alex}&agencyId=housing&at=${encodeURIComponent(at!)}`, await dpoToken());
      expect(api.status).toBe(200);
      for (const c of api.body.categories ?? []) {
        const row = page.getByRole('table', { name: 'Explanation by category' }).locator('tr', { has: page.locator('th', { hasText: new RegExp(`^${label(c.category)}$`) }) });
        await expect(row.textContent()).resolves.toContain(c.permitted ? 'Yes – permitted' : 'No – not permitted');
      }
    }
    await screenshot(page, 'flow-dpo-explain');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps the exact instant of an explain link, even one on a whole minute', async () => {
    expect(offered.has('/v1/audit/explain')).toBe(true);
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, hub.url, 'housing', 'dpo');
    const asked: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/v1/audit/explain') asked.push(url.searchParams.get('at') ?? '');
    });
    for (const at of ['2026-01-05T10:00:00.456Z', '2026-01-05T10:00:07.089Z']) {
      await visit(page, hub.url, `#/audit/explain?personId=${alex}&agencyId=housing&at=${at}`, 'Explain access');
      await page.getByRole('table', { name: 'Explanation by category' }).waitFor();
      expect(asked.at(-1)).toBe(at);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('verifies the audit log and shows the result', async () => {
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, hub.url, 'housing', 'dpo');
    await page.getByRole('link', { name: 'Verify the log' }).click();
    await page.locator('main h1', { hasText: 'Verify the audit log' }).waitFor();
    if (!offered.has('/v1/audit/verify')) {
      await expect(page.locator('.notice').textContent()).resolves.toContain('Not available yet');
      await expect(page.locator('.notice').textContent()).resolves.toContain('GET /v1/audit/verify');
    } else {
      await page.getByRole('button', { name: 'Verify the log now' }).click();
      const verdict = page.locator('[data-verdict]');
      await verdict.waitFor();
      await expect(verdict.getAttribute('data-verdict')).resolves.toBe('intact');
      await expect(verdict.textContent()).resolves.toContain('The audit log is intact');
    }
    await screenshot(page, 'flow-dpo-verify');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says plainly which DPO capabilities the hub does not offer yet', async () => {
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, hub.url, 'housing', 'dpo');
    const pages: Array<[string, string, (paths: Set<string>) => boolean]> = [
      ['#/audit', 'Audit records', (p) => p.has('/v1/audit/records')],
      ['#/audit/subject-access', 'Subject access export', (p) => p.has('/v1/people/{}/subject-access')],
      ['#/audit/retractions', 'Outstanding retractions', (p) => [...p].some((x) => /^\/v1\/(audit\/)?retractions/.test(x))],
      ['#/audit/break-glass', 'Break-glass reviews', (p) => [...p].some((x) => /break-glass/.test(x))],
    ];
    for (const [hash, heading, isOffered] of pages) {
      await visit(page, hub.url, hash, heading);
      const unavailable = await page.getByRole('heading', { name: 'Not available yet' }).count();
      expect({ heading, unavailable: unavailable > 0 }).toEqual({ heading, unavailable: !isOffered(offered) });
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('filters the audit records by person and kind, naming no one', async () => {
    if (!offered.has('/v1/audit/records')) return;
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, hub.url, 'housing', 'dpo');
    await visit(page, hub.url, `#/audit?personId=${alex}`, 'Audit records');
    await page.getByLabel('Kind').selectOption('access');
    await page.getByRole('button', { name: 'Show records' }).click();
    const records = page.getByRole('table', { name: 'Audit records' });
    await records.waitFor();
    const kinds = await records.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds)).toEqual(new Set(['Access']));
    expect(await records.textContent()).not.toContain('Alex Morgan');
    await screenshot(page, 'flow-dpo-audit-records');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('reviews a break-glass access from the queue', async () => {
    if (!offered.has('/v1/audit/break-glass')) return;
    const police = (await hub.request('POST', '/console/demo-token', undefined, { agency: 'police', role: 'caseworker' })).body.token;
    const opened = await hub.request('POST', `/v1/people/${alex}/break-glass`, police, { reason: 'Reported missing tonight; need the last known address', minutes: 30 });
    expect(opened.status).toBeLessThan(300);
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, hub.url, 'housing', 'dpo');
    await visit(page, hub.url, '#/audit/break-glass', 'Break-glass reviews');
    const card = page.locator('section.grant', { hasText: 'Reported missing tonight' });
    await expect(card.locator('h3').textContent()).resolves.toContain('Emergency access by Police – Neighbourhood Team');
    await screenshot(page, 'break-glass-with-queue');
    await card.getByRole('button', { name: 'Record review' }).click();
    await expect(card.locator('.error-message:not([hidden])').textContent()).resolves.toContain('outcome');
    await card.getByLabel('Not justified').check();
    await card.getByLabel('Note (optional)').fill('Address was not needed: the person was found within the hour.');
    await card.getByRole('button', { name: 'Record review' }).click();
    await page.getByText('Review recorded.', { exact: true }).first().waitFor();
    await page.getByLabel('Show').selectOption('reviewed');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expect(page.locator('section.grant', { hasText: 'Reported missing tonight' }).textContent()).resolves.toContain('Not justified – reviewed');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('exports a subject access request as a download', async () => {
    if (!offered.has('/v1/people/{}/subject-access')) return;
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, hub.url, 'housing', 'dpo');
    await visit(page, hub.url, `#/people/${alex}`, 'Alex Morgan');
    await page.getByRole('link', { name: 'Subject access export for this person' }).click();
    await page.locator('main h1', { hasText: 'Subject access export' }).waitFor();
    await page.getByRole('button', { name: 'Prepare export' }).click();
    const download = page.getByRole('link', { name: 'Download the export (JSON)' });
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    expect(file.suggestedFilename()).toBe(`subject-access-${alex}.json`);
    const body = JSON.parse(await new Promise<string>((resolve, reject) => file.createReadStream().then((s) => { let t = ''; s.on('data', (c) => (t += c)); s.on('end', () => resolve(t)); s.on('error', reject); }, reject)));
    expect(body.personId).toBe(alex);
    await screenshot(page, 'subject-access-with-export');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lists the retractions agencies have not confirmed after consent is withdrawn', async () => {
    if (!offered.has('/v1/audit/retractions')) return;
    const sms = (await hub.request('POST', '/console/demo-token', undefined, { agency: 'sms', role: 'caseworker' })).body.token;
    await hub.published();
    const consentId = (await hub.request('GET', `/v1/people/${alex}`, sms)).body.consents[0].consentId;
    expect((await hub.request('POST', `/v1/people/${alex}/consents/${consentId}/withdraw`, sms, {})).status).toBe(200);
    await hub.published();
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, hub.url, 'housing', 'dpo');
    await visit(page, hub.url, '#/audit/retractions', 'Outstanding retractions');
    const table = page.getByRole('table', { name: 'Outstanding retractions' });
    await table.waitFor();
    const agencies = await table.locator('tbody th').allTextContents();
    expect(agencies).toContain('Council Housing Options (housing)');
    await page.getByLabel('Agency').selectOption('shelter');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('table tbody th')].every((th) => th.textContent.includes('(shelter)')));
    await screenshot(page, 'retractions-outstanding');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lights up each DPO page once the hub offers its API (answers simulated in the browser)', async () => {
    const { page, errors } = await openPage(browser);
    const doc = (await hub.request('GET', '/docs/openapi.json')).body;
    const extra = ['/v1/audit/records', '/v1/audit/explain', '/v1/audit/verify', '/v1/people/{personId}/subject-access', '/v1/audit/retractions', '/v1/audit/break-glass'];
    for (const path of extra) doc.paths[path] ??= { get: { summary: 'simulated' } };
    const answers: Record<string, unknown> = {
      '/v1/audit/records': { records: [{ kind: 'access', agencyId: 'housing', personId: alex, at: '2026-01-05T10:00:00.000Z', purpose: 'direct-support' }] },
      '/v1/audit/explain': { categories: [{ category: 'accommodation', permitted: true, explanation: 'permitted by agreement town-centre-isp v1, grant 2, basis consent' }, { category: 'offending', permitted: false, explanation: 'no grant covers offending' }] },
      '/v1/audit/verify': { ok: true, records: 42, head: 'abc123' },
      [`/v1/people/${alex}/subject-access`]: { personId: alex, disclosures: [{ agencyId: 'housing', type: 'PersonRegistered.v1' }] },
      '/v1/audit/retractions': { retractions: [] },
      '/v1/audit/break-glass': { accesses: [{ agencyId: 'police', reason: 'Missing person', at: '2026-01-05T10:00:00.000Z' }] },
    };
    await page.route('**/docs/openapi.json', (route) => route.fulfill({ json: doc }));
    for (const [path, body] of Object.entries(answers)) await page.route((url) => url.pathname === path, (route) => route.fulfill({ json: body }));
    await signInAsDemo(page, hub.url, 'housing', 'dpo');

    await visit(page, hub.url, '#/audit', 'Audit records');
    await page.getByRole('button', { name: 'Show records' }).click();
    const records = page.getByRole('table', { name: 'Audit records: Records' });
    await expect(records.locator('thead').textContent()).resolves.toBe('KindAgency idPerson idAtPurpose');
    await expect(records.locator('tbody').textContent()).resolves.toContain('5 Jan 2026, 10:00');
    await screenshot(page, 'audit-records-with-answer');

    await visit(page, hub.url, `#/audit/explain?personId=${alex}&agencyId=housing&at=2026-01-05T10:00:00.000Z`, 'Explain access');
    const explained = page.getByRole('table', { name: 'Explanation by category' });
    await expect(explained.locator('tr', { hasText: 'Accommodation' }).textContent()).resolves.toContain('Yes – permitted');
    await expect(explained.locator('tr', { hasText: 'Offending' }).textContent()).resolves.toContain('No – not permitted');
    await screenshot(page, 'audit-explain-with-answer');

    await visit(page, hub.url, '#/audit/verify', 'Verify the audit log');
    await page.getByRole('button', { name: 'Verify the log now' }).click();
    await expect(page.locator('[data-verdict]').getAttribute('data-verdict')).resolves.toBe('intact');
    await screenshot(page, 'audit-verify-with-answer');

    await visit(page, hub.url, `#/audit/subject-access?personId=${alex}`, 'Subject access export');
    await page.getByRole('button', { name: 'Prepare export' }).click();
    await expect(page.getByRole('link', { name: 'Download the export (JSON)' }).getAttribute('download')).resolves.toBe(`subject-access-${alex}.json`);

    await visit(page, hub.url, '#/audit/retractions', 'Outstanding retractions');
    await page.getByText('None: every agency has confirmed every retraction.').waitFor();
    await visit(page, hub.url, '#/audit/break-glass', 'Break-glass reviews');
    await expect(page.getByRole('table', { name: 'Break-glass accesses' }).textContent()).resolves.toContain('Missing person');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  const dpoToken = async () => (await hub.request('POST', '/console/demo-token', undefined, { agency: 'housing', role: 'dpo' })).body.token;
  const label = (c: string) => ({ identity: 'Identity', contact: 'Contact details', accommodation: 'Accommodation', 'substance-use': 'Substance use', 'mental-health': 'Mental health', 'physical-health': 'Physical health', finances: 'Money and benefits', offending: 'Offending', safeguarding: 'Safeguarding', 'support-plan': 'Support plan', referral: 'Referrals' })[c] ?? c;
});
