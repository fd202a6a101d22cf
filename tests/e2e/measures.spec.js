// Measurement-based care (issue: measures and treatment plans): a PHQ-9 handed
// to the client on the tablet, which shows nothing else and cannot be left
// without the passphrase; the score, its band, the item-9 flag and the chart
// afterwards.
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { test, expect, unlock, appReady, createVault, PASSPHRASE } from "./fixtures.js";
import { setClinician, createClient, fillSession, signNote, saveStatus, today } from "./clinical-helpers.js";

const NAME = "Morgan Questionnaire";
const OTHER = "Avery Elsewhere";

const OPTIONS = ["Not at all", "Several days", "More than half the days", "Nearly every day"];

/** Opens the Measures tab of `name` and hands a new `measure` to the client. */
async function handOver(page, measure) {
  await page.getByRole("link", { name: "Measures", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Measures" })).toBeVisible();
  await page.getByRole("button", { name: "New questionnaire" }).click();
  await page.getByLabel("Questionnaire").selectOption({ label: measure });
  await page.getByRole("button", { name: "Hand to client" }).click();
}

/** The radio groups of the questionnaire on screen, in order. */
function items(page) {
  return page.getByRole("main").getByRole("radiogroup");
}

test("a PHQ-9 handed to the client shows nothing else, is scored, flags item 9 and is charted", async ({ page }) => {
  await createVault(page);
  await setClinician(page);
  await createClient(page, OTHER);
  await createClient(page, NAME);
  await handOver(page, "PHQ-9");

  // Only the questionnaire: no navigation, no Lock button, no client's name.
  await expect(page.getByRole("heading", { level: 1, name: /PHQ-9/ })).toBeVisible();
  await expect(page.getByRole("navigation")).toHaveCount(0);
  // The one link is the skip link to the questionnaire itself.
  await expect(page.getByRole("link").filter({ hasNotText: "Skip to content" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Lock", exact: true })).toHaveCount(0);
  await expect(page.getByText(NAME)).toHaveCount(0);
  await expect(page.getByText(OTHER)).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Measures" })).toHaveCount(0);
  // Nine items and the difficulty question, each a radio group named by its text.
  await expect(items(page)).toHaveCount(10);
  const first = page.getByRole("radiogroup", { name: "Little interest or pleasure in doing things" });
  for (const option of OPTIONS) await expect(first.getByRole("radio", { name: option })).toBeVisible();
  // Touch targets are large.
  const box = await first.getByText("Several days").locator("..").boundingBox();
  expect(box.height).toBeGreaterThanOrEqual(44);

  // Going back in history does not leave the questionnaire.
  await page.goBack();
  await expect(page).toHaveURL(/\/measures$/);
  await expect(items(page)).toHaveCount(10);
  await expect(page.getByRole("navigation")).toHaveCount(0);

  // Items 1–8 "Several days" (8), item 9 "Several days" (1): total 9, mild.
  for (let i = 0; i < 9; i++) {
    await items(page).nth(i).getByRole("radio", { name: "Several days" }).check();
  }
  await page
    .getByRole("radiogroup", { name: /how difficult have these problems made it/ })
    .getByRole("radio", { name: "Somewhat difficult" })
    .check();
  await page.getByRole("button", { name: "Finish" }).click();

  // Locked, asking for the tablet back; the passphrase returns to the record.
  await expect(page.getByText("Please hand the tablet back.")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole("heading", { name: "Unlock your notes" })).toBeVisible();
  await expect(page.getByText(NAME)).toHaveCount(0);
  await unlock(page);
  await expect(page.getByRole("heading", { level: 1, name: "Measures" })).toBeVisible();
  await expect(page.getByText("Please hand the tablet back.")).toHaveCount(0);
  await expect(page.getByText("Latest: PHQ-9 score: 9, mild")).toBeVisible();
  // The item-9 flag, with the prompt for the safety plan, on every tab.
  const flag = page.getByRole("region", { name: "Risk flag" });
  await expect(flag).toContainText("item 9 answered “Several days”");
  await expect(flag).toContainText("safety plan");
  // The chart and its table.
  await expect(page.getByRole("img", { name: "PHQ-9 over time" })).toBeVisible();
  await expect(page.getByRole("table")).toContainText("9");
  // Every answer, for the clinician, behind the result's line.
  await page.getByText(/PHQ-9 score: 9, mild$/).click();
  const answers = page.getByRole("table", { name: "PHQ-9 answers" });
  await expect(answers.getByRole("row", { name: /Thoughts that you would be better off dead/ })).toContainText("Several days (1)");

  // A later clean PHQ-9 does not hide the flag: only a signed note does.
  await page.getByRole("button", { name: "New questionnaire" }).click();
  await page.getByLabel("Questionnaire").selectOption({ label: "PHQ-9" });
  await page.getByRole("button", { name: "Hand to client" }).click();
  await answerAll(page, "Not at all");
  await expect(page.getByText("Latest: PHQ-9 score: 0, none-minimal")).toBeVisible();
  await expect(page.getByRole("region", { name: "Risk flag" })).toContainText("item 9 answered “Several days”");

  await page.getByRole("link", { name: "Progress notes", exact: true }).click();
  await expect(page.getByRole("region", { name: "Risk flag" })).toBeVisible();
  // The next progress note's risk section carries it, with the prompt.
  await page.getByRole("button", { name: "New progress note" }).click();
  const inNote = page.getByRole("region", { name: "Questionnaire risk flag" });
  await expect(inNote).toContainText("PHQ-9 on");
  await expect(inNote).toContainText("item 9 answered “Several days”");
  await expect(inNote).toContainText("safety plan");

  // The other client has no results and no flag.
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.getByRole("link", { name: new RegExp(OTHER) }).click();
  await page.getByRole("link", { name: "Measures", exact: true }).click();
  await expect(page.getByText("No questionnaires yet.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Risk flag" })).toHaveCount(0);
});

test("a questionnaire handed back unfinished keeps its answers as a draft and is finished later", async ({ page }) => {
  await createVault(page);
  await setClinician(page);
  await createClient(page, NAME);
  await handOver(page, "GAD-7");
  await expect(items(page)).toHaveCount(8);
  // Nothing answered: nothing to finish.
  await page.getByRole("button", { name: "Finish" }).click();
  await expect(page.getByRole("alert")).toContainText("No question has an answer yet");
  for (let i = 0; i < 3; i++) {
    await items(page).nth(i).getByRole("radio", { name: "Nearly every day" }).check();
  }
  // Finishing with items unanswered asks first.
  await page.getByRole("button", { name: "Finish" }).click();
  await expect(page.getByRole("alert")).toContainText("Questions 4, 5, 6 and 7 have no answer yet");
  await page.getByRole("button", { name: "Stop and hand the tablet back" }).click();
  await expect(page.getByText("Please hand the tablet back.")).toBeVisible({ timeout: 15_000 });
  await unlock(page);

  await expect(page.getByText("GAD-7, started")).toContainText("3 of 7 answered");
  await page.getByRole("button", { name: /Hand to client to finish/ }).click();
  // The answers given are still chosen.
  await expect(items(page).nth(0).getByRole("radio", { name: "Nearly every day" })).toBeChecked();
  for (let i = 3; i < 7; i++) {
    await items(page).nth(i).getByRole("radio", { name: "Not at all" }).check();
  }
  await page.getByRole("button", { name: "Finish" }).click();
  await expect(page.getByText("Please hand the tablet back.")).toBeVisible({ timeout: 15_000 });
  await unlock(page);
  await expect(page.getByText("Latest: GAD-7 score: 9, mild")).toBeVisible();
  await expect(page.getByText("GAD-7, started")).toHaveCount(0);
  await expect(page.getByRole("img", { name: "GAD-7 over time" })).toBeVisible();
});

/** Answers every item of the questionnaire on screen with `option`, and finishes. */
async function answerAll(page, option) {
  const count = await items(page).count();
  for (let i = 0; i < count - 1; i++) {
    await items(page).nth(i).getByRole("radio", { name: option }).check();
  }
  await page.getByRole("button", { name: "Finish" }).click();
  await expect(page.getByText("Please hand the tablet back.")).toBeVisible({ timeout: 15_000 });
  await unlock(page);
}

async function downloadOf(page, action) {
  const [download] = await Promise.all([page.waitForEvent("download"), action()]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

test("results are exported, printed, and kept by the encrypted backup", async ({ page, browser, baseURL }) => {
  await createVault(page);
  await setClinician(page);
  await createClient(page, NAME);
  await handOver(page, "GAD-7");
  await answerAll(page, "More than half the days");
  await expect(page.getByText("Latest: GAD-7 score: 14, moderate")).toBeVisible();

  await page.getByRole("link", { name: "Backup", exact: true }).click();
  const exported = await downloadOf(page, () => page.getByRole("button", { name: "Export progress notes" }).click());
  const json = JSON.parse(exported.bytes.toString("utf8"));
  expect(json.measure_results).toHaveLength(1);
  expect(json.measure_results[0]).toMatchObject({ measure: "gad-7", total: 14, band: "Moderate", status: "complete" });
  expect(json.measure_results[0].items).toHaveLength(7);

  await page.getByRole("button", { name: "Print view" }).click();
  const record = page.locator(".print-record");
  await expect(record.getByRole("heading", { name: "Questionnaire results" })).toBeVisible();
  await expect(record.getByRole("img", { name: "GAD-7 over time" })).toBeVisible();
  await expect(record.getByRole("table").first()).toContainText("14");
  // Every answer is on paper too.
  await expect(record.getByRole("table", { name: "GAD-7 answers" })).toContainText("More than half the days (2)");
  await page.getByRole("link", { name: "Back", exact: true }).click();

  const backup = await downloadOf(page, () => page.getByRole("button", { name: "Download encrypted backup" }).click());
  expect(backup.bytes.includes(Buffer.from("gad-7")), "no plaintext in the backup").toBe(false);
  const fresh = await browser.newContext({ baseURL });
  const other = await fresh.newPage();
  await other.goto("/");
  await appReady(other);
  await other.getByLabel("Backup file").setInputFiles({ name: backup.name, mimeType: "application/octet-stream", buffer: backup.bytes });
  await other.getByLabel("Backup passphrase").fill(PASSPHRASE);
  await other.getByRole("button", { name: "Restore from backup" }).click();
  await expect(other.getByRole("button", { name: "Lock", exact: true })).toBeVisible({ timeout: 30_000 });
  await other.getByRole("link", { name: NAME }).click();
  await other.getByRole("link", { name: "Measures", exact: true }).click();
  await expect(other.getByText("Latest: GAD-7 score: 14, moderate")).toBeVisible();
  await expect(other.getByRole("img", { name: "GAD-7 over time" })).toBeVisible();
  await fresh.close();
});

test("a progress note includes the day's result, and is signed, printed and exported with it", async ({ page }) => {
  await createVault(page);
  await setClinician(page);
  await createClient(page, "Jordan Included");
  await handOver(page, "GAD-7");
  await answerAll(page, "Several days");
  await expect(page.getByText("Latest: GAD-7 score: 7, mild")).toBeVisible();

  await page.getByRole("link", { name: "Progress notes", exact: true }).click();
  await page.getByRole("button", { name: "New progress note" }).click();
  await fillSession(page);
  const day = `GAD-7 score: 7, mild (${today()})`;
  const offered = page.getByRole("region", { name: "Questionnaire results" });
  await offered.getByRole("checkbox", { name: day }).check();
  // Moved to another day, the note says the result is not of that day, and
  // signing refuses it until the date is right.
  const yesterday = new Date(Date.now() - 24 * 3600 * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  await page.getByLabel("Date of service").fill(`${yesterday.getFullYear()}-${pad(yesterday.getMonth() + 1)}-${pad(yesterday.getDate())}`);
  await expect(offered).toContainText("Given on another day than this note");
  await page.getByRole("button", { name: "Sign and lock" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "was not given on the date of service" })).toBeVisible();
  await page.getByLabel("Date of service").fill(today());
  await expect(offered).not.toContainText("Given on another day than this note");
  // Kept with the draft: a reload finds it ticked.
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await page.reload();
  await unlock(page);
  await expect(page.getByRole("region", { name: "Questionnaire results" }).getByRole("checkbox", { name: day })).toBeChecked();
  await signNote(page);
  await expect(page.getByRole("region", { name: "Questionnaire results" })).toContainText(day);

  await page.getByRole("link", { name: "Backup", exact: true }).click();
  await page.getByRole("button", { name: "Print view" }).click();
  await expect(page.locator(".print-note").first()).toContainText(`Questionnaire results${day}`);
  await page.getByRole("link", { name: "Back", exact: true }).click();
  const exported = await downloadOf(page, () => page.getByRole("button", { name: "Export progress notes" }).click());
  const json = JSON.parse(exported.bytes.toString("utf8"));
  const [note] = json.progress_notes;
  expect(note.signature.content_format).toBe("psynotes/progress-note/v3");
  expect(note.measure_results_included).toEqual([
    expect.objectContaining({ measure: "gad-7", total: 7, band: "Mild", score_line: "GAD-7 score: 7", administered_on: today() }),
  ]);
  expect(note.measure_results_included[0].result_id).toBe(json.measure_results[0].id);
  // The recipient's verifier agrees the note is as signed.
  vm.runInThisContext(readFileSync(new URL("../../public/verify.js", import.meta.url), "utf8"));
  const report = await globalThis.PsynotesVerify.verifyExport(json);
  expect(report.notes.map((n) => n.status)).toEqual(["verified"]);
});
