/**
 * Reading and tapping the H5 pages. playwright-core has no web-first assertions (those come with
 * @playwright/test), so checks that wait are written here: `eventually` retries a jest expectation
 * until it holds or the time is up, and reports the last failure.
 *
 * Taro keeps the pages of the navigation stack in the document (hidden); `current(page)` is the page
 * on show, so a selector never finds the same element on a page further down the stack.
 */
import type { Locator, Page } from 'playwright-core';

const DEFAULT_WAIT_MS = 15_000;

/** The Taro page on show. */
export function current(page: Page): Locator {
  return page.locator('.taro_page.taro_page_show').last();
}

/** Retries `check` (which throws, e.g. a failed jest expect, while the page is not there yet). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** The visible text of an element, whitespace collapsed. */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText({ timeout: DEFAULT_WAIT_MS })).replace(/\s+/g, ' ').trim();
}

/** Waits until `text` (a substring or a pattern) is visible within `scope`. */
export async function expectText(scope: Locator, text: string | RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  try {
    await scope.getByText(text).filter({ visible: true }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const shown = await scope.innerText({ timeout: 1000 }).catch(() => '(the page could not be read)');
    throw new Error(`expected the page to show ${String(text)}, it shows:\n${shown.replace(/\n+/g, ' | ')}`);
  }
}

/** Waits until no element within `scope` shows `text`. */
export async function expectNoText(scope: Locator, text: string | RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  await eventually(async () => expect(await scope.getByText(text).count()).toBe(0), timeoutMs);
}

/** Waits until the element's text matches. */
export async function expectTextOf(locator: Locator, expected: string | RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
  return eventually(async () => {
    const text = await textOf(locator);
    if (typeof expected === 'string') expect(text).toBe(expected);
    else expect(text).toMatch(expected);
    return text;
  }, timeoutMs);
}

export async function expectAttribute(locator: Locator, name: string, value: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  await eventually(async () => expect(await locator.getAttribute(name, { timeout: 1000 })).toBe(value), timeoutMs);
}

export async function expectChecked(locator: Locator, checked: boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  await eventually(async () => expect(await locator.isChecked({ timeout: 1000 })).toBe(checked), timeoutMs);
}

export async function expectVisible(locator: Locator, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: timeoutMs });
}

export async function expectHidden(locator: Locator, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  await locator.waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Waits for a Taro.showToast with `text` (it shows for about 1.5 s). */
export async function expectToast(page: Page, text: string | RegExp, timeoutMs = 5_000): Promise<void> {
  await expectText(page.locator('.taro__toast'), text, timeoutMs);
}

/** Waits until the hash route is `route` (e.g. /pages/index/index), whatever the query. */
export async function onRoute(page: Page, route: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  await page.waitForURL((url) => url.hash === `#${route}` || url.hash.startsWith(`#${route}?`), { timeout: timeoutMs });
  await current(page).waitFor({ state: 'visible', timeout: timeoutMs });
}

/** The <input> (or <textarea>) of a Taro <Input>, which renders as taro-input-core around it. */
export function inputOf(field: Locator): Locator {
  return field.locator('input, textarea').first();
}

/** A query parameter of the page's hash route (`#/route?id=…`); throws when it is missing. */
export function queryOf(page: Page, name: string): string {
  const hash = new URL(page.url()).hash;
  const value = new URLSearchParams(hash.slice(hash.indexOf('?') + 1)).get(name);
  if (!value) throw new Error(`no ${name} in the route ${hash}`);
  return value;
}

/** Types into a Taro <Input>, as a shopper or clerk would. */
export async function typeInto(field: Locator, value: string): Promise<void> {
  const input = inputOf(field);
  await input.fill('');
  await input.pressSequentially(value);
}

/**
 * A Taro.showModal: checks its title (and text), then taps `tap` (the confirm or cancel label) and
 * waits until it is gone.
 */
export async function answerModal(page: Page, expected: { title: string; text?: string | RegExp; tap: string }, beforeTap?: () => Promise<unknown>): Promise<void> {
  const modal = page.locator('.taro__modal');
  await expectVisible(modal.locator('.taro-modal__text'));
  await expectText(modal.locator('.taro-modal__title'), expected.title);
  if (expected.text) await expectText(modal.locator('.taro-modal__text'), expected.text);
  if (beforeTap) await beforeTap();
  // the buttons are in the foot (the confirm label may repeat the title, as 确认提货 does)
  await modal.locator('.taro-modal__foot').getByText(expected.tap, { exact: true }).filter({ visible: true }).first().click();
  await expectHidden(modal.locator('.taro-modal__text'));
}
