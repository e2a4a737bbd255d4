import { Browser, Page } from 'playwright-core';
import { TestHub } from '../support/hub-harness';
import { axe, describeInBrowser, LAPTOP, launchChromium, openPage, screenshot, seriousOf, signInAsDemo, TABLET } from './support/console-browser';

/** Browser globals, used only inside `page.evaluate` callbacks (the tests compile without the DOM library). */
declare const document: any, location: any, getComputedStyle: any;

jest.setTimeout(300_000);

/** One page of the console as a given user sees it, and how to bring it to the state checked. */
interface PageCheck {
  name: string;
  hash: (ids: { alex: string }) => string;
  heading: string | RegExp;
  prepare?: (page: Page) => Promise<void>;
}

const CASEWORKER: PageCheck[] = [
  {
    name: 'people-search',
    hash: () => '#/people',
    heading: 'Find a person',
    prepare: async (page) => {
      await page.getByLabel('Full name').fill('Alex Morgan');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText('1 person found.').waitFor();
    },
  },
  { name: 'person', hash: ({ alex }) => `#/people/${alex}`, heading: 'Alex Morgan', prepare: async (page) => void (await page.locator('details').first().evaluate((d) => ((d as { open: boolean }).open = true))) },
  { name: 'register-person', hash: () => '#/people/new', heading: 'Register a person' },
  { name: 'consent-form', hash: ({ alex }) => `#/people/${alex}/consent`, heading: 'Record consent' },
  {
    name: 'consent-form-errors',
    hash: ({ alex }) => `#/people/${alex}/consent`,
    heading: 'Record consent',
    prepare: async (page) => {
      await page.getByRole('button', { name: 'Record consent' }).click();
      await page.getByText('There is a problem').waitFor();
    },
  },
  { name: 'assessment-form', hash: ({ alex }) => `#/people/${alex}/assessment`, heading: 'Record an assessment' },
  {
    name: 'check-in-form-errors',
    hash: ({ alex }) => `#/people/${alex}/check-in`,
    heading: 'Record a weekly check-in',
    prepare: async (page) => {
      await page.getByRole('button', { name: 'Record check-in' }).click();
      await page.getByText('There is a problem').waitFor();
    },
  },
  { name: 'referral-form', hash: ({ alex }) => `#/people/${alex}/referral`, heading: 'Raise a referral' },
  { name: 'referral-board', hash: () => '#/referrals', heading: 'Referral board', prepare: (page) => page.getByText('Live: the board updates by itself.').waitFor() },
];

/** Clicks a button when the page has it (a page whose API is not available yet has none). */
async function press(page: Page, name: string, then: string): Promise<void> {
  const button = page.getByRole('button', { name, exact: true });
  if ((await button.count()) === 0) return;
  await button.click();
  await page.locator(then).first().waitFor();
}

const DPO: PageCheck[] = [
  { name: 'audit-records', hash: ({ alex }) => `#/audit?personId=${alex}`, heading: 'Audit records', prepare: (page) => press(page, 'Show records', 'section.results:not([hidden])') },
  { name: 'audit-explain', hash: ({ alex }) => `#/audit/explain?personId=${alex}&agencyId=housing&at=${encodeURIComponent(new Date().toISOString())}`, heading: 'Explain access', prepare: async (page) => void (await page.locator('section.results:not([hidden]), .notice').first().waitFor()) },
  { name: 'audit-verify', hash: () => '#/audit/verify', heading: 'Verify the audit log', prepare: (page) => press(page, 'Verify the log now', 'section.results:not([hidden])') },
  {
    name: 'subject-access',
    hash: ({ alex }) => `#/audit/subject-access?personId=${alex}`,
    heading: 'Subject access export',
    prepare: async (page) => {
      await press(page, 'Prepare export', 'section.results:not([hidden])');
      for (const d of await page.locator('details').all()) await d.evaluate((el) => ((el as { open: boolean }).open = true));
    },
  },
  { name: 'retractions', hash: () => '#/audit/retractions', heading: 'Outstanding retractions' },
  { name: 'break-glass', hash: () => '#/audit/break-glass', heading: 'Break-glass reviews', prepare: async (page) => void (await page.locator('section.results:not([hidden]), .notice').first().waitFor()) },
  { name: 'person-as-dpo', hash: ({ alex }) => `#/people/${alex}`, heading: 'Alex Morgan' },
];

const ADMIN: PageCheck[] = [
  { name: 'agencies', hash: () => '#/admin/agencies', heading: 'Agencies' },
  { name: 'agreements', hash: () => '#/admin/agreements', heading: 'Agreements' },
];

/** Every page of the console passes axe (no serious or critical violation) on a laptop and a tablet. */
describeInBrowser('the console is accessible', () => {
  let hub: TestHub;
  let browser: Browser;
  let alex: string;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([TestHub.start({ demo: true }), launchChromium()]);
    const token = (await hub.request('POST', '/console/demo-token', undefined, { agency: 'sms', role: 'caseworker' })).body.token;
    alex = (await hub.request('GET', '/v1/people?name=Alex%20Morgan', token)).body.people[0].personId;
    const police = (await hub.request('POST', '/console/demo-token', undefined, { agency: 'police', role: 'caseworker' })).body.token;
    await hub.request('POST', `/v1/people/${alex}/break-glass`, police, { reason: 'Reported missing tonight; need the last known address', minutes: 30 });
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  /** Checks one page: axe, no sideways scrolling of the whole page, a screenshot. */
  async function check(page: Page, name: string, folder: string): Promise<string[]> {
    const problems = seriousOf(await axe(page, folder ? `${folder}/${name}` : name)).map((p) => `${name}: ${p}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) problems.push(`${name}: the page scrolls sideways by ${overflow}px`);
    await screenshot(page, name, folder);
    return problems;
  }

  for (const [size, viewport, folder] of [['a 1366x768 laptop', LAPTOP, ''], ['a tablet (768x1024)', TABLET, 'tablet']] as const) {
    it(`has no serious or critical axe violations on ${size}`, async () => {
      const problems: string[] = [];
      const signedOut = await openPage(browser, viewport);
      await signedOut.page.goto(`${hub.url}/console/#/sign-in`);
      await signedOut.page.locator('main h1', { hasText: 'Sign in' }).waitFor();
      await signedOut.page.getByLabel('Agency and role').waitFor();
      problems.push(...(await check(signedOut.page, 'sign-in', folder)));
      await signedOut.page.context().close();

      for (const [agency, role, checks] of [['sms', 'caseworker', CASEWORKER], ['sms', 'dpo', DPO], ['partnership', 'admin', ADMIN]] as const) {
        const { page, errors } = await openPage(browser, viewport);
        await signInAsDemo(page, hub.url, agency, role);
        for (const c of checks) {
          await page.goto(`${hub.url}/console/${c.hash({ alex })}`);
          await page.locator('main h1', { hasText: c.heading }).waitFor();
          await page.locator('.loading').waitFor({ state: 'detached' });
          if (c.prepare) await c.prepare(page);
          problems.push(...(await check(page, c.name, folder)));
        }
        problems.push(...errors.map((e) => `${agency} ${role}: script error ${e}`));
        await page.context().close();
      }
      expect(problems).toEqual([]);
    });
  }

  it('can be used with the keyboard alone: skip link, sign-in, focus on each new page', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${hub.url}/console/#/sign-in`);
    await page.getByLabel('Agency and role').waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to main content');
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');
    await expect(page.evaluate(() => location.hash)).resolves.toBe('#/sign-in');

    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('name'))).resolves.toBe('user');
    await page.keyboard.press('End');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('name'))).resolves.toBe('purpose');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('[data-who="role"]', { hasText: 'Partnership administrator' }).waitFor();
    await page.locator('main h1', { hasText: 'Agencies' }).waitFor();
    await expect(page.evaluate(() => document.activeElement?.tagName)).resolves.toBe('H1');

    const outline = await page.evaluate(() => {
      const link = document.querySelector('.nav__link:not([aria-current])');
      link.focus();
      const style = getComputedStyle(link);
      return { background: style.backgroundColor, shadow: style.boxShadow };
    });
    expect(outline.background).toBe('rgb(255, 221, 0)');
    expect(outline.shadow).toContain('rgb(11, 12, 12)');
    await page.keyboard.press('Enter');
    await page.locator('main h1', { hasText: 'Agreements' }).waitFor();
    await expect(page.evaluate(() => document.activeElement?.tagName)).resolves.toBe('H1');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
