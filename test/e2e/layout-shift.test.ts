import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUSTERSTADT } from '../support/booking.ts';
import { extendSlotWindow } from '../../src/appointments/service.ts';
import { launchBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// Pages that hold still on a slow phone: an Arabic or Farsi page does not jump when its web
// font arrives late (cumulative layout shift, as Lighthouse measures it), and a 360 px wide
// screen never scrolls sideways, even for a long e-mail address.

const PHONE = { width: 360, height: 740 };
const FONT_DELAY_MS = 1500;

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  await extendSlotWindow(server.database.db, MUSTERSTADT, new Date());
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Collects layout-shift entries from the first paint on, before any page script runs. */
async function observeLayoutShifts(context: BrowserContext) {
  await context.addInitScript(() => {
    const shifts: number[] = [];
    (window as unknown as { layoutShifts: number[] }).layoutShifts = shifts;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & {
        value: number;
        hadRecentInput: boolean;
      })[]) {
        if (!entry.hadRecentInput) shifts.push(entry.value);
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
}

const cumulativeLayoutShift = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { layoutShifts: number[] }).layoutShifts.reduce((a, b) => a + b, 0),
  );

/** The fonts Chromium actually drew a node's text with (DevTools protocol). */
async function fontsUsedFor(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  return fonts.map((font) => font.familyName);
}

describe('Arabic-script pages when the web font arrives late', () => {
  for (const lang of ['ar', 'fa']) {
    for (const path of ['/', '/concerns']) {
      it(`/${lang}${path} does not shift its layout (CLS < 0.01)`, async () => {
        const context = await browser.newContext({ viewport: PHONE });
        await observeLayoutShifts(context);
        let fontServed!: () => void;
        const fontDone = new Promise<void>((resolve) => (fontServed = resolve));
        let fontRequests = 0;
        const isFont = (url: URL) => url.pathname.endsWith('.woff2');
        await context.route(isFont, async (route) => {
          fontRequests += 1;
          await new Promise((resolve) => setTimeout(resolve, FONT_DELAY_MS));
          // The browser may have given up on the request by now: that is fine too.
          await route.continue().catch(() => undefined);
          fontServed();
        });
        const page = await context.newPage();
        await page.goto(`${server.url}/${lang}${path}`);
        await fontDone;
        // Let the browser lay out again after the font has arrived.
        await page.evaluate(() => document.fonts.ready);
        await page.waitForTimeout(500);
        expect(fontRequests).toBeGreaterThan(0);
        expect(await cumulativeLayoutShift(page)).toBeLessThan(0.01);
        await context.close();
      });
    }
  }

  it('uses the web font once it is in the cache', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${server.url}/fa/`);
    await page.evaluate(() => document.fonts.ready);
    await page.goto(`${server.url}/fa/concerns`);
    expect(await fontsUsedFor(page, 'h1')).toContain('Noto Sans Arabic');
    await context.close();
  });
});

describe('a 360 px wide phone', () => {
  it('does not scroll sideways on the booking check and confirmation pages with a long e-mail address', async () => {
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    const fitsTheScreen = async () =>
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth),
        new URL(page.url()).pathname,
      ).toBeLessThanOrEqual(PHONE.width);
    const email = 'firstname.middlename.lastname.family@administration.example-city.example.org';

    await page.goto(`${server.url}/en/book?concern=address-registration`);
    await page.check('input[value="central"]');
    await page.locator('button[type=submit]').click();
    await page.locator('input[name=day]').first().check();
    await page.locator('button[type=submit]').click();
    await page.locator('input[name=slot]').first().check();
    await page.locator('button[type=submit]').click();
    await page.fill('#familyName', 'Abdulrahmanzadeh-Khorasani');
    await page.fill('#givenNames', 'Mohammadhossein');
    await page.fill('#dobDay', '17');
    await page.fill('#dobMonth', '5');
    await page.fill('#dobYear', '1990');
    await page.fill('#email', email);
    await page.check('input[name=interpreter][value=no]');
    await page.locator('button[type=submit]').click();
    expect(new URL(page.url()).pathname).toBe('/en/book/check');
    expect(await page.locator('.summary-list').textContent()).toContain(email);
    await fitsTheScreen();
    await page.locator('button[type=submit]').click();
    expect(new URL(page.url()).pathname).toBe('/en/book/confirmation');
    await fitsTheScreen();
    await context.close();
  });
});
