// Shared test fixtures: every page records console errors, CSP violations and
// any request to another origin, and each test fails if any of them happened.
import { test as base, expect } from "@playwright/test";

export const test = base.extend({
  guarded: [
    async ({ page, baseURL }, use) => {
      // `expected`: console errors a test provokes on purpose (the browser logs
      // a refused or unreachable request by itself); each test names its own.
      const problems = { consoleErrors: [], cspViolations: [], foreignRequests: [], expected: [] };
      const origin = new URL(baseURL).origin;
      page.on("console", (msg) => {
        if (msg.type() === "error") problems.consoleErrors.push(msg.text());
      });
      page.on("pageerror", (err) => problems.consoleErrors.push(String(err)));
      page.context().on("request", (req) => {
        const url = req.url();
        if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) {
          problems.foreignRequests.push(url);
        }
      });
      await page.addInitScript(() => {
        window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation", (e) => {
          window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
        });
      });
      await use(problems);
      for (const p of page.context().pages()) {
        if (p.isClosed()) continue;
        const v = await p.evaluate(() => window.__cspViolations || []).catch(() => []);
        problems.cspViolations.push(...v);
      }
      const unexpected = problems.consoleErrors.filter((e) => !problems.expected.some((p) => p.test(e)));
      expect(unexpected, "console errors").toEqual([]);
      expect(problems.cspViolations, "CSP violations").toEqual([]);
      expect(problems.foreignRequests, "requests to other origins").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the app has mounted (the start-up placeholder is gone). */
export async function appReady(page) {
  await expect(page.locator("#boot")).toHaveCount(0);
  await expect(page.locator("#app")).not.toBeEmpty();
}

/** The passphrase the tests use. */
export const PASSPHRASE = "correct horse battery staple";

/** Creates a vault on a fresh page, keeps the recovery key, and returns it. */
export async function createVault(page, passphrase = PASSPHRASE) {
  await page.goto("/");
  await appReady(page);
  await page.getByLabel("Passphrase", { exact: true }).fill(passphrase);
  await page.getByLabel("Confirm passphrase").fill(passphrase);
  await page.getByRole("button", { name: "Create vault" }).click();
  const key = await page.getByLabel("Recovery key", { exact: true }).textContent({ timeout: 30_000 });
  await page.getByLabel("I have written down or printed my recovery key").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("button", { name: "Lock", exact: true })).toBeVisible();
  return key.trim();
}

/** Unlocks the vault shown on the current page. */
export async function unlock(page, passphrase = PASSPHRASE) {
  await page.getByLabel("Passphrase", { exact: true }).fill(passphrase);
  await page.getByRole("button", { name: "Unlock", exact: true }).click();
  await expect(page.getByRole("button", { name: "Lock", exact: true })).toBeVisible({ timeout: 30_000 });
}
