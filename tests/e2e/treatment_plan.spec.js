// The treatment plan (issue 12, section 4): a client's goal carried into the
// first draft, the plan completed and signed, revised and signed again with
// both versions in the history, and a plan past its review date listed on the
// home screen.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test, expect, unlock } from "./fixtures.js";
import { createVault, appReady, PASSPHRASE } from "./fixtures.js";
import { setClinician, createClient, saveStatus, noHorizontalOverflow, fillSession, signNote } from "./clinical-helpers.js";

// axe-core, injected through the DevTools protocol as accessibility.spec.js
// does, so the app's CSP stays strict.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** No serious or critical axe violation on the page as it is now. */
async function expectAccessible(page, screen) {
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  });
  expect(found, `${screen}: ${JSON.stringify(found, null, 2)}`).toEqual([]);
}

const NAME = "Riley Planned";
const GOAL = "Fewer days of low mood";

/** `date` as YYYY-MM-DD in local time. */
function ymd(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function daysFrom(date, days) {
  const d = new Date(date);
  d.setDate(d.getDate() + days);
  return d;
}

test("a plan starts from the client's goal, is signed, revised and signed again, and is listed when past review", async ({ page }, testInfo) => {
  // The plan is written 120 days ago, with its review 30 days after that:
  // today the review date has passed.
  const now = new Date();
  const then = daysFrom(now, -120);
  await page.clock.setFixedTime(then);

  await createVault(page);
  await setClinician(page);
  await createClient(page, NAME);
  await page.getByRole("link", { name: "Edit client" }).click();
  await page.getByRole("button", { name: "Add goal" }).click();
  await page.getByLabel("Goal 1", { exact: true }).fill(GOAL);
  await page.getByRole("button", { name: "Save client" }).click();
  await expect(page.getByRole("link", { name: "Edit client" })).toBeVisible();

  // The tab sits between "Measures" and "Psychotherapy notes".
  const tabs = page.getByRole("navigation", { name: "Client record" }).getByRole("link");
  await expect(tabs).toHaveText(["Progress notes", "Measures", "Treatment plan", "Safety plan", "Requests", "Psychotherapy notes"]);
  await page.getByRole("link", { name: "Treatment plan", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Treatment plan" })).toBeVisible();
  await expect(page).toHaveURL(/\/clients\/[0-9a-f]{32}\/plan$/);
  await expect(page.getByText("The plan starts with the 1 goal of the client record")).toBeVisible();
  await page.getByRole("button", { name: "Start treatment plan" }).click();

  // The goal came over from the client record.
  await expect(page.getByLabel("Goal", { exact: true })).toHaveValue(GOAL);
  await expect(page.getByLabel("Review date", { exact: true })).toHaveValue(ymd(daysFrom(then, 90)));

  // Signing an incomplete plan lists what is missing, and keeps the text.
  await page.getByRole("button", { name: "Sign treatment plan" }).click();
  const issues = page.getByRole("alert").filter({ hasText: "Before this plan can be signed" });
  await expect(issues).toContainText("Problem 1 has no description");
  await expect(issues).toContainText("Goal 1.1 has no objective");

  await page.getByLabel("Problem", { exact: true }).fill("Low mood since a job loss, with poor sleep");
  await page.getByRole("button", { name: "Add objective" }).click();
  await page.getByLabel("Objective", { exact: true }).fill("Client sleeps at least 7 hours on most nights");
  await page.getByLabel("What is measured").fill("Nights a week with 7 hours of sleep");
  await page.getByLabel("Baseline", { exact: true }).fill("2");
  await page.getByLabel("Target", { exact: true }).fill("5");
  await page.getByLabel("Target date", { exact: true }).fill(ymd(daysFrom(then, 60)));
  await page.getByRole("button", { name: "Add intervention" }).click();
  await page.getByLabel("Intervention", { exact: true }).fill("Cognitive behavioural therapy for insomnia");
  await page.getByLabel("Frequency").fill("Weekly, 50 minutes");
  await page.getByLabel("Provider").fill("Jane Doe, LCSW");
  await page.getByLabel("Review date", { exact: true }).fill(ymd(daysFrom(then, 30)));
  // Typed text is saved without pressing anything.
  await expect(saveStatus(page, "Saved")).toBeVisible();

  // Portrait tablet: nothing overflows and every button is a real target.
  await noHorizontalOverflow(page);
  for (const button of await page.getByRole("button").all()) {
    const box = await button.boundingBox();
    if (box) expect(box.height, "touch target height").toBeGreaterThanOrEqual(44);
  }
  await page.screenshot({ path: testInfo.outputPath("plan-draft-768x1024.png"), fullPage: true });
  await expectAccessible(page, "plan draft");
  // And at 320 CSS px (WCAG 1.4.10 reflow): the form still fits.
  await page.setViewportSize({ width: 320, height: 640 });
  await expect(page.getByLabel("Problem", { exact: true })).toBeVisible();
  await noHorizontalOverflow(page);
  await page.setViewportSize({ width: 768, height: 1024 });

  // An objective tied to a questionnaire asks for a score target.
  await page.getByLabel("Measured by").selectOption({ label: "PHQ-9 score" });
  await expect(page.getByLabel("Target score")).toBeVisible();
  await expect(page.getByLabel("What is measured")).toHaveCount(0);
  await expect(page.getByText("PHQ-9 totals run from 0 to 27.")).toBeVisible();
  await page.getByLabel("Measured by").selectOption({ label: "Observation" });
  await expect(page.getByLabel("What is measured")).toHaveValue("Nights a week with 7 hours of sleep");

  await page.getByRole("button", { name: "Sign treatment plan" }).click();
  await expect(page.getByRole("heading", { name: "In force: version 1" })).toBeVisible();
  await expect(page.getByText("Version 1, signed").first()).toBeVisible();
  await expect(page.getByText("by Jane Doe, LCSW").first()).toBeVisible();
  // Read-only now: no field to type into.
  await expect(page.getByLabel("Problem", { exact: true })).toHaveCount(0);
  await expectAccessible(page, "signed plan");

  // The client signs the printed plan.
  await page.getByLabel("How the client agreed").selectOption({ label: "Signed on paper" });
  await page.getByLabel("Date agreed").fill(ymd(then));
  await page.getByRole("button", { name: "Record agreement" }).click();
  await expect(page.getByText(`Signed on paper on ${ymd(then)}`).first()).toBeVisible();
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("heading", { level: 1, name: "Treatment plan" }).last()).toBeVisible();
  await expect(page.getByText("Client signature")).toBeVisible();
  await expect(page.getByRole("button", { name: "Revise" })).toBeHidden();
  await expect(page.getByRole("navigation", { name: "Client record" })).toBeHidden();
  await page.screenshot({ path: testInfo.outputPath("plan-print.png"), fullPage: true });
  await page.emulateMedia({ media: "screen" });
  await expect(page.getByText("Client signature")).toBeHidden();

  // Revise: version 2 starts from version 1, which stays in force.
  await page.getByRole("button", { name: "Revise" }).click();
  await expect(page.getByRole("heading", { name: "Draft of version 2" })).toBeVisible();
  await expect(page.getByLabel("Goal", { exact: true })).toHaveValue(GOAL);
  await expect(page.getByRole("heading", { name: "In force: version 1" })).toBeVisible();
  await page.getByLabel("Frequency").fill("Twice weekly, 50 minutes");
  await page.getByLabel("Review date", { exact: true }).fill(ymd(daysFrom(then, 30)));
  await page.getByRole("button", { name: "Sign treatment plan" }).click();
  await expect(page.getByRole("heading", { name: "In force: version 2" })).toBeVisible();
  await expect(page.getByText("Twice weekly, 50 minutes").first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("plan-signed-768x1024.png"), fullPage: true });

  // The history keeps both, each viewable.
  const history = page.getByRole("list", { name: "Signed versions" });
  await expect(history.getByRole("listitem")).toHaveCount(2);
  await history.getByText(/^Version 1, signed/).click();
  await expect(history.getByText("Weekly, 50 minutes", { exact: false }).first()).toBeVisible();

  // Today, the review date has passed: the home screen lists the plan, and
  // its link opens it. (The clock jumps months: the vault locks.)
  await page.clock.setFixedTime(now);
  await page.goto("/");
  await unlock(page);
  const due = page.getByRole("region", { name: "Treatment plans past review" });
  await expect(due).toContainText(`review was due ${ymd(daysFrom(then, 30))}`);
  await due.getByRole("link", { name: NAME }).click();
  await expect(page).toHaveURL(/\/clients\/[0-9a-f]{32}\/plan$/);
  await expect(page.getByText(/The review date \(.*\) has passed/)).toBeVisible();
});

test("a progress note rates the plan's objectives, and keeps their wording after the plan is revised", async ({ page }) => {
  const goal = "Sleep through the night";
  const objective = "Client sleeps 7 hours on 5 nights a week";
  const today = new Date();
  await createVault(page);
  await setClinician(page);
  await createClient(page, "Oakley Objectives");
  await page.getByRole("link", { name: "Edit client" }).click();
  await page.getByRole("button", { name: "Add goal" }).click();
  await page.getByLabel("Goal 1", { exact: true }).fill(goal);
  await page.getByRole("button", { name: "Save client" }).click();
  await expect(page.getByRole("link", { name: "Edit client" })).toBeVisible();

  await page.getByRole("link", { name: "Treatment plan", exact: true }).click();
  await page.getByRole("button", { name: "Start treatment plan" }).click();
  await page.getByLabel("Problem", { exact: true }).fill("Insomnia since a bereavement");
  await page.getByRole("button", { name: "Add objective" }).click();
  await page.getByLabel("Objective", { exact: true }).fill(objective);
  await page.getByLabel("What is measured").fill("Nights a week with 7 hours of sleep");
  await page.getByLabel("Baseline", { exact: true }).fill("1");
  await page.getByLabel("Target", { exact: true }).fill("5");
  await page.getByLabel("Target date", { exact: true }).fill(ymd(daysFrom(today, 60)));
  await page.getByRole("button", { name: "Add intervention" }).click();
  await page.getByLabel("Intervention", { exact: true }).fill("CBT for insomnia");
  await page.getByLabel("Frequency").fill("Weekly, 50 minutes");
  await page.getByLabel("Provider").fill("Jane Doe, LCSW");
  await page.getByLabel("Review date", { exact: true }).fill(ymd(daysFrom(today, 90)));
  await page.getByRole("button", { name: "Sign treatment plan" }).click();
  await expect(page.getByRole("heading", { name: "In force: version 1" })).toBeVisible();

  // The note lists the plan's goal with its objective under it; each has its
  // own tick and rating.
  await page.getByRole("link", { name: "Progress notes", exact: true }).click();
  await page.getByRole("button", { name: "New progress note" }).click();
  await fillSession(page);
  const goals = page.getByRole("group", { name: "Goals addressed" });
  await expect(goals.getByRole("checkbox")).toHaveCount(2);
  await goals.getByRole("checkbox", { name: `Objective: ${objective}` }).check();
  // Ticked is not rated: nothing is chosen for the clinician, and signing
  // asks for the rating.
  const rating = goals.getByRole("combobox", { name: `Progress on: Objective: ${objective}` });
  await expect(rating).toHaveValue("");
  await page.getByRole("button", { name: "Sign and lock" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Choose the progress made" })).toBeVisible();
  await rating.selectOption("Improved");
  await expect(goals.getByRole("combobox", { name: `Progress on: ${goal}` })).toBeDisabled();
  await signNote(page);
  const treatment = page.getByRole("region", { name: "Diagnoses and goals" });
  const rated = `${goal} — Objective: ${objective}`;
  await expect(treatment).toContainText(rated);
  await expect(treatment).toContainText("Improved");
  const noteUrl = page.url();

  // The plan is revised and the objective reworded: the signed note still
  // reads as it was signed, and matches its signature.
  await page.getByRole("link", { name: "Treatment plan", exact: true }).click();
  await page.getByRole("button", { name: "Revise" }).click();
  await page.getByLabel("Objective", { exact: true }).fill("REWORDED objective");
  await page.getByRole("button", { name: "Sign treatment plan" }).click();
  await expect(page.getByRole("heading", { name: "In force: version 2" })).toBeVisible();
  await page.goto(noteUrl);
  await unlock(page);
  await expect(treatment).toContainText(rated);
  await expect(treatment).not.toContainText("REWORDED");
  await expect(page.getByText("This note no longer matches its signature")).toHaveCount(0);

  // A new note offers the objective in the plan's new words.
  await page.locator(".breadcrumb").getByRole("link").click();
  await page.getByRole("button", { name: "New progress note" }).click();
  await expect(page.getByRole("checkbox", { name: "Objective: REWORDED objective" })).toBeVisible();

  // The export carries the plan, both signed versions, with the note that
  // rated the objective by its id.
  await page.getByRole("link", { name: "Backup", exact: true }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export progress notes" }).click(),
  ]);
  await expect(page.getByText(/Exported 1 progress note and 1 treatment plan to/)).toBeVisible();
  const json = JSON.parse(readFileSync(await download.path(), "utf8"));
  expect(json.treatment_plans).toHaveLength(1);
  const [plan] = json.treatment_plans;
  expect(plan.versions.map((v) => v.version)).toEqual([1, 2]);
  expect(plan.versions.map((v) => v.content.problems[0].goals[0].objectives[0].text)).toEqual([objective, "REWORDED objective"]);
  const [note] = json.progress_notes;
  expect(note.goals_addressed).toEqual([{ goal_id: plan.versions[0].content.problems[0].goals[0].objectives[0].id, progress: "improved" }]);
  expect(note.referenced_wording.goals[0].objective_text).toBe(objective);
});

/** Fills the open plan draft so it can be signed, and signs it. */
async function completeAndSign(page, today) {
  await page.getByRole("button", { name: "Add problem" }).click();
  await page.getByLabel("Problem", { exact: true }).fill("Low mood after a redundancy");
  await page.getByRole("button", { name: "Add goal" }).click();
  await page.getByLabel("Goal", { exact: true }).fill("Sleep through the night");
  await page.getByRole("button", { name: "Add objective" }).click();
  await page.getByLabel("Objective", { exact: true }).fill("Client sleeps 7 hours on 5 nights a week");
  await page.getByLabel("What is measured").fill("Nights a week with 7 hours of sleep");
  await page.getByLabel("Baseline", { exact: true }).fill("1");
  await page.getByLabel("Target", { exact: true }).fill("5");
  await page.getByLabel("Target date", { exact: true }).fill(ymd(daysFrom(today, 60)));
  await page.getByRole("button", { name: "Add intervention" }).click();
  await page.getByLabel("Intervention", { exact: true }).fill("CBT");
  await page.getByLabel("Frequency").fill("Weekly, 50 minutes");
  await page.getByLabel("Provider").fill("Jane Doe, LCSW");
  await page.getByLabel("Review date", { exact: true }).fill(ymd(daysFrom(today, 90)));
  await page.getByRole("button", { name: "Sign treatment plan" }).click();
  await expect(page.getByRole("heading", { name: "In force: version 1" })).toBeVisible();
}

async function backupOf(page) {
  await page.getByRole("link", { name: "Backup", exact: true }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download encrypted backup" }).click(),
  ]);
  return { name: download.suggestedFilename(), mimeType: "application/octet-stream", buffer: readFileSync(await download.path()) };
}

test("a plan revised on two devices is compared, and keeping one asks before it sets the other's draft aside", async ({ page, browser, baseURL }) => {
  const today = new Date();
  const NAME = "Casey Twodevices";
  await createVault(page);
  await setClinician(page);
  await createClient(page, NAME);
  await page.getByRole("link", { name: "Treatment plan", exact: true }).click();
  await page.getByRole("button", { name: "Start treatment plan" }).click();
  await completeAndSign(page, today);
  const first = await backupOf(page);

  // Another device, restored from that backup, drafts a revision.
  const other = await browser.newContext({ baseURL });
  const b = await other.newPage();
  await b.goto("/");
  await appReady(b);
  await b.getByLabel("Backup file").setInputFiles(first);
  await b.getByLabel("Backup passphrase").fill(PASSPHRASE);
  await b.getByRole("button", { name: "Restore from backup" }).click();
  await expect(b.getByRole("button", { name: "Lock", exact: true })).toBeVisible({ timeout: 30_000 });
  await b.getByRole("link", { name: NAME }).click();
  await b.getByRole("link", { name: "Treatment plan", exact: true }).click();
  await b.getByRole("button", { name: "Revise" }).click();
  await b.getByLabel("Problem", { exact: true }).fill("B's wording of the problem");
  await expect(saveStatus(b, "Saved")).toBeVisible();
  const fromB = await backupOf(b);
  await other.close();

  // Meanwhile this device signs version 2, then merges the other's backup.
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.getByRole("link", { name: NAME }).click();
  await page.getByRole("link", { name: "Treatment plan", exact: true }).click();
  await page.getByRole("button", { name: "Revise" }).click();
  await page.getByLabel("Frequency").fill("Twice weekly, 50 minutes");
  await page.getByRole("button", { name: "Sign treatment plan" }).click();
  await expect(page.getByRole("heading", { name: "In force: version 2" })).toBeVisible();
  await page.getByRole("link", { name: "Backup", exact: true }).click();
  await page.getByLabel("Backup file").setInputFiles(fromB);
  await page.getByLabel("Merge this backup into the open vault").check();
  await page.getByRole("button", { name: "Restore from backup" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Restored:" })).toBeVisible({ timeout: 30_000 });

  // The plan page says another version waits; the Conflicts page compares.
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.getByRole("link", { name: NAME }).click();
  await page.getByRole("link", { name: "Treatment plan", exact: true }).click();
  await page.getByRole("link", { name: "Compare the versions" }).click();
  await page.getByRole("button", { name: /^Compare/ }).first().click();
  const sides = page.getByRole("region", { name: /^Version \d+ of \d+/ });
  await expect(sides).toHaveCount(2);
  const mine = sides.filter({ hasText: "Version 2, signed" });
  const theirs = sides.filter({ hasText: "B's wording of the problem" });
  await expect(theirs.getByRole("button", { name: "Keep this version" })).toHaveCount(0);
  await expect(theirs).toContainText("cannot be kept on its own");

  // Keeping this device's version names the draft it sets aside; Cancel keeps both.
  await mine.getByRole("button", { name: "Keep this version" }).click();
  const confirm = page.getByRole("region", { name: "Set the other version's draft aside?" });
  await expect(confirm).toContainText("Draft of version 2");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  await expect(sides).toHaveCount(2);
  await mine.getByRole("button", { name: "Keep this version" }).click();
  await confirm.getByRole("button", { name: "Keep it and set the draft aside" }).click();
  await expect(page.getByText("Settled: the version you chose is kept.")).toBeVisible();
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.getByRole("link", { name: NAME }).click();
  await page.getByRole("link", { name: "Treatment plan", exact: true }).click();
  await expect(page.getByRole("heading", { name: "In force: version 2" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Compare the versions" })).toHaveCount(0);
});
