// The vault owns every procedure (issue: the vault owns every procedure): a full
// disk is reported and loses nothing, the back-off holds across tabs, the screen
// is covered when hidden, the recovery key cannot be skipped, and no typed text
// is lost around signing, conflicts and reloads.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import config from "./playwright.config.js";
import { test, expect, appReady, createVault, unlock, PASSPHRASE } from "./fixtures.js";
import { SOAP, saveStatus, setClinician, createClient, fillSession, signNote } from "./clinical-helpers.js";

/**
 * Shrinks (or, with no size, restores) this origin's storage quota. The
 * DevTools session stays open: the override lasts only as long as it does.
 */
const sessions = new WeakMap();
async function setQuota(page, quotaSize) {
  if (!sessions.has(page)) sessions.set(page, await page.context().newCDPSession(page));
  const origin = new URL(page.url()).origin;
  await sessions
    .get(page)
    .send("Storage.overrideQuotaForOrigin", quotaSize === undefined ? { origin } : { origin, quotaSize });
}

/** A plaintext entry of `vault_meta`, read straight from IndexedDB. */
function readMeta(page, id) {
  return page.evaluate(
    (id) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("psynotes");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction(["vault_meta"], "readonly").objectStore("vault_meta").get(id);
          get.onsuccess = () => {
            db.close();
            resolve(get.result ? JSON.parse(get.result.json) : null);
          };
          get.onerror = () => reject(get.error);
        };
      }),
    id,
  );
}

const FULL = /storage for Psynotes is full/;

// A browser checks the quota when an origin first writes in a session, and
// then trusts its own count for a while, so each test below shrinks the quota
// before the first write of the session it tests.

test("creating a vault on a full disk fails whole: no recovery key for a header that was not stored", async ({ page }) => {
  await page.goto("/");
  await appReady(page);
  await setQuota(page, 1);
  await page.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
  await page.getByLabel("Confirm passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Create vault" }).click();
  await expect(page.getByRole("alert")).toContainText(FULL, { timeout: 30_000 });
  await expect(page.getByLabel("Recovery key", { exact: true })).toHaveCount(0);
  // Nothing was written: with room again, the same browser creates the vault.
  await setQuota(page);
  await page.getByRole("button", { name: "Create vault" }).click();
  await expect(page.getByLabel("Recovery key", { exact: true })).toBeVisible({ timeout: 30_000 });
});

test("saving on a full disk says so and keeps the text; what was saved before is intact, and the save goes through once there is room", async ({ baseURL }) => {
  const profile = mkdtempSync(join(tmpdir(), "psynotes-quota-"));
  const launch = () =>
    chromium.launchPersistentContext(profile, { ...config.use.launchOptions, baseURL, viewport: config.use.viewport });
  let context = await launch();
  let page = context.pages()[0] ?? (await context.newPage());
  await createVault(page);
  await setClinician(page);
  await createClient(page, "Quinn Quota");
  await page.getByRole("button", { name: "New progress note" }).click();
  await page.getByLabel("Subjective", { exact: true }).fill("Written while there was room.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  const noteUrl = page.url();
  await context.close();

  // The next session starts on a full disk. Unlocking still works: a clinician
  // must be able to read the record when the device has no room.
  context = await launch();
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(noteUrl);
  await appReady(page);
  await setQuota(page, 1);
  await unlock(page);
  await expect(page.getByLabel("Subjective", { exact: true })).toHaveValue("Written while there was room.");
  await page.getByLabel("Objective", { exact: true }).fill("Typed when the disk was full.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Not saved")).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: FULL })).toBeVisible();
  await expect(page.getByLabel("Objective", { exact: true })).toHaveValue("Typed when the disk was full.");

  await setQuota(page);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await page.reload();
  await unlock(page);
  await expect(page.getByLabel("Subjective", { exact: true })).toHaveValue("Written while there was room.");
  await expect(page.getByLabel("Objective", { exact: true })).toHaveValue("Typed when the disk was full.");
  await context.close();
  rmSync(profile, { recursive: true, force: true });
});

test("restoring a backup on a full disk fails whole, and succeeds once there is room", async ({ page, browser, baseURL }) => {
  await createVault(page);
  await createClient(page, "Rory Restore");
  await page.getByRole("link", { name: "Backup", exact: true }).click();
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download encrypted backup" }).click();
  const file = await (await download).path();

  const fresh = await browser.newContext({ baseURL });
  const other = await fresh.newPage();
  await other.goto("/");
  await appReady(other);
  await setQuota(other, 1);
  await other.getByLabel("Backup file").setInputFiles(file);
  await other.getByLabel("Backup passphrase").fill(PASSPHRASE);
  await other.getByRole("button", { name: "Restore from backup" }).click();
  await expect(other.getByRole("alert")).toContainText(FULL, { timeout: 30_000 });
  await expect(other.getByRole("button", { name: "Lock", exact: true })).toHaveCount(0);
  await setQuota(other);
  await other.getByRole("button", { name: "Restore from backup" }).click();
  await expect(other.getByRole("link", { name: "Rory Restore" })).toBeVisible({ timeout: 30_000 });
  await fresh.close();
});

test("wrong passphrases typed in several tabs at once each count", async ({ page, context }) => {
  await createVault(page);
  await page.getByRole("button", { name: "Lock", exact: true }).click();
  const tabs = [page];
  for (let i = 0; i < 3; i++) {
    const tab = await context.newPage();
    await tab.goto("/");
    await appReady(tab);
    tabs.push(tab);
  }
  for (const tab of tabs) {
    await tab.getByLabel("Passphrase", { exact: true }).fill("not the passphrase at all");
  }
  await Promise.all(tabs.map((tab) => tab.getByRole("button", { name: "Unlock", exact: true }).click()));
  for (const tab of tabs) {
    await expect(tab.getByRole("alert")).toContainText("does not open this vault", { timeout: 30_000 });
  }
  expect((await readMeta(page, "attempts")).failures).toBe(tabs.length);
  // The fifth try starts the wait, which counts down and keeps Unlock disabled.
  await page.getByLabel("Passphrase", { exact: true }).fill("still not the passphrase");
  await page.getByRole("button", { name: "Unlock", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText("Too many wrong passphrases");
  await expect(page.getByRole("button", { name: "Unlock", exact: true })).toBeDisabled();
  await expect(page.getByText(/You can try again in \d+ seconds?\./)).toBeVisible();
  // A reload still explains the wait.
  await page.reload();
  await appReady(page);
  await expect(page.getByRole("alert")).toContainText("Too many wrong passphrases");
  await expect(page.getByRole("button", { name: "Unlock", exact: true })).toBeDisabled();
  for (const tab of tabs.slice(1)) await tab.close();
});

test("the screen is covered the moment the page is hidden, and uncovered when it comes back", async ({ page }) => {
  await createVault(page);
  // The app itself, not the recovery key screen it replaces.
  await expect(page.getByRole("heading", { name: "Clients" })).toBeVisible();
  const setHidden = (hidden) =>
    page.evaluate((h) => {
      Object.defineProperty(document, "hidden", { value: h, configurable: true });
      Object.defineProperty(document, "visibilityState", { value: h ? "hidden" : "visible", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    }, hidden);
  await setHidden(true);
  // Synchronously in the event: no frame can show the app before the cover.
  expect(await page.evaluate(() => document.documentElement.classList.contains("privacy-covered"))).toBe(true);
  await expect(page.locator("#app")).toBeHidden();
  await setHidden(false);
  await expect(page.locator("#app")).toBeVisible();
  await expect(page.getByRole("button", { name: "Lock", exact: true })).toBeVisible();
});

test("the recovery key cannot be skipped: a reload before confirming shows a new one, and the old one stops working", async ({ page }) => {
  await page.goto("/");
  await appReady(page);
  await page.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
  await page.getByLabel("Confirm passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Create vault" }).click();
  const first = (await page.getByLabel("Recovery key", { exact: true }).textContent({ timeout: 30_000 })).trim();
  await page.reload();
  await appReady(page);
  await page.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
  await page.getByRole("button", { name: "Unlock", exact: true }).click();
  const second = (await page.getByLabel("Recovery key", { exact: true }).textContent({ timeout: 30_000 })).trim();
  expect(second).not.toBe(first);
  await page.getByLabel("I have written down or printed my recovery key").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Clients" })).toBeVisible();

  await page.getByRole("button", { name: "Lock", exact: true }).click();
  await page.getByRole("button", { name: "Forgot passphrase?" }).click();
  await page.getByLabel("Recovery key", { exact: true }).fill(first);
  await page.getByRole("button", { name: "Unlock with recovery key" }).click();
  await expect(page.getByRole("alert")).toContainText("does not open this vault");
  await page.getByLabel("Recovery key", { exact: true }).fill(second);
  await page.getByRole("button", { name: "Unlock with recovery key" }).click();
  await expect(page.getByLabel("New passphrase", { exact: true })).toBeVisible();
  // Confirmed: the next unlock with the passphrase opens the app directly.
  await page.getByRole("button", { name: "Lock", exact: true }).click();
  await unlock(page);
  await expect(page.getByRole("heading", { name: "Clients" })).toBeVisible();
});

test("Settings makes a new recovery key: it asks for the passphrase, the old key is refused, the new one works, and it is audited", async ({ page }) => {
  const first = await createVault(page);
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  const section = page.getByRole("region", { name: "Recovery key" });
  // A wrong passphrase makes nothing.
  await section.getByLabel("Passphrase", { exact: true }).fill("not the passphrase at all");
  await section.getByRole("button", { name: "Make a new recovery key" }).click();
  await expect(section.getByRole("alert")).toContainText("does not open this vault", { timeout: 30_000 });
  await section.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
  await section.getByRole("button", { name: "Make a new recovery key" }).click();
  const second = (await section.getByLabel("Recovery key", { exact: true }).textContent({ timeout: 30_000 })).trim();
  expect(second).not.toBe(first);
  await section.getByLabel("I have written down or printed my recovery key").check();
  await section.getByRole("button", { name: "Continue" }).click();
  await expect(section.getByText("New recovery key kept. The previous one no longer opens this vault.")).toBeVisible();
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page.getByRole("list", { name: "Audit log entries" })).toContainText("Made a new recovery key");

  await page.getByRole("button", { name: "Lock", exact: true }).click();
  await page.getByRole("button", { name: "Forgot passphrase?" }).click();
  await page.getByLabel("Recovery key", { exact: true }).fill(first);
  await page.getByRole("button", { name: "Unlock with recovery key" }).click();
  await expect(page.getByRole("alert")).toContainText("That recovery key does not open this vault");
  await page.getByLabel("Recovery key", { exact: true }).fill(second);
  await page.getByRole("button", { name: "Unlock with recovery key" }).click();
  await expect(page.getByLabel("New passphrase", { exact: true })).toBeVisible();
});

test("the idle lock applies on the recovery-key screen too", async ({ page }) => {
  await page.clock.install();
  await page.goto("/");
  await appReady(page);
  await page.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
  await page.getByLabel("Confirm passphrase").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Create vault" }).click();
  await expect(page.getByLabel("Recovery key", { exact: true })).toBeVisible({ timeout: 30_000 });
  await page.clock.fastForward("10:10");
  await expect(page.getByRole("button", { name: "Unlock", exact: true })).toBeVisible();
  await expect(page.getByLabel("Recovery key", { exact: true })).toHaveCount(0);
});

test("changing the passphrase asks for the current one", async ({ page }) => {
  await createVault(page);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Current passphrase").fill("a wrong current passphrase");
  await page.getByLabel("New passphrase", { exact: true }).fill("another long passphrase here");
  await page.getByLabel("Confirm new passphrase").fill("another long passphrase here");
  await page.getByRole("button", { name: "Change passphrase" }).click();
  await expect(page.getByRole("alert")).toContainText("does not open this vault");
  await page.getByLabel("Current passphrase").fill(PASSPHRASE);
  await page.getByLabel("New passphrase", { exact: true }).fill("another long passphrase here");
  await page.getByLabel("Confirm new passphrase").fill("another long passphrase here");
  await page.getByRole("button", { name: "Change passphrase" }).click();
  await expect(page.getByText("Passphrase changed.")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Lock", exact: true }).click();
  await unlock(page, "another long passphrase here");
});

test("text typed while signing runs is kept as the start of an addendum", async ({ page }) => {
  await createVault(page);
  await setClinician(page);
  await createClient(page, "Sam Signing");
  await page.getByRole("button", { name: "New progress note" }).click();
  await fillSession(page);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await page.getByRole("button", { name: "Sign and lock" }).click();
  const review = page.getByRole("region", { name: "Review before signing" });
  await expect(review).toBeVisible();

  // Another connection holds the notes store, so the signature waits to be
  // written after the note was sealed: the typing below comes after sealing.
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open("psynotes");
        open.onsuccess = () => {
          const tx = open.result.transaction(["progress_notes"], "readwrite");
          const store = tx.objectStore("progress_notes");
          window.__releaseNotes = false;
          const spin = () => {
            if (window.__releaseNotes) return;
            store.count().onsuccess = spin;
          };
          spin();
          resolve();
        };
      }),
  );
  await review.getByRole("button", { name: "Sign", exact: true }).click();
  await expect(review.getByText("Signing…")).toBeVisible();
  await page.getByLabel("Plan", { exact: true }).press("End");
  await page.getByLabel("Plan", { exact: true }).pressSequentially(" Also agreed to call on Friday.");
  await page.evaluate(() => (window.__releaseNotes = true));

  await expect(page.getByText("Signed and locked.")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Plan", exact: true })).toHaveText(SOAP.Plan);
  await expect(page.getByLabel("Addendum", { exact: true })).toHaveValue("Plan: Also agreed to call on Friday.");
  // Kept encrypted: a reload brings it back, unsigned, for review.
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await page.reload();
  await unlock(page);
  await expect(page.getByLabel("Addendum", { exact: true })).toHaveValue("Plan: Also agreed to call on Friday.");
});

test("two tabs editing one draft: different sections both survive; unsaved changes older than the saved note are compared, not saved over it", async ({ page, context }) => {
  await createVault(page);
  await createClient(page, "Tab Twin");
  await page.getByRole("button", { name: "New progress note" }).click();
  await page.getByLabel("Subjective", { exact: true }).fill("First words.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();

  const other = await context.newPage();
  await other.goto(page.url());
  await appReady(other);
  await unlock(other);
  await expect(other.getByLabel("Subjective", { exact: true })).toHaveValue("First words.");

  // Tab A changes the subjective and saves; tab B then the objective.
  await page.getByLabel("Subjective", { exact: true }).fill("Subjective written in tab A.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await other.getByLabel("Objective", { exact: true }).fill("Objective written in tab B.");
  await other.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(other, "Saved")).toBeVisible();
  await expect(other.getByLabel("Subjective", { exact: true })).toHaveValue("Subjective written in tab A.");

  await page.reload();
  await unlock(page);
  await expect(page.getByLabel("Subjective", { exact: true })).toHaveValue("Subjective written in tab A.");
  await expect(page.getByLabel("Objective", { exact: true })).toHaveValue("Objective written in tab B.");

  // Both change the plan: the second save shows both versions and saves nothing.
  await page.getByLabel("Plan", { exact: true }).fill("Plan from tab A.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await other.getByLabel("Plan", { exact: true }).fill("Plan from tab B.");
  await other.getByRole("button", { name: "Save", exact: true }).click();
  const compare = other.getByRole("region", { name: "Two versions of this record" });
  await expect(compare).toBeVisible();
  await expect(compare.getByRole("region", { name: "Your version" })).toContainText("Plan from tab B.");
  await expect(compare.getByRole("region", { name: "Saved version" })).toContainText("Plan from tab A.");
  await compare.getByRole("button", { name: "Keep both" }).click();
  await expect(compare).toHaveCount(0);
  await expect(other.getByLabel("Plan", { exact: true })).toHaveValue("Plan from tab A.");
  // Tab B's words became a second draft of the same client.
  await other.locator(".breadcrumb").getByRole("link").click();
  await expect(other.locator(".timeline__item")).toHaveCount(2);

  // Unsaved changes kept from before a newer save are compared on opening.
  await other.goBack();
  await other.getByLabel("Assessment", { exact: true }).fill("Assessment typed in tab B, not saved.");
  await expect(saveStatus(other, "Saved")).toBeVisible({ timeout: 5_000 });
  await page.getByLabel("Assessment", { exact: true }).fill("Assessment saved in tab A.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await other.reload();
  await unlock(other);
  const recovered = other.getByRole("region", { name: "Two versions of this record" });
  await expect(recovered).toBeVisible();
  await expect(recovered.getByRole("region", { name: "Your version" })).toContainText("Assessment typed in tab B, not saved.");
  await expect(recovered.getByRole("region", { name: "Saved version" })).toContainText("Assessment saved in tab A.");
  await recovered.getByRole("region", { name: "Your version" }).getByRole("button", { name: "Keep this version" }).click();
  await expect(recovered).toHaveCount(0);
  await page.reload();
  await unlock(page);
  await expect(page.getByLabel("Assessment", { exact: true })).toHaveValue("Assessment typed in tab B, not saved.");
  await other.close();
});

test("a half-answered risk section survives a reload", async ({ page }) => {
  await createVault(page);
  await createClient(page, "Rae Risk");
  await page.getByRole("button", { name: "New progress note" }).click();
  await page.getByRole("group", { name: "Suicidal ideation", exact: true }).getByLabel("Denied").check();
  await expect(saveStatus(page, "Saved")).toBeVisible({ timeout: 5_000 });
  await page.reload();
  await unlock(page);
  await expect(page.getByRole("group", { name: "Suicidal ideation", exact: true }).getByLabel("Denied")).toBeChecked();
  await expect(page.getByRole("group", { name: "Homicidal ideation", exact: true }).getByLabel("Denied")).not.toBeChecked();
});

test("an unsigned note can be discarded, after confirming, and the audit log says so", async ({ page }) => {
  await createVault(page);
  await createClient(page, "Dee Discard");
  await page.getByRole("button", { name: "New progress note" }).click();
  await page.getByLabel("Subjective", { exact: true }).fill("A note started by mistake.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await page.getByRole("button", { name: "Discard this draft…" }).click();
  await page.getByRole("button", { name: "Discard note" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dee Discard" })).toBeVisible();
  await expect(page.getByText("No progress notes yet.")).toBeVisible();
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("list", { name: "Audit log entries" })).toContainText("Deleted a progress note");
});

test("locking drops the keys and the screen within two seconds even when a save hangs", async ({ page }) => {
  await createVault(page);
  await createClient(page, "Hang Lock");
  await page.getByRole("button", { name: "New progress note" }).click();
  await page.getByLabel("Subjective", { exact: true }).fill("HANGCANARY first words.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  // Another connection holds every store the save and the lock's audit
  // event need, so neither can finish.
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open("psynotes");
        open.onsuccess = () => {
          const tx = open.result.transaction(["drafts", "audit_log"], "readwrite");
          const store = tx.objectStore("drafts");
          const spin = () => {
            store.count().onsuccess = spin;
          };
          spin();
          resolve();
        };
      }),
  );
  await page.getByLabel("Subjective", { exact: true }).fill("HANGCANARY typed while storage hangs.");
  const started = Date.now();
  await page.getByRole("button", { name: "Lock", exact: true }).click();
  await expect(page.getByRole("button", { name: "Unlock", exact: true })).toBeVisible({ timeout: 3_000 });
  expect(Date.now() - started).toBeLessThan(3_000);
  const dom = await page.evaluate(() => document.documentElement.outerHTML);
  expect(dom).not.toContain("HANGCANARY");
});
