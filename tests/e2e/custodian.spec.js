// The records custodian (issue: the client's rights, part 4): the clinician
// creates a custodian key and a custodian's copy; the custodian opens the
// record with the key, on the clinician's device and in a browser of their
// own, read only, answers an access request, and never sees a psychotherapy
// note, nor how many there are. Revoking the key shuts them out.
import { readFileSync } from "node:fs";
import { test, expect, createVault, unlock, appReady } from "./fixtures.js";
import { setClinician, createClient, fillSession, SOAP, signNote, today } from "./clinical-helpers.js";

const PSYCHO = "PSYCHOCANARY";
const CLIENT = "Morgan Keeper";

async function downloadOf(page, action) {
  const [download] = await Promise.all([page.waitForEvent("download"), action()]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

/** Records in `store` of this page's Psynotes database, read straight from IndexedDB. */
async function rawCount(page, store) {
  return page.evaluate(
    (store) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("psynotes");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const count = db.transaction(store).objectStore(store).count();
          count.onsuccess = () => {
            resolve(count.result);
            db.close();
          };
          count.onerror = () => reject(count.error);
        };
      }),
    store,
  );
}

test("a custodian opens the record read only with the custodian key, on this device and from a custodian's copy, and never a psychotherapy note", async ({ page, browser, baseURL }, testInfo) => {
  // The clinician's record: a signed note, a psychotherapy note, an access request.
  await createVault(page);
  await setClinician(page);
  await createClient(page, CLIENT);
  await page.getByRole("button", { name: "New progress note" }).click();
  await fillSession(page, SOAP);
  await signNote(page);
  await page.locator(".breadcrumb").getByRole("link").click();
  await page.getByRole("link", { name: "Psychotherapy notes" }).click();
  for (const n of [1, 2]) {
    await page.getByRole("button", { name: "New psychotherapy note" }).click();
    await page.getByLabel("Psychotherapy note", { exact: true }).fill(`Private ${PSYCHO} ${n}.`);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: /^Saved$/ })).toBeVisible();
    await page.getByRole("link", { name: "Psychotherapy notes" }).click();
  }
  await page.getByRole("link", { name: "Requests", exact: true }).click();
  await page.getByRole("button", { name: "New request" }).click();
  await page.getByLabel("Date received").fill(today());
  await page.getByRole("button", { name: "Record request" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Access request recorded." })).toBeVisible();

  // Settings: create the key (with the passphrase), print it, download a copy.
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  const section = page.getByRole("region", { name: "Records custodian" });
  await expect(section).toContainText("No custodian key opens this vault.");
  await section.getByLabel("Your passphrase, to make the key").fill("not my passphrase at all");
  await section.getByRole("button", { name: "Create a custodian key" }).click();
  await expect(section.getByRole("alert")).toContainText("does not open this vault");
  await section.getByLabel("Your passphrase, to make the key").fill("correct horse battery staple");
  await section.getByRole("button", { name: "Create a custodian key" }).click();
  const keyText = (await section.getByLabel("Custodian key", { exact: true }).textContent()).trim();
  expect(keyText).toMatch(/^([0-9A-Z]{4} ){12}[0-9A-Z]{4}$/);
  await section.getByLabel("Custodian's name (printed only, not stored)").fill("Dr Robin Archive");
  await expect(section).toContainText("For Dr Robin Archive, records custodian.");
  await page.screenshot({ path: testInfo.outputPath("custodian-key.png"), fullPage: true });
  await section.getByLabel("I have printed it or written it down for the custodian").check();
  await section.getByRole("button", { name: "Done" }).click();
  await expect(section.getByLabel("Custodian key", { exact: true })).toHaveCount(0);
  await expect(section).toContainText("A custodian key opens this vault.");
  const copy = await downloadOf(page, () => section.getByRole("button", { name: "Download a custodian's copy" }).click());
  expect(copy.name).toMatch(/^psynotes-custodian-copy-\d{4}-\d{2}-\d{2}\.psybak$/);
  for (const canary of [PSYCHO, CLIENT, "psychotherapy_notes", "audit_log"]) {
    expect(copy.bytes.includes(Buffer.from(canary)), `${canary} in the custodian's copy`).toBe(false);
  }
  // The log as Settings reads it on the next visit.
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  const log = page.getByRole("list", { name: "Audit log entries" });
  await expect(log).toContainText("Made a custodian key");
  await expect(log).toContainText("Downloaded a custodian's copy of the record");

  // On this device: lock, then open with the custodian key.
  await page.getByRole("button", { name: "Lock" }).click();
  await page.getByRole("link", { name: "Open with a custodian key" }).click();
  await page.getByLabel("Custodian key", { exact: true }).fill(keyText.toLowerCase());
  await page.getByRole("button", { name: "Open as custodian" }).click();
  await expect(page.getByRole("note").filter({ hasText: "Records custodian." })).toBeVisible();
  // Back where the clinician was, Settings: not the custodian's.
  await expect(page.getByText("Settings are the clinician's.")).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link")).toHaveText(["Clients", "Export"]);
  await nav.getByRole("link", { name: "Clients" }).click();
  await expect(page.getByRole("button", { name: "New client" })).toHaveCount(0);
  await page.getByRole("list", { name: "Clients" }).getByRole("link", { name: CLIENT }).click();
  const tabs = page.getByRole("navigation", { name: "Client record" }).getByRole("link");
  await expect(tabs).toHaveText(["Progress notes", "Measures", "Treatment plan", "Safety plan", "Requests"]);
  await expect(page.getByRole("button", { name: "New progress note" })).toHaveCount(0);
  await page.locator(".timeline__item").getByRole("link").first().click();
  await expect(page.getByText(SOAP.Subjective)).toBeVisible();
  // The custodian answers the access request; the copy holds no psychotherapy note.
  await page.locator(".breadcrumb").getByRole("link").click();
  await page.getByRole("link", { name: "Requests", exact: true }).click();
  const request = page.getByRole("article", { name: `Access request received ${today()}` });
  const file = await downloadOf(page, () => request.getByRole("button", { name: "Fulfil request" }).click());
  const json = JSON.parse(file.bytes.toString("utf8"));
  expect(json.progress_notes).toHaveLength(1);
  expect(file.bytes.includes(Buffer.from(PSYCHO))).toBe(false);
  await expect(request).toContainText("Fulfilled");
  await expect(page.locator("body")).not.toContainText(PSYCHO);
  await page.getByRole("button", { name: "Lock" }).click();

  // In the custodian's own browser, from the custodian's copy.
  const own = await browser.newContext({ baseURL });
  const custodian = await own.newPage();
  await custodian.goto("/");
  await appReady(custodian);
  await custodian.getByRole("link", { name: "Open with a custodian key" }).click();
  await custodian.getByLabel("Custodian's copy").setInputFiles({ name: copy.name, mimeType: "application/octet-stream", buffer: copy.bytes });
  await custodian.getByLabel("Custodian key", { exact: true }).fill("0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000");
  await custodian.getByRole("button", { name: "Open as custodian" }).click();
  await expect(custodian.getByRole("alert")).toContainText("custodian key does not open this vault");
  await custodian.getByLabel("Custodian key", { exact: true }).fill(keyText);
  await custodian.getByRole("button", { name: "Open as custodian" }).click();
  await expect(custodian.getByRole("note").filter({ hasText: "Records custodian." })).toBeVisible();
  await custodian.getByRole("list", { name: "Clients" }).getByRole("link", { name: CLIENT }).click();
  await custodian.locator(".timeline__item").getByRole("link").first().click();
  await expect(custodian.getByText(SOAP.Subjective)).toBeVisible();
  await custodian.screenshot({ path: testInfo.outputPath("custodian-own.png"), fullPage: true });
  // Not a psychotherapy note came with it, nor a count of them.
  expect(await rawCount(custodian, "psychotherapy_notes")).toBe(0);
  expect(await rawCount(custodian, "audit_log")).toBe(0);
  await expect(custodian.locator("body")).not.toContainText(PSYCHO);
  // Reloaded, the custodian's browser asks for the custodian key first.
  await custodian.reload();
  await appReady(custodian);
  await expect(custodian.getByLabel("Custodian key", { exact: true })).toBeVisible();
  await expect(custodian.getByLabel("Passphrase", { exact: true })).toHaveCount(0);
  await custodian.getByLabel("Custodian key", { exact: true }).fill(keyText);
  await custodian.getByRole("button", { name: "Open as custodian" }).click();
  await expect(custodian.getByRole("note").filter({ hasText: "Records custodian." })).toBeVisible();
  await own.close();

  // The clinician revokes the key: it opens nothing any more.
  await unlock(page);
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await section.getByRole("button", { name: "Revoke the custodian key" }).click();
  await section.getByRole("button", { name: "Revoke", exact: true }).click();
  await expect(section.getByRole("status").filter({ hasText: "Custodian key revoked." })).toBeVisible();
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(log).toContainText("Revoked the custodian key");
  await page.getByRole("button", { name: "Lock" }).click();
  await page.getByRole("link", { name: "Open with a custodian key" }).click();
  await page.getByLabel("Custodian key", { exact: true }).fill(keyText);
  await page.getByRole("button", { name: "Open as custodian" }).click();
  await expect(page.getByRole("alert")).toContainText("This vault has no custodian key.");
});
