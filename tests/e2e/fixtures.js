// Shared test fixtures: every page records console errors, CSP violations and
// any request to another origin, and each test fails if any of them happened.
import { test as base, expect } from "@playwright/test";

export const test = base.extend({
  guarded: [
    async ({ page, baseURL }, use) => {
      const problems = { consoleErrors: [], cspViolations: [], foreignRequests: [] };
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
      expect(problems.consoleErrors, "console errors").toEqual([]);
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
