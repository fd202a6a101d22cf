// Custom templates (issue: course of care, part 4): a clinician defines a
// template, writes and signs a note with it, and edits the template later;
// the signed note keeps the version it was written with, its export says so,
// and the recipient's verifier still finds the digest intact. The templates
// file carries templates between devices, and a foreign file is refused.
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { test, expect, createVault, unlock } from "./fixtures.js";
import { today, saveStatus, setClinician, createClient, signNote } from "./clinical-helpers.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

async function downloadOf(page, action) {
  const [download] = await Promise.all([page.waitForEvent("download"), action()]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), "utf8") };
}

/** The recipient's verifier, as shipped (public/verify.js), run here. */
function verifier() {
  if (!globalThis.PsynotesVerify) {
    vm.runInThisContext(readFileSync(join(root, "public", "verify.js"), "utf8"), { filename: "verify.js" });
  }
  return globalThis.PsynotesVerify;
}

async function openTemplates(page) {
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await page.getByRole("link", { name: "Templates", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Templates", level: 1 })).toBeVisible();
}

test("a template of my own: defined, written with, signed, edited later, exported and verified", async ({ page }, testInfo) => {
  await createVault(page);
  await setClinician(page);

  // Define it: two sections, the second optional; no diagnoses and goals.
  await openTemplates(page);
  await page.getByRole("button", { name: "New template" }).click();
  await page.getByLabel("Template name").fill("Couples session");
  const first = page.getByRole("group", { name: "Section 1" });
  await first.getByLabel("Section label").fill("Presenting concern");
  await first.getByLabel("Section hint").fill("What brought them in today, in their words");
  await page.getByRole("button", { name: "Add section" }).click();
  const second = page.getByRole("group", { name: "Section 2" });
  await expect(second.getByLabel("Section label")).toBeFocused();
  await second.getByLabel("Section label").fill("Repair attempts");
  await second.getByLabel("Required before signing").uncheck();
  await page.getByLabel("Diagnoses and goals").uncheck();
  await page.screenshot({ path: testInfo.outputPath("template-form.png"), fullPage: true });
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved Couples session as version 1." })).toBeVisible();
  await expect(page.getByRole("list", { name: "Your templates" })).toContainText("Couples session");

  // A name already used, or a template without a label, is refused with the reason.
  await page.getByRole("button", { name: "New template" }).click();
  await page.getByLabel("Template name").fill("couples SESSION");
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The template could not be saved:" })).toContainText(
    "Section 1 has no label. Name it, or remove it.",
  );
  await page.getByRole("button", { name: "Cancel" }).click();

  // Write a note with it: its sections, and no diagnoses and goals block.
  await createClient(page, "Sam Okafor");
  await page.getByLabel("Template").selectOption({ label: "Couples session" });
  await page.getByRole("button", { name: "New progress note" }).click();
  await expect(page.getByLabel("Presenting concern", { exact: true })).toBeVisible();
  await expect(page.getByText("What brought them in today, in their words")).toBeVisible();
  await expect(page.getByLabel("Subjective", { exact: true })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Diagnoses and goals" })).toHaveCount(0);
  await expect(page.getByLabel("Template", { exact: true })).toHaveValue(/^custom:/);

  // Signing asks for the required section only.
  await page.getByLabel("Date of service").fill(today());
  await page.getByLabel("Start time").fill("18:00");
  await page.getByLabel("End time").fill("18:50");
  await page.getByLabel("Service code").selectOption("90847");
  await page.getByLabel("Place of service").selectOption("11");
  for (const question of ["Suicidal ideation", "Homicidal ideation"]) {
    await page.getByRole("group", { name: question, exact: true }).getByLabel("Denied").check();
  }
  await page.getByRole("button", { name: "Sign and lock" }).click();
  const issues = page.getByRole("alert").filter({ hasText: "This note is not ready to sign" });
  await expect(issues).toContainText("Write the Presenting concern section before signing (what brought them in today, in their words).");
  await expect(issues).not.toContainText("Repair attempts");
  await page.getByLabel("Presenting concern", { exact: true }).fill("They argue about chores; both want to stay together.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await signNote(page);
  const noteUrl = page.url();
  await expect(page.locator("main")).toContainText("Couples session (version 1)");
  await expect(page.locator("main")).toContainText("Presenting concern");
  await expect(page.locator("main")).toContainText("They argue about chores");

  // A draft written with version 1 before the template changes.
  await page.getByRole("link", { name: "Progress notes" }).click();
  await page.getByLabel("Template").selectOption({ label: "Couples session" });
  await page.getByRole("button", { name: "New progress note" }).click();
  await page.getByLabel("Presenting concern", { exact: true }).fill("Money worries again.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  const draftUrl = page.url();

  // Edit the template: a new version; the signed note keeps the one it was written with.
  await openTemplates(page);
  await page.getByRole("button", { name: "Edit Couples session" }).click();
  await expect(page.getByText("Saving a change makes version 2. Notes written with version 1 keep it.")).toBeVisible();
  await page.getByRole("group", { name: "Section 1" }).getByLabel("Section label").fill("Reason for the session");
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved Couples session as version 2." })).toBeVisible();

  // Opened afresh (a reload locks the vault).
  await page.goto(noteUrl);
  await unlock(page);
  await expect(page.locator("main")).toContainText("Presenting concern");
  await expect(page.locator("main")).toContainText("Couples session (version 1)");
  await expect(page.locator("main")).not.toContainText("Reason for the session");
  await expect(page.getByText("This note no longer matches its signature")).toHaveCount(0);

  // The draft keeps version 1 until asked; then its text follows the renamed section.
  await page.goto(draftUrl);
  await unlock(page);
  await expect(page.getByText("Written with version 1 of Couples session; the template is now at version 2.")).toBeVisible();
  await expect(page.getByLabel("Presenting concern", { exact: true })).toHaveValue("Money worries again.");
  await page.getByRole("button", { name: "Use version 2" }).click();
  await expect(page.getByLabel("Reason for the session", { exact: true })).toHaveValue("Money worries again.");
  await expect(page.getByText("Your own template, version 2.")).toBeVisible();
  // Switched to SOAP, the text stays, under its own heading, until moved.
  await page.getByLabel("Template", { exact: true }).selectOption("SOAP");
  await expect(page.getByLabel("Reason for the session (not in SOAP)")).toHaveValue("Money worries again.");

  // A new note takes version 2.
  await page.getByRole("link", { name: "Progress notes" }).click();
  await page.getByLabel("Template").selectOption({ label: "Couples session" });
  await page.getByRole("button", { name: "New progress note" }).click();
  await expect(page.getByLabel("Reason for the session", { exact: true })).toBeVisible();

  // The export names the template and the version the note keeps, and the
  // recipient's verifier finds the digest intact.
  await page.getByRole("link", { name: "Backup", exact: true }).click();
  const file = await downloadOf(page, () => page.getByRole("button", { name: "Export progress notes" }).click());
  const json = JSON.parse(file.text);
  const signed = json.progress_notes.filter((n) => n.status === "signed");
  expect(signed).toHaveLength(1);
  const [note] = signed;
  expect(note.template).toBe("Couples session");
  expect(note.template_definition.version).toBe(1);
  expect(note.template_definition.sections.map((s) => s.label)).toEqual(["Presenting concern", "Repair attempts"]);
  expect(note.sections.map((s) => s.label)).toEqual(["Presenting concern", "Repair attempts"]);
  expect(note.signature.content_format).toBe("psynotes/progress-note/v5");
  const verdict = await verifier().verifyExport(json);
  expect(verdict.notes.map((n) => n.status)).toEqual(["verified"]);
  // One word of the kept template changed is caught.
  note.template_definition.sections[0].label = "Reason for the session";
  expect((await verifier().verifyExport(json)).notes.map((n) => n.status)).toEqual(["changed"]);
});

test("the templates file goes to another device, and a foreign file is refused", async ({ page }) => {
  await createVault(page);
  await openTemplates(page);
  await page.getByRole("button", { name: "New template" }).click();
  await page.getByLabel("Template name").fill("Crisis call");
  await page.getByRole("group", { name: "Section 1" }).getByLabel("Section label").fill("What happened");
  await page.getByLabel("Session details").uncheck();
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved Crisis call as version 1." })).toBeVisible();

  const file = await downloadOf(page, () => page.getByRole("button", { name: "Export templates" }).click());
  expect(file.name).toBe("psynotes-templates.json");
  const exported = JSON.parse(file.text);
  expect(exported.format).toBe("psynotes/templates/v1");
  expect(exported.templates.map((t) => [t.name, t.version])).toEqual([["Crisis call", 1]]);

  // The same file again adds nothing.
  const input = page.getByLabel("Import templates");
  await input.setInputFiles({ name: "psynotes-templates.json", mimeType: "application/json", buffer: Buffer.from(file.text) });
  await expect(page.getByRole("status").filter({ hasText: "Every template in the file was already here. Nothing changed." })).toBeVisible();

  // A file from another device with a second template: imported, and offered.
  const other = structuredClone(exported);
  const laptop = exported.templates[0];
  other.templates = [{
    ...laptop,
    id: "from-the-laptop",
    name: "Family session",
    sections: laptop.sections.map((s) => ({ ...s, key: s.key.replace(/\..*$/, ".from-the-laptop") })),
  }];
  await input.setInputFiles({ name: "laptop.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(other)) });
  await expect(page.getByRole("status").filter({ hasText: "Imported 1 template version." })).toBeVisible();
  await expect(page.getByRole("list", { name: "Your templates" })).toContainText("Family session");

  // Anything else is refused, and nothing changes.
  await input.setInputFiles({ name: "notes.json", mimeType: "application/json", buffer: Buffer.from('{"format":"psynotes-progress-notes"}') });
  await expect(page.getByRole("alert")).toHaveText(
    "This file is not a templates file from this app. Choose the file made with \u201cExport templates\u201d.",
  );
  await expect(page.getByRole("list", { name: "Your templates" }).getByRole("listitem")).toHaveCount(2);
});
