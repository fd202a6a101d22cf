// The whole course of care (issue: course of care): the 164.501 record check
// beside both editors, and the safety plan. Controls are found by role and
// accessible name.
import { test, expect, createVault, unlock } from "./fixtures.js";
import { today, saveStatus, createClient } from "./clinical-helpers.js";

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
