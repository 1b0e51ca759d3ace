import type { Page } from 'playwright-core';

// Runs inside the page (page.waitForFunction); the test program has no DOM library.
declare const document: any;
import { demoUsers } from '../../../apps/cli/src/seed-demo.js';

/** Logs in through the login page, as a person would, and waits for the first page behind it. */
export async function logIn(page: Page, baseUrl: string, username: string): Promise<void> {
  const user = demoUsers.find((u) => u.username === username);
  if (!user) throw new Error(`no demo user ${username}`);
  await page.goto(`${baseUrl}/app/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(user.password);
  // Callers first log in through the API (RunningApi.as), which waits for the directory read model.
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').waitFor();
}

export async function logOut(page: Page): Promise<void> {
  await page.getByTestId('logout').click();
  await page.getByTestId('login-username').waitFor();
}

/** The revision the editor shows once nothing is pending: it says 已保存 · 修订 N. */
export async function waitUntilSaved(page: Page): Promise<number> {
  const state = page.getByTestId('save-state');
  await page.waitForFunction(() => {
    const element = document.querySelector('[data-testid="save-state"]');
    return !!element && /已保存|Saved/.test(element.textContent ?? '');
  });
  return Number(await state.getAttribute('data-revision'));
}

/** The editor's field at a report path (the same path the checks name). */
export function field(page: Page, path: string) {
  return page.locator(`[data-path="${path}"]`);
}

/**
 * Reads a value until it is the expected one (the page updates after debounced saves), then
 * returns it; on time-out returns the last value read, so the assertion after it says what was seen.
 */
export async function poll<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Types a day into an antd DatePicker's input and confirms it. */
export async function pickDate(page: Page, input: ReturnType<Page['locator']>, day: string): Promise<void> {
  await input.click();
  await input.fill(day);
  await input.press('Enter');
}

/** Picks an option of an antd Select by its visible text. */
export async function chooseOption(page: Page, select: ReturnType<Page['locator']>, text: string): Promise<void> {
  await select.click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first().click();
  // A dropdown that stays open (a slow close under load) would cover the next field. Leave the
  // field, as a user would with Tab: a select closes its dropdown when it loses focus. (Clicking
  // the select again can reopen a dropdown that was only slow to close.)
  const open = page.locator('.ant-select-dropdown:visible');
  const closed = (timeout: number) => open.first().waitFor({ state: 'hidden', timeout }).then(() => true, () => false);
  if ((await open.count()) > 0 && !(await closed(3_000))) {
    await page.keyboard.press('Tab');
    await closed(10_000);
  }
}
