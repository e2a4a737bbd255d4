import { Browser, Page } from 'playwright-core';
import { TestHub } from '../support/hub-harness';
import { describeInBrowser, launchChromium, openPage, screenshot, signInAsDemo, visit } from './support/console-browser';

/** Browser globals, used only inside `page.evaluate` callbacks (the tests compile without the DOM library). */
declare const document: any, window: any, sessionStorage: any, localStorage: any;

jest.setTimeout(120_000);

/** A caseworker's day in the console, against a real hub running the demo partnership. */
describeInBrowser('the console for caseworkers', () => {
  let hub: TestHub;
  let browser: Browser;
  let alex: string;

  const demoToken = async (agency: string, role = 'caseworker'): Promise<string> => (await hub.request('POST', '/console/demo-token', undefined, { agency, role })).body.token;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([TestHub.start({ demo: true }), launchChromium()]);
    const found = await hub.request('GET', '/v1/people?name=Alex%20Morgan', await demoToken('sms'));
    alex = found.body.people[0].personId;
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  async function findAlex(page: Page): Promise<void> {
    await visit(page, hub.url, '#/people', 'Find a person');
    await page.getByLabel('Full name').fill('Alex Morgan');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Alex Morgan' }).click();
    await page.locator('main h1', { hasText: 'Alex Morgan' }).waitFor();
  }

  it('shows who is signed in, for which agency, in which role and for which purpose', async () => {
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, hub.url, 'sms', 'caseworker');
    await expect(page.locator('[data-who="agency"]').textContent()).resolves.toBe('Substance Misuse Service (sms)');
    await expect(page.locator('[data-who="role"]').textContent()).resolves.toBe('Caseworker');
    await expect(page.locator('[data-who="purpose"]').textContent()).resolves.toBe('Direct support');
    const stored = await page.evaluate(() => ({ session: Object.keys(sessionStorage), local: Object.keys(localStorage) }));
    expect(stored.local).toEqual([]);
    expect(stored.session).toContain('onestop.console.token');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('finds a person, records consent, raises a referral and sees it on the board counting down', async () => {
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, hub.url, 'sms', 'caseworker');
    await findAlex(page);
    await expect(page.getByRole('table', { name: 'Needs by category' }).textContent()).resolves.toContain('Daily synthetic cannabinoid use');

    await page.getByRole('link', { name: 'Record consent' }).click();
    await page.locator('main h1', { hasText: 'Record consent' }).waitFor();
    await page.getByRole('button', { name: 'Record consent' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await expect(summary.getByRole('listitem').allTextContents()).resolves.toEqual([
      'Choose at least one agency',
      'Choose at least one kind of information',
      'Choose at least one purpose',
      'Choose how consent was given',
    ]);
    await expect(page.locator('[data-field="categories"] .error-message').textContent()).resolves.toBe('Error: Choose at least one kind of information');
    await summary.getByRole('link', { name: 'Choose at least one kind of information' }).click();
    expect(await page.evaluate(() => document.activeElement?.closest('[data-field]')?.getAttribute('data-field'))).toBe('categories');

    const agencies = page.getByRole('group', { name: 'Which agencies may receive it?' });
    await agencies.getByLabel('Community Mental Health Team').check();
    const info = page.getByRole('group', { name: 'What information?' });
    for (const c of ['Identity', 'Mental health', 'Substance use', 'Referrals']) await info.getByLabel(c, { exact: true }).check();
    const purposes = page.getByRole('group', { name: 'For which purposes?' });
    for (const p of ['Direct support', 'Referral']) await purposes.getByLabel(p, { exact: true }).check();
    await page.getByRole('group', { name: 'How was consent given?' }).getByLabel('Written').check();
    await page.getByLabel('Evidence reference (optional)').fill('form CMHT-7');
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Consent ends on (optional)').fill(yesterday);
    await page.getByRole('button', { name: 'Record consent' }).click();
    const expiryError = page.locator('[data-field="validUntil"] .error-message:not([hidden])');
    await expiryError.waitFor();
    await expect(expiryError.textContent()).resolves.toBe('Error: The end date must be after the date consent starts (today)');
    await expect(page.getByLabel('Consent ends on (optional)').getAttribute('aria-invalid')).resolves.toBe('true');

    const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Consent ends on (optional)').fill(nextYear);
    await page.getByRole('button', { name: 'Record consent' }).click();

    await page.getByText('Consent recorded.').waitFor();
    const consents = page.getByRole('table', { name: 'Consents with their scope and expiry' });
    const row = consents.locator('tr', { hasText: 'Community Mental Health Team' });
    await expect(row.textContent()).resolves.toMatch(/Active.*Community Mental Health Team.*Identity, Substance use, Mental health and Referrals.*Written.*form CMHT-7.*\(in 36[456] days\)/);

    await page.getByRole('link', { name: 'Raise a referral' }).click();
    await page.locator('main h1', { hasText: 'Raise a referral' }).waitFor();
    await page.getByLabel('Service').selectOption({ label: 'Crisis mental health – Community Mental Health Team' });
    await page.getByRole('group', { name: 'How urgent is it?' }).getByLabel('Immediate').check();
    await page.getByLabel('Reason for the referral').fill('Asked for help with low mood today');
    await page.getByRole('button', { name: 'Send referral' }).click();

    await page.locator('main h1', { hasText: 'Referral board' }).waitFor();
    const mine = page.locator('tr.row--new');
    await expect(mine.textContent()).resolves.toMatch(/Crisis mental health.*To Community Mental Health Team.*New.*Immediate.*Raised/);
    const countdown = mine.locator('[data-countdown]');
    const first = await countdown.textContent();
    expect(first).toMatch(/^1[45] min \d\d s left to acknowledge$/);
    await expect(mine.locator('[data-rag]').textContent()).resolves.toBe('Green');
    await page.waitForFunction((before) => document.querySelector('tr.row--new [data-countdown]')?.textContent !== before, first);
    await screenshot(page, 'flow-referral-board');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('updates the board live when another agency raises a referral, with no reload', async () => {
    // The feed tells an agency only what it may receive: here, consent covers referrals to cmht.
    const consent = { recipients: { agencies: ['cmht'], kinds: [] }, categories: ['identity', 'referral'], purposes: ['referral'], method: 'verbal' };
    expect((await hub.request('POST', `/v1/people/${alex}/consents`, await demoToken('housing'), consent)).status).toBe(201);
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, hub.url, 'cmht', 'caseworker');
    await visit(page, hub.url, '#/referrals', 'Referral board');
    await page.getByText('Live: the board updates by itself.').waitFor();
    const rows = await page.locator('tbody tr').count();
    await page.evaluate(() => ((window as unknown as { marker: boolean }).marker = true));

    const body = { personId: alex, toAgency: 'cmht', service: 'crisis-mental-health', urgency: 'same-day', reason: 'Ready to talk to the crisis team' };
    const raised = await hub.request('POST', '/v1/referrals', await demoToken('housing'), body);
    expect(raised.status).toBe(201);

    const incoming = page.locator(`tr[data-referral="${raised.body.referralId}"]`);
    await incoming.waitFor({ timeout: 10_000 });
    await expect(incoming.textContent()).resolves.toMatch(/3 h 59 min left to acknowledge.*Crisis mental health.*From Council Housing Options.*Same day.*Raised/);
    expect(await page.locator('tbody tr').count()).toBe(rows + 1);
    expect(await page.evaluate(() => (window as unknown as { marker?: boolean }).marker)).toBe(true);

    await incoming.getByRole('button', { name: /Acknowledge/ }).click();
    await page.waitForFunction((id) => document.querySelector(`tr[data-referral="${id}"]`)?.textContent?.includes('Acknowledged'), raised.body.referralId);
    await expect(incoming.locator('[data-countdown]').textContent()).resolves.toMatch(/^7 h 5\d min left to accept or decline$/);
    await expect(incoming.getByRole('button').textContent()).resolves.toMatch(/^Accept/);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows a second agency only what its agreement and the consents allow', async () => {
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, hub.url, 'housing', 'caseworker');
    await findAlex(page);
    const needs = (await page.getByRole('table', { name: 'Needs by category' }).textContent()) ?? '';
    expect(needs).toContain('Accommodation');
    for (const hidden of ['Substance use', 'Mental health', 'Offending']) expect(needs).not.toContain(hidden);
    const main = (await page.locator('main').textContent()) ?? '';
    for (const secret of ['Daily synthetic cannabinoid use', 'Low mood', 'Shoplifting']) expect(main).not.toContain(secret);

    const api = await hub.request('GET', `/v1/people/${alex}`, await demoToken('housing'));
    expect(Object.keys(api.body.needs)).toEqual(['accommodation']);
    await expect(page.getByRole('table', { name: 'Needs by category' }).locator('tbody th').allTextContents()).resolves.toEqual(['Accommodation']);
    await screenshot(page, 'flow-person-as-housing');

    const probation = await openPage(browser);
    await signInAsDemo(probation.page, hub.url, 'probation', 'caseworker');
    await visit(probation.page, hub.url, '#/people', 'Find a person');
    await probation.page.getByLabel('Full name').fill('Alex Morgan');
    await probation.page.getByRole('button', { name: 'Search' }).click();
    await probation.page.getByText('No one called “Alex Morgan” that your agency may identify.').waitFor();
    await visit(probation.page, hub.url, `#/people/${alex}`, 'Not found');
    expect([...errors, ...probation.errors]).toEqual([]);
    await page.context().close();
    await probation.page.context().close();
  });
});
