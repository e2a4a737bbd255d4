import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

/** Browser globals, used only inside `page.evaluate` callbacks (the tests compile without the DOM library). */
declare const window: any, document: any;

/** Debian's Chromium; `.ci/run` installs it with apt. No browser is ever downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots and axe results go (git ignores `test-output/`). */
export const OUTPUT = resolve(__dirname, '..', '..', '..', 'test-output', 'console');

export const LAPTOP = { width: 1366, height: 768 };
export const TABLET = { width: 768, height: 1024 };

/**
 * `describe` when Chromium is installed. Without it the browser tests are skipped with a
 * warning on a developer's machine, and fail under CI (CI=true), where they must run.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) return describe(name, body);
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has Chromium to run in', () => {
        throw new Error(`Chromium is missing at ${CHROMIUM}: the browser tests must run in CI (apt-get install chromium).`);
      });
    });
    return;
  }
  console.warn(`[console] Chromium is not installed at ${CHROMIUM}: the browser tests of "${name}" are skipped. Install it with: apt-get install chromium`);
  describe.skip(name, body);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh page (its own sessionStorage) that fails the test on any script error. */
export async function openPage(browser: Browser, viewport = LAPTOP): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/the server responded with a status of (4\d\d)/.test(m.text())) errors.push(m.text());
  });
  return { page, errors };
}

/** Signs in through the console's demo sign-in and waits for the first page of the role. */
export async function signInAsDemo(page: Page, hubUrl: string, agency: string, role: string, purpose = 'direct-support'): Promise<void> {
  await page.goto(`${hubUrl}/console/#/sign-in`);
  await page.getByLabel('Agency and role').selectOption(`${agency}|${role}`);
  if (role !== 'admin') await page.getByLabel('Purpose', { exact: true }).selectOption(purpose);
  await page.getByRole('button', { name: 'Sign in as this demo user' }).click();
  await page.locator('[data-who="agency"]').waitFor();
  await page.locator('main h1').filter({ hasNotText: 'Sign in' }).waitFor();
}

/** Goes to a console page and waits until its heading is there. */
export async function visit(page: Page, hubUrl: string, hash: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${hubUrl}/console/${hash}`);
  await page.locator('main h1', { hasText: heading }).waitFor();
}

export async function screenshot(page: Page, name: string, folder = ''): Promise<void> {
  const dir = join(OUTPUT, folder);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** axe-core's source. It is evaluated through the DevTools protocol rather than added as a
 * script tag: the console's CSP (rightly) refuses inline scripts, and stays on in every test. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.0–2.2 A and AA rules and best practices) on the page, records the
 * violations by impact in `test-output/console/axe-results.json`, and returns them.
 */
export async function axe(page: Page, name: string): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } };
    const result = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  record(name, violations);
  return violations;
}

/** The serious and critical violations, described for a failing assertion. */
export const seriousOf = (violations: AxeViolation[]): string[] =>
  violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

function record(name: string, violations: AxeViolation[]): void {
  mkdirSync(OUTPUT, { recursive: true });
  const file = join(OUTPUT, 'axe-results.json');
  const all = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const byImpact: Record<string, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of violations) byImpact[v.impact ?? 'minor'] += 1;
  all[name] = { byImpact, violations: violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length })) };
  writeFileSync(file, JSON.stringify(all, null, 2));
}
