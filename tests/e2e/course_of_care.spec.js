// The whole course of care (issue: course of care): the 164.501 record check
// beside both editors, and the safety plan. Controls are found by role and
// accessible name.
import { test, expect, createVault, unlock } from "./fixtures.js";
import { today, saveStatus, setClinician, createClient, signNote } from "./clinical-helpers.js";

test("the record check moves a medication sentence to that day's progress note, and a dismissal sticks", async ({ page }, testInfo) => {
  await createVault(page);
  await createClient(page, "Noor Haddad");

  // In a psychotherapy note, a dose belongs in the record.
  await page.getByRole("link", { name: "Psychotherapy notes" }).click();
  await page.getByRole("button", { name: "New psychotherapy note" }).click();
  const text = page.getByLabel("Psychotherapy note", { exact: true });
  await text.fill("She spoke of her father for the first time. Sertraline was raised to 100 mg.");
  const check = page.getByRole("region", { name: "Record check" });
  const finding = check.getByRole("listitem");
  await expect(finding).toHaveCount(1);
  await expect(finding.getByRole("heading")).toHaveText("Medication");
  await expect(finding.locator("mark")).toHaveText("Sertraline");
  await expect(finding).toContainText("45 CFR 164.501");
  await page.screenshot({ path: testInfo.outputPath("record-check-psychotherapy.png"), fullPage: true });

  await finding.getByRole("button", { name: "Move to progress note" }).click();
  await expect(check.getByRole("status")).toHaveText(
    /^Moved to the Subjective section of the progress note of .+, started for it\.$/,
  );
  await expect(text).toHaveValue("She spoke of her father for the first time.");
  await expect(check.getByText("Nothing to point out.")).toBeVisible();
  await expect(saveStatus(page, "Saved")).toBeVisible();

  // The sentence is in the record now, in a note dated that day.
  await page.getByRole("link", { name: "Progress notes" }).click();
  const row = page.locator(".timeline__item");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(today());
  await row.getByRole("link").first().click();
  await expect(page.getByLabel("Subjective", { exact: true })).toHaveValue("Sertraline was raised to 100 mg.");

  // In a progress note, the clinician's speculation belongs in a psychotherapy note.
  const assessment = page.getByLabel("Assessment", { exact: true });
  await assessment.fill("Mood low. I suspect her anger at me is really about her father.");
  const noteCheck = page.getByRole("region", { name: "Record check" });
  await expect(noteCheck.getByRole("listitem")).not.toHaveCount(0);
  await expect(noteCheck.getByRole("listitem").first().getByRole("heading")).toContainText("(in Assessment)");
  // Advice only: nothing to move from here, and saving is not held back.
  await expect(noteCheck.getByRole("button", { name: "Move to progress note" })).toHaveCount(0);
  while (await noteCheck.getByRole("button", { name: "Dismiss", exact: true }).count()) {
    await noteCheck.getByRole("button", { name: "Dismiss", exact: true }).first().click();
  }
  await expect(noteCheck.getByText("Nothing to point out.")).toBeVisible();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();

  // The dismissal is kept with the note; editing the sentence brings it back.
  await page.reload();
  await unlock(page);
  await expect(noteCheck.getByText("Nothing to point out.")).toBeVisible();
  await expect(noteCheck).toContainText("dismissed");
  await assessment.fill("Mood low. I suspect her anger at me is really about her mother.");
  await expect(noteCheck.getByRole("listitem")).not.toHaveCount(0);

  // It can be turned off in Settings.
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await page.getByLabel("Record check beside the note editors").uncheck();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await page.goBack();
  await expect(page.getByLabel("Assessment", { exact: true })).toBeVisible();
  await expect(page.getByRole("region", { name: "Record check" })).toHaveCount(0);
});

test("a safety plan is written with the client, kept across a reload, saved in versions and printed in plain words", async ({ page }, testInfo) => {
  await createVault(page);
  await createClient(page, "Maya Chen");
  await page.getByRole("link", { name: "Safety plan" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Safety plan: Maya Chen");
  // The crisis line is there from the start.
  await expect(page.getByLabel("Crisis line", { exact: true })).toHaveValue("988 Suicide & Crisis Lifeline");

  // Saving too early says what the plan needs, and saves nothing.
  await page.getByRole("button", { name: "Save safety plan" }).click();
  await expect(page.getByRole("alert").first()).toContainText("warning sign");
  await expect(page.getByText("No version saved yet.")).toBeVisible();

  await page.getByLabel("Warning signs").fill("Lying awake after midnight\nSkipping meals");
  await page.getByLabel("Coping strategies").fill("Walk the dog around the block");
  await page.getByLabel("People to ask for help").fill("Ana (sister): 555-0100");
  await page.getByLabel("Professionals to contact").fill("Dr. Lee: 555-0199");
  await page.getByLabel("Making the environment safe").fill("Partner keeps the medications");
  await expect(saveStatus(page, "Saved")).toBeVisible();

  // What was written is kept on this device before any save.
  await page.reload();
  await unlock(page);
  await expect(page.getByText("Opened with what was written here and not saved yet.")).toBeVisible();
  await expect(page.getByLabel("Warning signs")).toHaveValue("Lying awake after midnight\nSkipping meals");

  await page.getByRole("button", { name: "Save safety plan" }).click();
  await expect(page.getByText("Version 1 saved.")).toBeVisible();
  // Reminders for the steps left empty never block saving.
  await expect(page.getByRole("note", { name: "Steps to come back to" })).toContainText("reasons for living");

  await page.getByLabel("Reasons for living").fill("My daughter's graduation");
  await page.getByRole("button", { name: "Save safety plan" }).click();
  await expect(page.getByText("Version 2 saved.")).toBeVisible();
  const versions = page.getByRole("region", { name: "Versions" });
  await expect(versions.getByRole("listitem")).toHaveCount(2);

  // The printed copy speaks to the client, with only the plan on paper.
  await page.evaluate(() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; });
  await versions.getByRole("button", { name: "Print version 2 for the client" }).click();
  await expect.poll(() => page.evaluate(() => window.__printed)).toBe(1);
  await page.emulateMedia({ media: "print" });
  const paper = page.locator(".safety-print");
  await expect(paper).toBeVisible();
  await expect(paper.getByRole("heading", { level: 1 })).toHaveText("My safety plan");
  await expect(paper).toContainText("Step 1: Things that tell me a crisis may be starting");
  await expect(paper).toContainText("Lying awake after midnight");
  await expect(paper).toContainText("Ana (sister): 555-0100");
  await expect(paper).toContainText("988 Suicide & Crisis Lifeline: Call or text 988");
  await expect(paper).toContainText("My daughter's graduation");
  await expect(page.getByRole("button", { name: "Save safety plan" })).toBeHidden();
  await page.screenshot({ path: testInfo.outputPath("safety-plan-print.png"), fullPage: true });
  await page.emulateMedia({ media: "screen" });

  // Version 1 is kept as it was.
  await page.reload();
  await unlock(page);
  await expect(page.getByRole("region", { name: "Versions" }).getByRole("listitem")).toHaveCount(2);
  await expect(page.getByLabel("Reasons for living")).toHaveValue("My daughter's graduation");

  // A note's risk section leads to it.
  await page.getByRole("link", { name: "Progress notes" }).click();
  await page.getByRole("button", { name: "New progress note" }).click();
  await page.getByRole("link", { name: "Open the client's safety plan" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Safety plan: Maya Chen");
});

/** The recipient's verifier (public/verify.js), loaded as the node tests do. */
async function verifier() {
  const { readFileSync } = await import("node:fs");
  const { join, dirname } = await import("node:path");
  const { fileURLToPath } = await import("node:url");
  const vm = await import("node:vm");
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const sandbox = { TextEncoder, TextDecoder, crypto: globalThis.crypto, atob, btoa };
  vm.runInNewContext(readFileSync(join(root, "public", "verify.js"), "utf8"), sandbox);
  return sandbox.PsynotesVerify;
}

async function downloadText(page, action) {
  const { readFileSync } = await import("node:fs");
  const [download] = await Promise.all([page.waitForEvent("download"), action()]);
  return readFileSync(await download.path()).toString("utf8");
}

/** Session facts of a note signed today, 09:00–10:00 at the office. */
async function fillSessionFacts(page) {
  await page.getByLabel("Date of service", { exact: true }).fill(today());
  await page.getByLabel("Start time").fill("09:00");
  await page.getByLabel("End time").fill("10:00");
  await page.getByLabel("Place of service").selectOption("11");
}

test("an intake assessment (90791) is written, signed, printed, exported and verified, and a discharge ends treatment", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await createVault(page);
  await setClinician(page);
  await createClient(page, "Iris Novak");

  await page.getByLabel("Template").selectOption("Intake assessment");
  await page.getByRole("button", { name: "New progress note" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Intake assessment");
  await expect(page.getByLabel("Service code")).toHaveValue("90791");
  await fillSessionFacts(page);

  await page.getByLabel("Identifying information").fill("34-year-old accountant, she/her, lives with partner.");
  await page.getByLabel("Referral source").selectOption("Primary care");
  await page.getByLabel("Referred by").fill("Dr. Patel");
  const histories = {
    "Presenting problem": "\"I can't switch off.\"",
    "History of present illness": "Worry most days for a year.",
    "Psychiatric history": "None reported",
    "Substance use history": "Two glasses of wine a week.",
    "Medical history": "Asthma.",
    "Family history": "Mother: depression.",
    "Social history": "Close to her sister.",
  };
  for (const [label, text] of Object.entries(histories)) await page.getByLabel(label, { exact: true }).fill(text);

  // The mental status exam: one or more terms per domain, insight and judgment rated.
  const terms = {
    Appearance: "Appropriately dressed",
    Behavior: "Cooperative",
    Speech: "Normal rate, volume and rhythm",
    Mood: "Anxious",
    Affect: "Congruent with mood",
    "Thought process": "Linear and goal-directed",
    "Thought content": "No abnormal content",
    Perception: "No perceptual disturbance",
    Cognition: "Alert",
  };
  for (const [domain, term] of Object.entries(terms)) {
    await page.getByRole("group", { name: domain, exact: true }).getByLabel(term, { exact: true }).check();
  }
  await page.getByLabel("Insight").selectOption("Fair");
  await page.getByLabel("Judgment").selectOption("Good");

  // Risk: both ideation questions first, then the rest.
  await page.getByRole("group", { name: "Suicidal ideation", exact: true }).getByLabel("Denied").check();
  await page.getByRole("group", { name: "Homicidal ideation", exact: true }).getByLabel("Denied").check();
  for (const question of ["Past suicide attempts", "Non-suicidal self-harm", "Access to lethal means"]) {
    await page.getByRole("group", { name: question, exact: true }).getByLabel("No").check();
  }
  await page.getByLabel("Risk level").selectOption("Low");
  await page.getByLabel("Risk formulation").fill("No ideation or history; supports in place.");

  // Diagnoses come from the ICD-10-CM list, found by words or by code.
  await page.getByLabel("Find a diagnosis").first().fill("gen anx");
  await page.getByRole("button", { name: "Add F41.1 Generalized anxiety disorder" }).click();
  const chosen = page.getByRole("list", { name: "Diagnoses", exact: true });
  await expect(chosen).toContainText("F41.1 Generalized anxiety disorder");
  await expect(chosen).toContainText(/ICD-10-CM 20\d\d/);
  // A code the list lacks can be typed, and is marked.
  await page.getByLabel("Find a diagnosis").first().fill("G47.00");
  await page.getByLabel("Description for G47.00").fill("Insomnia, unspecified");
  await page.getByRole("button", { name: "Add G47.00 as typed" }).click();
  await expect(chosen).toContainText("Not found in the list");
  await page.getByLabel("Initial plan", { exact: true }).fill("Weekly CBT for worry; GAD-7 every 4 weeks.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("intake-editor.png"), fullPage: true });

  // Kept through a reload, then signed and locked.
  await page.reload();
  await unlock(page);
  await expect(page.getByLabel("Initial plan", { exact: true })).toHaveValue("Weekly CBT for worry; GAD-7 every 4 weeks.");
  await expect(page.getByRole("group", { name: "Mood", exact: true }).getByLabel("Anxious", { exact: true })).toBeChecked();
  await signNote(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Intake assessment");
  await expect(page.getByRole("textbox", { name: "Mental status: Mood" })).toHaveText("Anxious");
  await expect(page.getByRole("textbox", { name: "Initial plan" })).toHaveText("Weekly CBT for worry; GAD-7 every 4 weeks.");

  // The timeline lists it with its type, and its diagnoses joined the client record.
  await page.locator(".breadcrumb").getByRole("link", { name: "Iris Novak" }).click();
  await expect(page.locator(".timeline__item")).toContainText("Intake assessment · 90791");
  await expect(page.locator(".summary")).toContainText("F41.1 Generalized anxiety disorder");

  // Printed and exported with every field; the export verifies.
  await page.getByRole("link", { name: "Backup", exact: true }).click();
  await page.getByRole("button", { name: "Print view" }).click();
  const record = page.locator(".print-record");
  await expect(record).toContainText("Presenting problem");
  await expect(record).toContainText("G47.00 Insomnia, unspecified (not found in the list)");
  await page.getByRole("link", { name: "Back", exact: true }).click();
  const json = JSON.parse(await downloadText(page, () => page.getByRole("button", { name: "Export progress notes" }).click()));
  const note = json.progress_notes[0];
  expect(note.template).toBe("Intake assessment");
  expect(note.signature.content_format).toBe("psynotes/progress-note/v4");
  expect(note.document.kind).toBe("intake");
  expect(note.document.canonical_text.startsWith("psynotes/intake/v1\n")).toBe(true);
  const verify = await verifier();
  expect((await verify.verifyExport(json)).notes.map((n) => n.status)).toEqual(["verified"]);
  // One character of the document changed after signing is caught.
  const changed = JSON.parse(JSON.stringify(json));
  changed.progress_notes[0].document.canonical_text = note.document.canonical_text.replace("Weekly CBT", "Weekly CBt");
  expect((await verify.verifyExport(changed)).notes.map((n) => n.status)).not.toEqual(["verified"]);

  // A discharge summary fills in what the record says, and ends treatment.
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.getByRole("link", { name: "Iris Novak" }).click();
  await page.getByLabel("Template").selectOption("Discharge summary");
  await page.getByRole("button", { name: "New progress note" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Discharge summary");
  await expect(page.getByText("Filled in from the record")).toBeVisible();
  await expect(page.getByLabel("First date of service")).toHaveValue(today());
  await expect(page.getByLabel("Services provided")).toHaveValue("1 session: 90791 ×1");
  // A discharge may close treatment without a last session: only its date is needed.
  await page.getByLabel("Date of service", { exact: true }).fill(today());
  for (const question of ["Suicidal ideation", "Homicidal ideation"]) {
    await page.getByRole("group", { name: question, exact: true }).getByLabel("Denied").check();
  }
  await page.getByLabel("Reason for discharge").selectOption("Treatment goals met");
  // The diagnoses come from the client record.
  await expect(page.getByRole("list", { name: "Diagnoses at discharge" })).toContainText("F41.1 Generalized anxiety disorder");
  await page.getByLabel("Referrals and aftercare", { exact: true }).fill("None needed; may return at any time.");
  await signNote(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Discharge summary");
  await page.locator(".breadcrumb").getByRole("link", { name: "Iris Novak" }).click();
  await expect(page.locator(".summary")).toContainText(`Discharged on ${today()}.`);
  await expect(page.locator(".summary")).toContainText("Keep the record until at least");
  await page.screenshot({ path: testInfo.outputPath("discharged-client.png"), fullPage: true });
});
