import { Browser } from 'playwright-core';
import { Issuer, TestHub } from '../support/hub-harness';
import { describeInBrowser, launchChromium, openPage, screenshot, signInAsDemo, visit } from './support/console-browser';

jest.setTimeout(120_000);

/** Browser globals, used only inside `page.evaluate` callbacks (the tests compile without the DOM library). */
declare const sessionStorage: any;

/** Signing in and out: demo users, pasted tokens, and a session the hub stops accepting. */
describeInBrowser('signing in to the console', () => {
  let demo: TestHub;
  let plain: TestHub;
  let browser: Browser;

  beforeAll(async () => {
    [demo, plain, browser] = await Promise.all([TestHub.start({ demo: true }), TestHub.start(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([demo?.close(), plain?.close()]);
  });

  it('outside the demo, offers only the token, and explains a token the hub does not accept beside the field', async () => {
    const { page, errors } = await openPage(browser);
    await visit(page, plain.url, '#/people', 'Sign in');
    expect(await page.getByLabel('Agency and role').count()).toBe(0);

    await page.getByLabel('Bearer token').fill('not a token');
    await page.getByRole('button', { name: 'Sign in with this token' }).click();
    await expect(page.locator('[data-field="token"] .error-message').textContent()).resolves.toBe('Error: This is not a token. A token has three parts separated by dots.');

    const stranger = await Issuer.create('stranger');
    await page.getByLabel('Bearer token').fill(await stranger.token(['caseworker']));
    await page.getByRole('button', { name: 'Sign in with this token' }).click();
    const refused = page.locator('[data-field="token"] .error-message:not([hidden])');
    await refused.waitFor();
    await expect(refused.textContent()).resolves.toContain('The hub did not accept this token');
    await expect(page.getByLabel('Bearer token').getAttribute('aria-invalid')).resolves.toBe('true');
    await screenshot(page, 'sign-in-token-refused');

    const sms = await plain.registerAgency('sms', 'substance-misuse');
    await page.getByLabel('Bearer token').fill(`Bearer ${await sms.token(['caseworker'], { purpose: 'referral' })}`);
    await page.getByRole('button', { name: 'Sign in with this token' }).click();
    await page.locator('main h1', { hasText: 'Find a person' }).waitFor();
    await expect(page.locator('[data-who="agency"]').textContent()).resolves.toBe('sms agency (sms)');
    await expect(page.locator('[data-who="purpose"]').textContent()).resolves.toBe('Referral');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('signs out, forgetting the token', async () => {
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, demo.url, 'shelter', 'caseworker');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('main h1', { hasText: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);
    await visit(page, demo.url, '#/referrals', 'Sign in');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('returns to sign-in, saying so, when the hub stops accepting the session', async () => {
    const { page, errors } = await openPage(browser);
    await signInAsDemo(page, demo.url, 'sms', 'caseworker');
    const stranger = await Issuer.create('sms');
    const forged = await stranger.token(['caseworker']);
    await page.evaluate((token) => sessionStorage.setItem('onestop.console.token', token), forged);
    await page.getByRole('link', { name: 'Referral board' }).click();
    await page.getByText('Your session has ended. Sign in again to carry on.').waitFor();
    await expect(page.locator('main h1').textContent()).resolves.toBe('Sign in');
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
