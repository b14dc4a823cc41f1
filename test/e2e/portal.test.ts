import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The portal as newcomers use it: in Chromium, in German and Arabic, with and without
// JavaScript. Every page passes axe-core and stays under 50 KB over the wire.

const CONCERNS = [
  'address-registration',
  'work-permit',
  'residence-extension',
  'study-training',
  'family-reunification',
  'protection',
  'settlement-permit',
  'naturalisation',
  'work-permission',
  'formal-obligation',
  'recognition',
  'newcomer-advice',
];
const PAGES = [
  '/',
  '/concerns',
  ...CONCERNS.map((id) => `/concerns/${id}`),
  '/offices',
  '/offices/central',
  '/offices/north',
  '/offices/south',
  '/search',
  '/search?q=Aufenthalt',
  `/search?q=${'x'.repeat(120)}`,
  '/accessibility',
  '/book',
  '/manage',
  '/no-such-page',
];
const BUDGET_BYTES = 50 * 1024;

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Visits a page in a fresh, cache-less context and returns what crossed the wire. */
async function visit(context: BrowserContext, path: string) {
  const page = await context.newPage();
  const cspErrors: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text());
  });
  const responses: Promise<number>[] = [];
  page.on('response', (response) => {
    responses.push(
      response
        .request()
        .sizes()
        .then((sizes) => sizes.responseBodySize + sizes.responseHeadersSize)
        // A response still arriving when the context closes has nothing left to count.
        .catch(() => 0),
    );
  });
  const response = await page.goto(`${server.url}${path}`, { waitUntil: 'networkidle' });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const bytes = (await Promise.all(responses)).reduce((a, b) => a + b, 0);
  return { page, status: response?.status() ?? 0, bytes, cspErrors, requests: responses.length };
}

describe.each(['de', 'ar'])('every page in %s', (lang) => {
  it.each(PAGES)(`${lang}%s passes axe, keeps its CSP and stays under budget`, async (path) => {
    // A new context has an empty cache: the page weighs what a first visit costs.
    const context = await browser.newContext();
    const { page, status, bytes, cspErrors } = await visit(context, `/${lang}${path}`);
    expect(status).toBeLessThan(500);
    expect(await axeViolations(page)).toEqual([]);
    expect(cspErrors).toEqual([]);
    expect(bytes, `${lang}${path} weighs ${bytes} bytes`).toBeLessThan(BUDGET_BYTES);
    await context.close();
  });
});

describe('German-only pages', () => {
  it.each(['/de/leichte-sprache', '/de/gebaerdensprache'])('%s passes axe', async (path) => {
    const context = await browser.newContext();
    const { page, bytes } = await visit(context, path);
    expect(await axeViolations(page)).toEqual([]);
    expect(bytes).toBeLessThan(BUDGET_BYTES);
    const size = await page.evaluate(() =>
      Number.parseFloat(
        getComputedStyle(document.querySelector('.easy-read p') as Element).fontSize,
      ),
    );
    expect(size).toBeGreaterThanOrEqual(1.2 * 16);
    await context.close();
  });
});

describe('Arabic', () => {
  it('lays the page out right to left and renders with the self-hosted Arabic font', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    const { page, bytes } = await visit(context, '/ar/concerns/protection');
    expect(await page.evaluate(() => getComputedStyle(document.body).direction)).toBe('rtl');
    const brand = await page.locator('.brand').boundingBox();
    const switcher = await page.locator('.language-switcher').boundingBox();
    expect(brand && switcher && brand.x > switcher.x).toBe(true);
    expect(await page.evaluate(() => document.fonts.check('16px "WC Arabic"', 'مرحبا'))).toBe(true);
    const fontLoaded = await page.evaluate(() =>
      [...document.fonts].some((f) => f.family.includes('WC Arabic') && f.status === 'loaded'),
    );
    expect(fontLoaded).toBe(true);
    expect(bytes).toBeLessThan(BUDGET_BYTES);
    await context.close();
  });
});

describe('a newcomer without JavaScript', () => {
  it('arrives in Arabic, finds a concern, switches to German on the same page and searches', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      locale: 'ar',
      extraHTTPHeaders: { 'accept-language': 'ar,en;q=0.5' },
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/ar/');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');

    await page.getByRole('navigation', { name: /./ }).getByRole('link').first().click();
    expect(new URL(page.url()).pathname).toBe('/ar/concerns');
    await page.locator('a[href="/ar/concerns/naturalisation"]').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/ar/concerns/naturalisation');
    expect(await page.locator('h1').textContent()).toMatch(/[\u0600-\u06ff]/);

    await page.locator('.language-switcher summary').click();
    await page.getByRole('link', { name: 'Deutsch' }).click();
    expect(new URL(page.url()).pathname).toBe('/de/concerns/naturalisation');
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    expect(await page.locator('h1').textContent()).toBe('Einbürgerung');

    await page.getByRole('link', { name: 'Suche', exact: true }).click();
    await page.getByLabel('Wonach suchen Sie?').fill('Blaue Karte');
    await page.getByRole('button', { name: 'Suchen' }).click();
    expect(page.url()).toContain('/de/search?q=Blaue+Karte');
    await expect
      .poll(() => page.locator('main h3 a').first().getAttribute('href'))
      .toBe('/de/concerns/work-permit');
    await context.close();
  });

  it('gets a clear message for a bad search and can correct it', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/ar/search`);
    await page.locator('#q').fill('ب'.repeat(150));
    await page.locator('form.search button').click();
    expect(await page.locator('.error-summary').isVisible()).toBe(true);
    await page.locator('.error-summary a').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
    await page.locator('#q').fill('تجنس');
    await page.locator('form.search button').click();
    expect(await page.locator('.error-summary').count()).toBe(0);
    await context.close();
  });
});
