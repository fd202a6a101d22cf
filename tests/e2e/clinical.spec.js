// Clinical documentation (issue: clinical documentation): clients, progress notes
// with autosave, signing and addenda, psychotherapy notes kept apart, text shown
// as text, and the tablet layout. Controls are found by role and accessible name.
import { test, expect, createVault, unlock } from "./fixtures.js";
import { SOAP, today, saveStatus, setClinician, createClient, fillSession, noHorizontalOverflow, signNote } from "./clinical-helpers.js";

test("a progress note: write, save, reload, sign and lock, then an addendum under the original", async ({ page }, testInfo) => {
  await createVault(page);
  await setClinician(page);

  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await expect(page.getByText("No clients yet. Add your first client.")).toBeVisible();
  await createClient(page, "Alex Rivera");
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.getByRole("link", { name: "Alex Rivera" }).click();

  await page.getByRole("button", { name: "New progress note" }).click();
  await expect(page).toHaveURL(/\/clients\/[0-9a-f]{32}\/notes\/[0-9a-f]{32}/);
  await fillSession(page);
  await expect(page.locator("output")).toHaveText("50 min");
  // Required-field checks wait until someone tries to sign.
  await expect(page.getByRole("alert")).toHaveCount(0);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();

  await page.reload();
  await unlock(page);
  for (const [label, text] of Object.entries(SOAP)) {
    await expect(page.getByLabel(label, { exact: true })).toHaveValue(text);
  }
  await expect(page.getByLabel("Date of service")).toHaveValue(today());
  await expect(page.getByLabel("Service code")).toHaveValue("90834");

  await signNote(page);
  for (const [label, text] of Object.entries(SOAP)) {
    const field = page.getByRole("textbox", { name: label, exact: true });
    await expect(field).toHaveText(text);
    await expect(field).not.toBeEditable();
  }
  await expect(page.getByRole("button", { name: "Save", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Sign and lock" })).toHaveCount(0);
  await expect(page.locator(".signature")).toContainText("Signed by Jane Doe, LCSW on");
  await expect(page.locator(".signature")).toContainText(/SHA-256 of the signed content: [0-9a-f]{12}…/);

  await page.getByRole("button", { name: "Add addendum" }).click();
  const correction = "Correction: the client's mother joined for the last ten minutes.";
  await page.getByLabel("Addendum", { exact: true }).fill(correction);
  await page.getByRole("button", { name: "Sign addendum" }).click();
  await expect(page.getByText("Addendum signed and saved.")).toBeVisible();
  const addendum = page.locator(".addendum");
  await expect(addendum).toHaveCount(1);
  await expect(addendum).toContainText(correction);
  await expect(addendum).toContainText("Signed by Jane Doe, LCSW");
  // The original is unchanged, and the addendum comes after it.
  const plan = page.getByRole("textbox", { name: "Plan", exact: true });
  await expect(plan).toHaveText(SOAP.Plan);
  const planBox = await plan.boundingBox();
  const addendumBox = await addendum.boundingBox();
  expect(addendumBox.y).toBeGreaterThan(planBox.y);
  await page.screenshot({ path: testInfo.outputPath("signed-note-with-addendum.png"), fullPage: true });

  // The addendum survives a reload too, and the timeline shows the note as signed.
  await page.reload();
  await unlock(page);
  await expect(page.locator(".addendum")).toContainText(correction);
  await page.locator(".breadcrumb").getByRole("link", { name: "Alex Rivera" }).click();
  const row = page.locator(".timeline__item");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(today());
  await expect(row).toContainText("SOAP · 90834 · 50 min");
  await expect(row).toContainText("Signed");
  await expect(row).toContainText("1 addendum");
  await expect(page.locator(".summary")).toContainText(today());
});

test("a psychotherapy note stays out of the progress timeline and the home search", async ({ page }, testInfo) => {
  const canary = "Zebracanary7 countertransference";
  await createVault(page);
  await createClient(page, "Sam Lee");
  await page.getByRole("button", { name: "New progress note" }).click();
  await page.getByLabel("Subjective", { exact: true }).fill("Ordinary session words about sleep.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  // Also beside the Save button at the foot of the form, where the page's
  // indicator may be scrolled away (for the eyes only: one live region).
  const echo = page.locator(".actions .save-status");
  await expect(echo).toHaveText("Saved");
  await expect(echo).toHaveAttribute("aria-hidden", "true");
  await page.locator(".breadcrumb").getByRole("link", { name: "Sam Lee" }).click();

  await page.getByRole("link", { name: "Psychotherapy notes" }).click();
  await expect(page.getByRole("note")).toHaveText(
    "Psychotherapy notes are kept apart from the clinical record. They are never exported, printed with the record, or shown in search.",
  );
  await expect(page.locator(".private")).toBeVisible();
  await page.getByRole("button", { name: "New psychotherapy note" }).click();
  await page.getByLabel("Psychotherapy note", { exact: true }).fill(`Noticed ${canary} today.`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  const list = page.getByRole("list", { name: "Psychotherapy notes, newest first" });
  await expect(list.getByRole("listitem")).toHaveCount(1);
  // The list shows no text: a note is read by opening it, which is audited.
  await expect(list).not.toContainText(canary);
  await page.screenshot({ path: testInfo.outputPath("psychotherapy-notes.png"), fullPage: true });
  await page.getByLabel("Search psychotherapy notes").fill("zebracanary7");
  await expect(list.locator("mark")).toHaveText("Zebracanary7");
  await page.getByLabel("Search psychotherapy notes").fill("nowhere");
  await expect(page.getByText("No psychotherapy notes match.")).toBeVisible();

  // The progress timeline lists the progress note only.
  await page.getByRole("link", { name: "Progress notes" }).click();
  await expect(page.locator(".timeline__item")).toHaveCount(1);
  await expect(page.locator("#main")).not.toContainText("Zebracanary7");

  // The home search finds progress-note text, never psychotherapy text.
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  const search = page.getByLabel("Search", { exact: true });
  await search.fill("ordinary sleep");
  const hits = page.getByRole("list", { name: "Matching progress notes" });
  await expect(hits.getByRole("listitem")).toHaveCount(1);
  await expect(hits.locator("mark")).toHaveText(["Ordinary", "sleep"]);
  await page.screenshot({ path: testInfo.outputPath("home-search.png"), fullPage: true });
  await search.fill("Zebracanary7");
  await expect(page.getByText("No matches.")).toBeVisible();
  await expect(page.locator("#main")).not.toContainText("Zebracanary7");
  await search.fill("countertransference");
  await expect(page.getByText("No matches.")).toBeVisible();

  // And it is still there after a reload, in its own tab.
  await page.reload();
  await unlock(page);
  await page.getByRole("link", { name: "Sam Lee" }).click();
  await page.getByRole("link", { name: "Psychotherapy notes" }).click();
  await page.getByRole("list", { name: "Psychotherapy notes, newest first" }).getByRole("button").first().click();
  await expect(page.getByLabel("Psychotherapy note", { exact: true })).toHaveValue(`Noticed ${canary} today.`);
});

test("autosave keeps text typed just before a reload", async ({ page }) => {
  await createVault(page);
  await createClient(page, "Robin Park");
  await page.getByRole("button", { name: "New progress note" }).click();
  const subjective = page.getByLabel("Subjective", { exact: true });
  await subjective.click();
  await page.keyboard.type("Typed, never saved by hand.");
  // Within 2.5 s of the last keystroke the draft is sealed and committed.
  await expect(saveStatus(page, "Saved")).toBeVisible({ timeout: 2_500 });
  const url = page.url();

  await page.reload();
  await unlock(page);
  expect(page.url()).toBe(url);
  await expect(page.getByText("Opened with the changes kept on this device since you last tapped Save")).toBeVisible();
  await expect(page.getByLabel("Subjective", { exact: true })).toHaveValue("Typed, never saved by hand.");

  // The never-committed note is findable from the client's timeline.
  await page.locator(".breadcrumb").getByRole("link", { name: "Robin Park" }).click();
  const row = page.locator(".timeline__item");
  await expect(row).toContainText("Unsaved draft");
  await row.getByRole("link").click();
  await expect(page.getByLabel("Subjective", { exact: true })).toHaveValue("Typed, never saved by hand.");
});

test("hostile text is shown as text everywhere and never runs", async ({ page }) => {
  const corpus = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "javascript:window.__xss=1",
    '" onmouseover="window.__xss=1',
  ];
  const all = corpus.join(" ");
  const sections = {
    Subjective: `S ${all}`,
    Objective: `O ${all}`,
    Assessment: `A ${all}`,
    Plan: `P ${all}`,
  };
  await createVault(page);
  await setClinician(page);
  await createClient(page, `N ${all}`, { pronouns: `Pr ${all}` });
  await expect(page.getByText(`Pr ${all}`, { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "New progress note" }).click();
  await fillSession(page, sections);
  await signNote(page);
  for (const text of Object.values(sections)) {
    await expect(page.getByText(text, { exact: true })).toBeVisible();
  }
  await page.getByRole("heading", { level: 1 }).hover();
  await page.getByText(sections.Plan, { exact: true }).hover();

  await page.locator(".breadcrumb").getByRole("link").click();
  await page.getByRole("link", { name: "Psychotherapy notes" }).click();
  await page.getByRole("button", { name: "New psychotherapy note" }).click();
  await page.getByLabel("Psychotherapy note", { exact: true }).fill(`Ps ${all}`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await expect(page.getByLabel("Psychotherapy note", { exact: true })).toHaveValue(`Ps ${all}`);
  // Searched in its tab, the note's text is shown, literally.
  await page.getByLabel("Search psychotherapy notes").fill("xss");
  await expect(page.getByRole("list", { name: "Psychotherapy notes, newest first" })).toContainText("<script>window.__xss=1</script>");

  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await expect(page.getByRole("link", { name: `N ${all}` })).toBeVisible();
  await page.getByLabel("Search", { exact: true }).fill("onerror");
  await expect(page.getByRole("list", { name: "Matching progress notes" }).locator("mark").first()).toHaveText("onerror");
  await page.getByRole("link", { name: `N ${all}` }).first().hover();

  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  await expect(page.locator("#app script, #app img, #app a[href^='javascript:']")).toHaveCount(0);
  await expect(page.locator("#app [onerror], #app [onmouseover]")).toHaveCount(0);
});

test("the client page and the note editor fit portrait and landscape tablets", async ({ page }, testInfo) => {
  await createVault(page);
  await page.getByRole("button", { name: "New client" }).click();
  await page.getByLabel("Client name").fill("Morgan Alexandria Featherstonehaugh-Whitaker");
  await page.getByLabel("Client code").fill("MF-0042");
  await page.getByLabel("Date of birth").fill("1988-04-12");
  await page.getByLabel("Pronouns").fill("they/them");
  await page.getByRole("button", { name: "Add diagnosis" }).click();
  await page.getByLabel("ICD-10-CM code 1").fill("f41.1");
  await page.getByLabel("Description 1").fill("Generalized anxiety disorder");
  await page.getByRole("button", { name: "Add goal" }).click();
  await page.getByLabel("Goal 1").fill("Sleep seven hours on most nights, measured by a sleep diary");
  await page.getByRole("button", { name: "Save client" }).click();
  await expect(page.getByText("F41.1 Generalized anxiety disorder")).toBeVisible();

  await page.getByRole("button", { name: "New progress note" }).click();
  await page.getByLabel("Subjective", { exact: true }).fill("Averyveryveryverylongwordwithoutanyspaces".repeat(6));
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  const editorUrl = page.url().split("?")[0];

  for (const [name, viewport] of [
    ["portrait-768x1024", { width: 768, height: 1024 }],
    ["landscape-1366x1024", { width: 1366, height: 1024 }],
  ]) {
    await page.setViewportSize(viewport);
    await expect(page.getByLabel("Subjective", { exact: true })).toBeVisible();
    await noHorizontalOverflow(page);
    for (const button of await page.getByRole("button").all()) {
      const box = await button.boundingBox();
      if (box) expect(box.height, "touch target height").toBeGreaterThanOrEqual(44);
    }
    await page.screenshot({ path: testInfo.outputPath(`note-editor-${name}.png`), fullPage: true });

    await page.locator(".breadcrumb").getByRole("link").click();
    await expect(page.getByRole("button", { name: "New progress note" })).toBeVisible();
    await noHorizontalOverflow(page);
    await page.screenshot({ path: testInfo.outputPath(`client-page-${name}.png`), fullPage: true });
    await page.locator(".timeline__item").getByRole("link").click();
    await expect(page).toHaveURL(editorUrl);
  }
});

test("client form: validation, archive, and delete only with confirmation and without notes", async ({ page }) => {
  await createVault(page);
  await page.getByRole("button", { name: "New client" }).click();
  await page.getByRole("button", { name: "Add diagnosis" }).click();
  await page.getByLabel("ICD-10-CM code 1").fill("41.1");
  await page.getByRole("button", { name: "Save client" }).click();
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Client name");
  await expect(alert).toContainText("41.1");
  await page.getByLabel("Client name").fill("Kim Archive");
  await page.getByRole("button", { name: "Remove diagnosis 1" }).click();
  await page.getByRole("button", { name: "Save client" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Kim Archive" })).toBeVisible();

  // A client with a note cannot be deleted.
  await page.getByRole("button", { name: "New progress note" }).click();
  await page.getByLabel("Plan", { exact: true }).fill("Follow up.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await page.locator(".breadcrumb").getByRole("link").click();
  await page.getByRole("link", { name: "Edit client" }).click();
  await page.getByRole("button", { name: "Delete client…" }).click();
  await page.getByLabel("Type DELETE to confirm").fill("DELETE");
  await page.getByRole("button", { name: "Delete client permanently" }).click();
  await expect(page.getByRole("alert")).toContainText("This client has 1 note, so the client cannot be deleted");
  await expect(page.getByRole("alert")).toContainText("Archive the client instead");
  await page.getByRole("button", { name: "Keep client" }).click();
  await page.getByRole("button", { name: "Archive client" }).click();
  await expect(page.getByRole("button", { name: "Unarchive client" })).toBeVisible();

  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await expect(page.getByText("1 note to sign")).toBeVisible();
  await expect(page.getByRole("link", { name: "Kim Archive" })).toHaveCount(0);
  await page.getByLabel("Show archived").check();
  await expect(page.getByRole("link", { name: "Kim Archive" })).toBeVisible();

  // A client without notes can be deleted, after typing DELETE.
  await createClient(page, "Pat Delete");
  await page.getByRole("link", { name: "Edit client" }).click();
  await page.getByRole("button", { name: "Delete client…" }).click();
  const confirm = page.getByRole("button", { name: "Delete client permanently" });
  await expect(confirm).toBeDisabled();
  await page.getByLabel("Type DELETE to confirm").fill("DELETE");
  await confirm.click();
  await expect(page.getByRole("heading", { level: 1, name: "Clients" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Pat Delete" })).toHaveCount(0);
});

test("signing asks for missing fields, the clinician profile and a late-entry reason; the next note copies the plan", async ({ page }) => {
  await createVault(page);
  await createClient(page, "Lee Late");
  await page.getByRole("button", { name: "New progress note" }).click();

  // Nothing is demanded while typing, everything missing is listed on signing.
  // A new note is dated today.
  await expect(page.getByLabel("Date of service")).toHaveValue(today());
  await page.getByLabel("Subjective", { exact: true }).fill("Only this so far.");
  await expect(page.getByRole("alert")).toHaveCount(0);
  await page.getByRole("button", { name: "Sign and lock" }).click();
  const missing = page.getByRole("alert").filter({ hasText: "This note is not ready to sign" });
  for (const field of ["Start time", "End time", "Service code", "Place of service", "Risk assessment", "Plan"]) {
    await expect(missing).toContainText(field);
  }
  await expect(missing).not.toContainText("Date of service");

  // Ten days after the session: a late entry.
  const d = new Date(Date.now() - 10 * 24 * 3600 * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  const tenDaysAgo = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  await fillSession(page);
  await page.getByLabel("Date of service").fill(tenDaysAgo);
  await expect(page.getByLabel("Late entry reason")).toBeVisible();

  // No clinician profile yet: say so, with the way to Settings.
  await page.getByRole("button", { name: "Sign and lock" }).click();
  const noProfile = page.getByRole("alert").filter({ hasText: "name and credentials" });
  await expect(noProfile).toBeVisible();
  await noProfile.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Clinician name").fill("Jane Doe");
  await page.getByLabel("Credentials").fill("LCSW");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await page.goBack();
  await expect(page.getByLabel("Plan", { exact: true })).toHaveValue(SOAP.Plan);

  await page.getByRole("button", { name: "Sign and lock" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "late entry" })).toBeVisible();
  await page.getByLabel("Late entry reason").fill("Clinician was ill; completed on return.");
  await signNote(page);
  await expect(page.locator(".page-head .badge--late")).toHaveText("Late entry");
  await expect(page.locator(".signature")).toContainText("Clinician was ill; completed on return.");

  // The next note starts from this one's plan.
  await page.locator(".breadcrumb").getByRole("link").click();
  await expect(page.locator(".timeline__item")).toContainText("Late entry");
  await page.getByRole("button", { name: "New progress note" }).click();
  await page.getByRole("button", { name: /^Copy from last note/ }).click();
  await expect(page.getByLabel("Plan", { exact: true })).toHaveValue(SOAP.Plan);
  await expect(page.getByLabel("Subjective", { exact: true })).toHaveValue("");
});
