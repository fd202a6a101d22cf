// The checker a recipient runs, verify.html, as a recipient would: in a browser
// that has never seen the app, offline, with no vault and no passphrase. An
// untouched export verifies; a change to a signed note's text, signer, time or
// addendum is reported as changed; a file that is not an export says so; and
// the page sends nothing anywhere.
import { readFileSync } from "node:fs";
import { test, expect, createVault } from "./fixtures.js";
import { setClinician, createClient, fillSession, SOAP, signNote } from "./clinical-helpers.js";

async function downloadOf(page, action) {
  const [download] = await Promise.all([page.waitForEvent("download"), action()]);
  return readFileSync(await download.path()).toString("utf8");
}

/** The clinician's side: a signed note with an addendum, exported both ways. */
async function exports(page) {
  await createVault(page);
  await setClinician(page);
  await createClient(page, "Kim Verify");
  await page.getByRole("button", { name: "New progress note" }).click();
  await fillSession(page, SOAP);
  await signNote(page);
  await page.getByRole("button", { name: "Add addendum" }).click();
  await page.getByLabel("Addendum", { exact: true }).fill("Client called the next day: sleeping better.");
  await page.getByRole("button", { name: "Sign addendum" }).click();
  await expect(page.getByText("Addendum signed and saved.")).toBeVisible();
  await page.getByRole("link", { name: "Backup", exact: true }).click();
  const json = await downloadOf(page, () => page.getByRole("button", { name: "Export progress notes" }).click());
  const fhir = await downloadOf(page, () => page.getByRole("button", { name: "Export FHIR" }).click());
  return { json, fhir };
}

/** `text` with its first character changed. */
function changed(text) {
  return (text[0] === "X" ? "Y" : "X") + text.slice(1);
}

test("a recipient checks an export offline with verify.html: untouched verifies, each change is caught", async ({ page, browser, baseURL }, testInfo) => {
  const files = await exports(page);

  // The recipient: another browser, never given the app, then offline.
  const recipient = await browser.newContext({ baseURL });
  const checker = await recipient.newPage();
  const requests = [];
  checker.on("request", (r) => requests.push(r.url()));
  await checker.goto("/verify.html");
  await expect(checker.getByRole("heading", { level: 1, name: "Check a Psynotes export" })).toBeVisible();
  await recipient.setOffline(true);
  const loaded = requests.length;
  const file = checker.getByLabel("Export file");
  const summary = checker.getByRole("status");
  const result = checker.getByRole("row").nth(1).getByRole("cell").nth(2);
  const choose = (name, text) => file.setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(text) });

  await choose("export.json", files.json);
  await expect(summary).toHaveText("export.json (JSON export): 1 verified, 0 changed after signing, 0 not signed.");
  await expect(result).toHaveText("Verified");
  await checker.screenshot({ path: testInfo.outputPath("verified.png"), fullPage: true });

  await choose("bundle.json", files.fhir);
  await expect(summary).toHaveText("bundle.json (FHIR bundle): 1 verified, 0 changed after signing, 0 not signed.");

  // One character changed in what was signed: the text, the signer, the time,
  // or the addendum. Each is reported as changed after signing.
  const edits = {
    "the note's text": (note) => (note.sections[0].text = changed(note.sections[0].text)),
    "the signer": (note) => (note.signature.signer_name = changed(note.signature.signer_name)),
    "the time of signing": (note) => (note.signature.signed_at = note.signature.signed_at.replace(/:(\d)(\d)\./, (_, a, b) => `:${a}${(Number(b) + 1) % 10}.`)),
    "the addendum": (note) => (note.addenda[0].text = changed(note.addenda[0].text)),
  };
  for (const [what, edit] of Object.entries(edits)) {
    const doc = JSON.parse(files.json);
    edit(doc.progress_notes[0]);
    await choose(`changed-${what.replaceAll(" ", "-")}.json`, JSON.stringify(doc));
    await expect(summary, what).toContainText("0 verified, 1 changed after signing");
    await expect(result, what).toHaveText("Changed after signing");
  }
  await checker.screenshot({ path: testInfo.outputPath("changed.png"), fullPage: true });

  // Not an export at all.
  await choose("notes.txt", "These are not the notes you are looking for.");
  await expect(summary).toHaveText("This file is not JSON, so it is not a Psynotes export.");

  // Nothing was fetched after the page itself, and nothing ever left 127.0.0.1.
  expect(requests.slice(loaded)).toEqual([]);
  for (const url of requests) expect(new URL(url).origin).toBe(new URL(baseURL).origin);
  await recipient.close();
});
