// The encrypted vault as a person meets it (issue: vault).
import { test, expect, appReady, createVault, unlock, PASSPHRASE } from "./fixtures.js";

test("create a vault, reload, and unlock it; the unlock time is measured", async ({ page }) => {
  const key = await createVault(page);
  expect(key.replace(/[^0-9A-Z]/g, "")).toHaveLength(52);
  await page.reload();
  await appReady(page);
  await expect(page.getByRole("button", { name: "Unlock", exact: true })).toBeVisible();
  await unlock(page);
  await expect(page.getByRole("heading", { name: "Clients" })).toBeVisible();
  const ms = await page.evaluate(() => {
    const m = performance.measure("unlock", "psynotes-unlock-start", "psynotes-clients-ready");
    return m.duration;
  });
  console.log(`unlock, passphrase submitted to client list ready: ${ms.toFixed(0)} ms`);
  expect(ms).toBeGreaterThan(0);
  // Nothing about the vault is in the title or the URL.
  await expect(page).toHaveTitle("Psynotes");
  expect(new URL(page.url()).search).toBe("");
});

test("Argon2id runs in a worker that is gone once the vault is open", async ({ page }) => {
  await createVault(page);
  // Listening before Lock: the unlock screen starts its worker as it shows.
  const workers = [];
  page.on("worker", (w) => {
    const entry = { url: w.url(), closed: false };
    w.on("close", () => (entry.closed = true));
    workers.push(entry);
  });
  await page.getByRole("button", { name: "Lock", exact: true }).click();
  await page.evaluate(() => performance.clearMarks("psynotes-kdf-in-worker"));
  await unlock(page);
  // The key came from the worker, not from the fallback on the main thread.
  expect(await page.evaluate(() => performance.getEntriesByName("psynotes-kdf-in-worker").length)).toBe(1);
  const kdf = workers.filter((w) => new URL(w.url).pathname === "/kdf-worker.js");
  expect(kdf.length).toBeGreaterThan(0);
  await expect.poll(() => kdf.every((w) => w.closed), { message: "the KDF worker was terminated" }).toBe(true);
});

test.describe("with no service worker (so the test can replace kdf-worker.js)", () => {
  test.use({ serviceWorkers: "block" });
  test("a worker that never answers does not stop the unlock: the page derives the key itself", async ({ page }) => {
    await createVault(page);
    // A worker script that loads but never reports ready (as a browser without
    // module workers, or a stale script, would behave).
    await page.route("**/kdf-worker.js", (route) =>
      route.fulfill({ status: 200, contentType: "text/javascript", body: "self.onmessage = () => {};" }),
    );
    await page.reload();
    await appReady(page);
    await page.evaluate(() => performance.clearMarks("psynotes-kdf-in-worker"));
    await unlock(page);
    await expect(page.getByRole("heading", { name: "Clients" })).toBeVisible();
    expect(await page.evaluate(() => performance.getEntriesByName("psynotes-kdf-in-worker").length)).toBe(0);
  });
});

test("a wrong passphrase gets a clear alert and the vault stays locked", async ({ page }) => {
  await createVault(page);
  await page.getByRole("button", { name: "Lock", exact: true }).click();
  await page.getByLabel("Passphrase", { exact: true }).fill("not my passphrase at all");
  await page.getByRole("button", { name: "Unlock", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText("does not open this vault");
  await expect(page.getByRole("button", { name: "Lock", exact: true })).toHaveCount(0);
  await unlock(page);
});

test("the first-run form explains a too-short or mismatched passphrase", async ({ page }) => {
  await page.goto("/");
  await appReady(page);
  await page.getByLabel("Passphrase", { exact: true }).fill("short");
  await expect(page.locator("#passphrase-hint")).toContainText("Strength");
  await page.getByLabel("Confirm passphrase").fill("short");
  // Bypass the browser's own minlength check, to see the app's message.
  await page
    .locator("form", { has: page.getByRole("button", { name: "Create vault" }) })
    .evaluate((f) => (f.noValidate = true));
  await page.getByRole("button", { name: "Create vault" }).click();
  await expect(page.getByRole("alert")).toContainText("at least 12 characters");
  await page.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
  await page.getByLabel("Confirm passphrase").fill(PASSPHRASE + " typo");
  await page.getByRole("button", { name: "Create vault" }).click();
  await expect(page.getByRole("alert")).toContainText("do not match");
});

test("the recovery key unlocks and forces a new passphrase", async ({ page }) => {
  const key = await createVault(page);
  await page.getByRole("button", { name: "Lock", exact: true }).click();
  await page.getByRole("button", { name: "Forgot passphrase?" }).click();
  await page.getByLabel("Recovery key", { exact: true }).fill(key.toLowerCase());
  await page.getByRole("button", { name: "Unlock with recovery key" }).click();
  await page.getByLabel("New passphrase", { exact: true }).fill("a completely new passphrase");
  await page.getByLabel("Confirm new passphrase").fill("a completely new passphrase");
  await page.getByRole("button", { name: "Set new passphrase" }).click();
  // The Lock button shows on this screen too; the new passphrase is in place
  // once the client list shows (locking earlier would cancel the change).
  await expect(page.getByRole("heading", { name: "Clients" })).toBeVisible();
  await page.getByRole("button", { name: "Lock", exact: true }).click();
  await unlock(page, "a completely new passphrase");
});

test("auto-lock after the idle time, measured with a controlled clock", async ({ page }) => {
  await page.clock.install();
  await createVault(page);
  await page.clock.fastForward("09:00");
  await expect(page.getByRole("button", { name: "Lock", exact: true })).toBeVisible();
  await page.clock.fastForward("01:10");
  await expect(page.getByRole("button", { name: "Unlock", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Lock", exact: true })).toHaveCount(0);
});

test("locking in one tab locks every tab", async ({ page, context }) => {
  await createVault(page);
  const other = await context.newPage();
  await other.goto("/");
  await appReady(other);
  await unlock(other);
  await page.getByRole("button", { name: "Lock", exact: true }).click();
  await expect(other.getByRole("button", { name: "Unlock", exact: true })).toBeVisible();
  await other.close();
});

test("settings show storage persistence and the audit log", async ({ page }) => {
  await createVault(page);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Storage on this device" })).toBeVisible();
  await expect(page.getByText(/Storage is (not )?persistent/)).toBeVisible();
  const log = page.getByRole("list", { name: "Audit log entries" });
  await expect(log).toContainText("Vault created");
  await page.getByLabel("Lock after idle (minutes)").fill("1");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await page.getByRole("button", { name: "Lock", exact: true }).click();
  await unlock(page);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByLabel("Lock after idle (minutes)")).toHaveValue("1");
  await expect(page.getByRole("list", { name: "Audit log entries" })).toContainText("Locked (button)");
});

test("auto-lock when the page was hidden longer than the grace period, and on a back-forward cache restore", async ({ page }) => {
  await page.clock.install();
  await createVault(page);
  const setHidden = (hidden) =>
    page.evaluate((h) => {
      Object.defineProperty(document, "hidden", { value: h, configurable: true });
      Object.defineProperty(document, "visibilityState", { value: h ? "hidden" : "visible", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    }, hidden);
  // A short hide (under the 60 s grace) keeps the vault open.
  await setHidden(true);
  await page.clock.fastForward("00:30");
  await setHidden(false);
  await expect(page.getByRole("button", { name: "Lock", exact: true })).toBeVisible();
  // A long one locks on return, even if no timer ran meanwhile.
  await setHidden(true);
  await page.clock.fastForward("01:05");
  await setHidden(false);
  await expect(page.getByRole("button", { name: "Unlock", exact: true })).toBeVisible();

  await unlock(page);
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true })));
  await expect(page.getByRole("button", { name: "Unlock", exact: true })).toBeVisible();
});

test("a locked tab keeps no note text in the DOM", async ({ page }) => {
  const { createClient, fillSession, saveStatus, SOAP } = await import("./clinical-helpers.js");
  await createVault(page);
  await createClient(page, "LOCKCANARYNAME");
  await page.getByRole("button", { name: "New progress note" }).click();
  await fillSession(page, { ...SOAP, Subjective: "LOCKCANARYTEXT typed before locking" });
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  const before = await page.evaluate(() => document.documentElement.outerHTML + [...document.querySelectorAll("input, textarea")].map((e) => e.value).join(" "));
  expect(before).toContain("LOCKCANARYNAME");
  await page.getByRole("button", { name: "Lock", exact: true }).click();
  await expect(page.getByRole("button", { name: "Unlock", exact: true })).toBeVisible();
  const after = await page.evaluate(() => document.documentElement.outerHTML + [...document.querySelectorAll("input, textarea")].map((e) => e.value).join(" "));
  expect(after).not.toContain("LOCKCANARYNAME");
  expect(after).not.toContain("LOCKCANARYTEXT");
  // Unlocking again brings the note back from the vault, not from the page.
  await unlock(page);
  await expect(page.getByLabel("Subjective", { exact: true })).toHaveValue("LOCKCANARYTEXT typed before locking");
});
