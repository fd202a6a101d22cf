// A signed note that reads the same forever, and an editor a clinician can trust
// on a tablet (issue: a signed note that reads the same forever): the signed
// note keeps the wording of its goals and diagnoses, steady typing is saved,
// sessions must make sense before signing, search finds every text of a note,
// and the home screen says which notes wait to be signed.
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { test, expect, createVault, unlock } from "./fixtures.js";
import { today, saveStatus, setClinician, createClient, fillSession, signNote } from "./clinical-helpers.js";

const GOAL = "Reduce GAD-7 score below 10";
const EDITED_GOAL = "EDITED GOAL: reduce panic attacks to zero";

/** The recipient's verifier (public/verify.js), loaded as the node tests do. */
function verifier() {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const sandbox = { TextEncoder, TextDecoder, crypto: globalThis.crypto, atob, btoa };
  vm.runInNewContext(readFileSync(join(root, "public", "verify.js"), "utf8"), sandbox);
  return sandbox.PsynotesVerify;
}

async function downloadOf(page, action) {
  const [download] = await Promise.all([page.waitForEvent("download"), action()]);
  return readFileSync(await download.path()).toString("utf8");
}

/** Adds a diagnosis and a goal to the client whose page is open. */
async function addDiagnosisAndGoal(page, { code, description, goal }) {
  await page.getByRole("link", { name: "Edit client" }).click();
  await page.getByRole("button", { name: "Add diagnosis" }).click();
  await page.getByLabel("ICD-10-CM code 1").fill(code);
  await page.getByLabel("Description 1").fill(description);
  await page.getByRole("button", { name: "Add goal" }).click();
  await page.getByLabel("Goal 1", { exact: true }).fill(goal);
  await page.getByRole("button", { name: "Save client" }).click();
  await expect(page.getByRole("link", { name: "Edit client" })).toBeVisible();
}

test("a signed note reads, prints and exports the same after the client's goals and diagnoses are edited", async ({ page }) => {
  await createVault(page);
  await setClinician(page);
  await createClient(page, "Gale Goals");
  await addDiagnosisAndGoal(page, { code: "F41.1", description: "Generalized anxiety disorder", goal: GOAL });

  await page.getByRole("button", { name: "New progress note" }).click();
  await fillSession(page);
  await page.getByLabel("F41.1 Generalized anxiety disorder").check();
  await page.getByRole("checkbox", { name: GOAL }).check();
  // Each goal's select has a name of its own.
  await page.getByRole("combobox", { name: `Progress on: ${GOAL}` }).selectOption("Improved");
  await signNote(page);
  const signedView = async () => {
    const treatment = page.getByRole("region", { name: "Diagnoses and goals" });
    await expect(treatment).toContainText("F41.1 Generalized anxiety disorder");
    await expect(treatment).toContainText(GOAL);
    await expect(treatment).toContainText("Improved");
    await expect(treatment).not.toContainText("EDITED");
    await expect(treatment).not.toContainText("Panic disorder");
    await expect(treatment).not.toContainText("current wording");
  };
  await signedView();
  const noteUrl = page.url();

  // The client's record changes: the goal is reworded, the diagnosis replaced.
  await page.locator(".breadcrumb").getByRole("link").click();
  await page.getByRole("link", { name: "Edit client" }).click();
  await page.getByLabel("Goal 1", { exact: true }).fill(EDITED_GOAL);
  await page.getByLabel("ICD-10-CM code 1").fill("F41.0");
  await page.getByLabel("Description 1").fill("Panic disorder");
  await page.getByRole("button", { name: "Save client" }).click();
  await expect(page.getByText(EDITED_GOAL)).toBeVisible();

  // The signed note reads as it was signed, and still matches its signature.
  await page.goto(noteUrl);
  await unlock(page);
  await signedView();
  await expect(page.getByText("This note no longer matches its signature")).toHaveCount(0);

  // Printed and exported the same way; the export verifies.
  await page.getByRole("link", { name: "Backup", exact: true }).click();
  await page.getByRole("button", { name: "Print view" }).click();
  const record = page.locator(".print-record");
  await expect(record).toContainText(`${GOAL}: Improved`);
  await expect(record).toContainText("F41.1 Generalized anxiety disorder");
  await expect(record).not.toContainText("EDITED");
  await page.getByRole("link", { name: "Back", exact: true }).click();
  const text = await downloadOf(page, () => page.getByRole("button", { name: "Export progress notes" }).click());
  const json = JSON.parse(text);
  const note = json.progress_notes[0];
  expect(note.signature.content_format).toBe("psynotes/progress-note/v2");
  expect(note.referenced_wording.signed).toBe(true);
  expect(note.referenced_wording.goals[0].goal_text).toBe(GOAL);
  expect(note.referenced_wording.diagnoses[0]).toEqual({ code: "F41.1", description: "Generalized anxiety disorder" });
  // The client's own entry has today's wording; the note does not.
  expect(json.clients[0].goals[0].text).toBe(EDITED_GOAL);
  const report = await verifier().verifyExport(json);
  expect(report.notes.map((n) => n.status)).toEqual(["verified"]);
});

test("typing steadily for 20 seconds is saved: a reload loses at most the last 2 seconds", async ({ page }) => {
  test.setTimeout(120_000);
  await createVault(page);
  await createClient(page, "Tay Typing");
  await page.getByRole("button", { name: "New progress note" }).click();
  const field = page.getByLabel("Subjective", { exact: true });
  await field.click();
  // About 290 characters at 70 ms a key: 20 seconds of typing with no pause.
  const sentence = "Client describes steady progress with sleep and appetite; reports fewer worries at work. ";
  const typed = sentence.repeat(4).slice(0, 290);
  await page.keyboard.type(typed, { delay: 70 });
  // Leaving now, with changes not yet written, asks first: accept and reload.
  page.on("dialog", (dialog) => dialog.accept());
  await page.reload();
  await unlock(page);
  const kept = await page.getByLabel("Subjective", { exact: true }).inputValue();
  expect(typed.startsWith(kept), "what was kept is what was typed").toBe(true);
  test.info().annotations.push({ type: "lost characters", description: String(typed.length - kept.length) });
  // 2 seconds at 70 ms a key is 28 characters.
  expect(typed.length - kept.length, `characters lost of ${typed.length}`).toBeLessThanOrEqual(28);
});

test("sessions that make sense: today's date by default, no future date, midnight asked, CMS places of service", async ({ page }) => {
  await createVault(page);
  await setClinician(page);
  await createClient(page, "Nia Night");
  await page.getByRole("button", { name: "New progress note" }).click();
  await expect(page.getByLabel("Date of service")).toHaveValue(today());

  const places = await page.getByLabel("Place of service").locator("option").allTextContents();
  for (const place of ["02 ", "03 School", "10 ", "11 Office", "12 Home", "53 Community mental health center", "57 ", "99 Other place of service"]) {
    expect(places.some((p) => p.startsWith(place)), `${place} offered`).toBe(true);
  }

  await fillSession(page);
  // Seven months ahead: refused, with the field marked and pointing at why.
  const future = new Date(Date.now() + 210 * 24 * 3600 * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  const futureDay = `${future.getFullYear()}-${pad(future.getMonth() + 1)}-${pad(future.getDate())}`;
  const date = page.getByLabel("Date of service");
  await date.fill(futureDay);
  await page.getByRole("button", { name: "Sign and lock" }).click();
  const issues = page.getByRole("alert").filter({ hasText: "This note is not ready to sign" });
  await expect(issues).toContainText("in the future");
  await expect(date).toHaveAttribute("aria-invalid", "true");
  const describedBy = await date.getAttribute("aria-describedby");
  await expect(page.locator(`[id="${describedBy}"]`)).toContainText("in the future");
  await expect(page.getByRole("region", { name: "Review before signing" })).toHaveCount(0);
  // Fixing the field clears its error at once.
  await date.fill(today());
  await expect(date).not.toHaveAttribute("aria-invalid", "true");
  await expect(issues).toHaveCount(0);

  // An end before the start: asked, never assumed.
  const midnight = page.getByLabel("The session crossed midnight");
  await expect(midnight).toHaveCount(0);
  await page.getByLabel("Start time").fill("16:00");
  await page.getByLabel("End time").fill("15:00");
  await expect(midnight).toBeVisible();
  await expect(midnight).not.toBeChecked();
  await expect(page.locator("output")).toHaveText("—");
  await page.getByRole("button", { name: "Sign and lock" }).click();
  await expect(issues).toContainText("The session crossed midnight");
  await expect(page.getByLabel("End time")).toHaveAttribute("aria-invalid", "true");
  // The issue's label takes the clinician to the field.
  await issues.getByRole("link", { name: "End time" }).click();
  await expect(page.getByLabel("End time")).toBeFocused();

  await page.getByLabel("Start time").fill("23:30");
  await page.getByLabel("End time").fill("00:20");
  await midnight.check();
  await expect(page.locator("output")).toHaveText("50 min");
  await signNote(page);
  await expect(page.getByRole("region", { name: "Session" })).toContainText("50 min");
});

test("search finds every text of a progress note, and never a psychotherapy note", async ({ page }) => {
  await createVault(page);
  await setClinician(page);
  await createClient(page, "Sol Search");
  await page.getByRole("button", { name: "New progress note" }).click();
  await fillSession(page);
  const suicidal = page.getByRole("group", { name: "Suicidal ideation", exact: true });
  await suicidal.getByLabel("Present").check();
  await page.getByLabel("Suicidal ideation details").fill("Passive thoughts after the LAYOFFWORD, no plan.");
  await page.getByLabel("Safety plan").fill("Call the WARMLINEWORD; sister keeps the car keys.");
  // Ten days late: the reason is part of the record too.
  const d = new Date(Date.now() - 10 * 24 * 3600 * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  await page.getByLabel("Date of service").fill(`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`);
  await page.getByLabel("Late entry reason").fill("Clinic closed by an OUTAGEWORD.");
  await signNote(page);
  await page.getByRole("button", { name: "Add addendum" }).click();
  await page.getByLabel("Addendum", { exact: true }).fill("Follow-up call: ADDENDUMWORD.");
  await page.getByRole("button", { name: "Sign addendum" }).click();
  await expect(page.getByText("Addendum signed and saved.")).toBeVisible();

  await page.locator(".breadcrumb").getByRole("link").click();
  await page.getByRole("link", { name: "Psychotherapy notes" }).click();
  await page.getByRole("button", { name: "New psychotherapy note" }).click();
  await page.getByLabel("Psychotherapy note", { exact: true }).fill("Private hunch PRIVATEWORD and LAYOFFWORD.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();

  await page.getByRole("link", { name: "Clients", exact: true }).click();
  const search = page.getByLabel("Search", { exact: true });
  const results = page.getByRole("list", { name: "Matching progress notes" });
  for (const [word, label] of [
    ["layoffword", "Suicidal ideation"],
    ["warmlineword", "Safety plan"],
    ["outageword", "Late entry reason"],
    ["addendumword", "Addendum"],
  ]) {
    await search.fill(word);
    await expect(results.getByRole("link")).toHaveCount(1);
    await expect(results).toContainText(`${label}:`);
  }
  await search.fill("privateword");
  await expect(page.getByRole("status").filter({ hasText: "No matches." })).toBeVisible();
  await expect(page.locator("body")).not.toContainText("Private hunch");
});

test("notes to sign: the home screen links to them by client, and an archived client's are counted apart", async ({ page }) => {
  await createVault(page);
  for (const name of ["Ari Active", "Abe Archived"]) {
    await createClient(page, name);
    await page.getByRole("button", { name: "New progress note" }).click();
    await page.getByLabel("Subjective", { exact: true }).fill(`Draft for ${name}.`);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(saveStatus(page, "Saved")).toBeVisible();
  }
  await page.locator(".breadcrumb").getByRole("link").click();
  await page.getByRole("button", { name: "New progress note" }).click();
  await page.getByLabel("Subjective", { exact: true }).fill("A second draft.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await page.locator(".breadcrumb").getByRole("link").click();
  await page.getByRole("link", { name: "Edit client" }).click();
  await page.getByRole("button", { name: "Archive client" }).click();
  await expect(page.getByRole("button", { name: "Unarchive client" })).toBeVisible();

  await page.getByRole("link", { name: "Clients", exact: true }).click();
  const toSign = page.getByRole("link", { name: "1 note to sign", exact: true });
  await expect(toSign).toBeVisible();
  await expect(page.locator(".to-sign")).toContainText("(and 2 for archived clients)");
  await toSign.click();
  await expect(page.getByRole("heading", { level: 1, name: "Notes to sign" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "1 note to sign for 1 client." })).toBeVisible();
  const active = page.getByRole("region", { name: "Ari Active" });
  await expect(active.getByRole("link", { name: new RegExp(today()) })).toHaveCount(1);
  const archived = page.getByRole("region", { name: "Archived clients" });
  await expect(archived).toContainText("2 notes of archived clients, not counted above.");
  await expect(archived.getByRole("region", { name: "Abe Archived" }).getByRole("listitem")).toHaveCount(2);
  await active.getByRole("link", { name: new RegExp(today()) }).click();
  await expect(page.getByLabel("Subjective", { exact: true })).toHaveValue("Draft for Ari Active.");
});
