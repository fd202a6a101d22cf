// The core journeys, one list, run in order in every engine by run.mjs. Each
// step builds on the one before (one vault, one client), the way a therapist's
// first day goes. Each asserts what the therapist would see, and what the app
// produced (the bytes of its files), never only that code ran.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Page, expect, waitFor } from "./page.js";

export const PASSPHRASE = "correct horse battery staple";
const CLIENT = "Robin Canary";
const PROGRESS = "PROGRESSCANARY";
const PSYCHO = "PSYCHOCANARY";
const SOAP = {
  Subjective: `Client reports ${PROGRESS} improving; sleep better.`,
  Objective: "Calm, good eye contact; speech normal in rate.",
  Assessment: "Anxiety lower than at intake.",
  Plan: "Continue paced breathing; review in two weeks.",
};

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A status live region saying exactly `text` (the save indicator). */
const status = (page, text) => page.role("status", undefined, { textIs: text });

async function unlock(page, passphrase = PASSPHRASE) {
  await page.label("Passphrase").fill(passphrase);
  await page.role("button", "Unlock").click();
  await page.role("button", "Lock").waitVisible(60_000);
}

async function mark(page, name) {
  return page.driver.executeScript((n) => performance.getEntriesByName(n).length, name);
}

export const journeys = [
  {
    name: "first run: create a vault, and keep the recovery key",
    async run({ page }) {
      await page.goto("/");
      await page.label("Passphrase").fill(PASSPHRASE);
      await page.label("Confirm passphrase").fill(PASSPHRASE);
      await page.role("button", "Create vault").click();
      const key = await page.label("Recovery key").text();
      expect(key.replace(/[^0-9A-Z]/g, "").length === 52, `the recovery key has 52 characters: ${key}`);
      await page.label("I have written down or printed my recovery key").check();
      await page.role("button", "Continue").click();
      await page.role("button", "Lock").waitVisible();
      await page.role("heading", "Clients", { level: 1 }).waitVisible();
    },
  },
  {
    name: "reload: a wrong passphrase is refused, the right one unlocks (Argon2id in the worker)",
    async run({ page }) {
      await page.reload();
      await page.role("button", "Unlock").waitVisible();
      await page.label("Passphrase").fill("not my passphrase at all");
      await page.role("button", "Unlock").click();
      await page.role("alert", undefined, { hasText: "does not open this vault" }).waitVisible(60_000);
      expect((await page.role("button", "Lock").count()) === 0, "a wrong passphrase must leave the vault locked");
      await unlock(page);
      await page.role("heading", "Clients", { level: 1 }).waitVisible();
      // The key came from the module worker, not from the page's fallback.
      expect((await mark(page, "psynotes-kdf-in-worker")) >= 1, "the KDF did not run in the worker");
    },
  },
  {
    name: "a client, and a SOAP note saved, reloaded, then signed and locked",
    async run({ page }) {
      await page.role("link", "Settings").click();
      await page.label("Clinician name").fill("Jane Doe");
      await page.label("Credentials").fill("LCSW");
      await page.role("button", "Save settings").click();
      await status(page, "Saved").waitVisible();

      await page.role("link", "Clients").click();
      await page.role("button", "New client").click();
      await page.label("Client name").fill(CLIENT);
      await page.role("button", "Save client").click();
      await page.role("heading", CLIENT, { level: 1 }).waitVisible();

      await page.role("button", "New progress note").click();
      await page.label("Date of service").fill(today());
      await page.label("Start time").fill("09:00");
      await page.label("End time").fill("09:50");
      await page.label("Service code").select("90834");
      await page.label("Place of service").select("11");
      for (const question of ["Suicidal ideation", "Homicidal ideation"]) {
        await page.label("Denied", { within: page.role("group", question) }).check();
      }
      for (const [label, text] of Object.entries(SOAP)) await page.label(label).fill(text);
      await page.role("button", "Save").click();
      await status(page, "Saved").waitVisible();

      // Saved means committed: a reload brings it back from the vault.
      await page.reload();
      await unlock(page);
      for (const [label, text] of Object.entries(SOAP)) await page.label(label).waitValue(text);
      await page.label("Service code").waitValue("90834");

      // "Sign and lock" shows what will be signed; "Sign" signs it.
      await page.role("button", "Sign and lock").click();
      const review = page.role("region", "Review before signing");
      await review.waitVisible();
      await page.role("button", "Sign", { within: review }).click();
      await page.text("Signed and locked.").waitVisible();
      await page.role("button", "Sign and lock").waitGone();
      await page.role("button", "Save").waitGone();
      await page.text("Signed by Jane Doe, LCSW", { partial: true }).waitVisible();
    },
  },
  {
    name: "a psychotherapy note, saved apart from the record",
    async run({ page }) {
      await page.role("link", CLIENT).click();
      await page.role("link", "Psychotherapy notes").click();
      await page.role("button", "New psychotherapy note").click();
      await page.label("Psychotherapy note").fill(`Private impression ${PSYCHO}.`);
      await page.role("button", "Save").click();
      await status(page, "Saved").waitVisible();
      const list = page.role("list", "Psychotherapy notes, newest first");
      await page.role("listitem", undefined, { within: list }).waitCount(1);
      // The list shows no note text until a note is opened.
      expect(!(await list.text()).includes(PSYCHO), "the psychotherapy list shows the note's text");
    },
  },
  {
    name: "export of progress notes: the progress note, and no psychotherapy text",
    async run({ page }) {
      await page.role("link", "Backup").click();
      await page.role("heading", "Backup and export").waitVisible();
      const file = await page.download(() => page.role("button", "Export progress notes").click());
      expect(/^psynotes-progress-notes-\d{4}-\d{2}-\d{2}\.json$/.test(file.name), `export file name: ${file.name}`);
      const text = file.bytes.toString("utf8");
      const json = JSON.parse(text);
      expect(json.format === "psynotes-progress-notes", `export format: ${json.format}`);
      expect(json.progress_notes.length === 1, `exported ${json.progress_notes.length} notes, not 1`);
      expect(text.includes(PROGRESS), "the export lacks the progress note's text");
      expect(!text.includes(PSYCHO), "the export carries psychotherapy text");
    },
  },
  {
    name: "an amendment request denied, and the client's statement carried with the note's export",
    async run({ page }) {
      const STATEMENT = "I was tired, not anxious — é.";
      await page.role("link", "Clients").click();
      await page.role("link", CLIENT).click();
      await page.role("link", "Requests").click();
      await page.role("heading", "Requests", { level: 1 }).waitVisible();
      await page.role("button", "New request").click();
      await page.label("Request type").select("amendment");
      await page.label("Date received").fill(today());
      await page.role("checkbox", undefined, { within: page.role("group", "Notes the amendment concerns") }).check();
      await page.label("Change requested").fill("Remove the word anxious.");
      await page.role("button", "Record request").click();
      const card = page.role("article", `Amendment request received ${today()}`);
      await card.waitVisible();
      await page.label("Explanation for the client", { within: card }).fill("The note records the session as it was.");
      await page.role("button", "Deny amendment", { within: card }).click();
      await page.label("Statement of disagreement", { within: card }).fill(STATEMENT);
      await page.role("button", "Record statement", { within: card }).click();
      await page.text(`Received ${today()}: ${STATEMENT}`, { partial: true }).waitVisible();

      await page.role("link", "Backup").click();
      await page.role("heading", "Backup and export").waitVisible();
      const file = await page.download(() => page.role("button", "Export progress notes").click());
      const json = JSON.parse(file.bytes.toString("utf8"));
      const [request] = json.progress_notes[0].amendment_requests || [];
      expect(request && request.decision === "denied", `the export's amendment: ${JSON.stringify(request)}`);
      expect(request.statement_of_disagreement.text === STATEMENT, "the statement is not in the export as written");
    },
  },
  {
    name: "an encrypted backup, restored in a fresh profile",
    async run({ page, engine, baseURL, tmp }) {
      const file = await page.download(() => page.role("button", "Download encrypted backup").click());
      expect(/^psynotes-backup-\d{4}-\d{2}-\d{2}\.psybak$/.test(file.name), `backup file name: ${file.name}`);
      for (const canary of [PROGRESS, PSYCHO, CLIENT]) {
        expect(!file.bytes.includes(Buffer.from(canary)), `the backup holds "${canary}" in plain text`);
      }
      await page.text("Last backup: today", { partial: true }).waitVisible();
      const path = join(tmp, `${engine.name}-${file.name}`);
      writeFileSync(path, file.bytes);

      // A new browser process with a new, empty profile.
      const driver = await engine.newSession();
      try {
        const fresh = new Page(driver, { baseURL, engine: engine.name });
        await fresh.goto("/");
        await fresh.role("button", "Create vault").waitVisible();
        await fresh.label("Backup file").setFile(path);
        await fresh.label("Backup passphrase").fill(PASSPHRASE);
        await fresh.role("button", "Restore from backup").click();
        await fresh.role("button", "Lock").waitVisible(120_000);
        await fresh.role("link", CLIENT).click();
        await fresh.role("link", undefined, { within: fresh.role("list", "Progress notes, newest first") }).click();
        await fresh.text(SOAP.Subjective, { partial: true }).waitVisible();
        await fresh.role("link", CLIENT).click();
        await fresh.role("link", "Psychotherapy notes").click();
        await fresh.role("button", undefined, { within: fresh.role("list", "Psychotherapy notes, newest first") }).click();
        await fresh.label("Psychotherapy note").waitValue(`Private impression ${PSYCHO}.`);
        await fresh.expectNoProblems();
      } finally {
        await engine.closeSession(driver);
      }
    },
  },
  {
    name: "locking leaves no note text in the page, and the passphrase opens it again",
    async run({ page }) {
      await page.role("link", "Clients").click();
      await page.role("link", CLIENT).click();
      await page.role("link", "Psychotherapy notes").click();
      await page.role("button", undefined, { within: page.role("list", "Psychotherapy notes, newest first") }).click();
      await page.label("Psychotherapy note").waitValue(`Private impression ${PSYCHO}.`);
      expect((await page.everything()).includes(CLIENT), "the client's name is shown before locking");
      await page.role("button", "Lock").click();
      await page.role("button", "Unlock").waitVisible();
      await page.role("button", "Lock").waitGone();
      const after = await page.everything();
      for (const canary of [CLIENT, PSYCHO, PROGRESS]) expect(!after.includes(canary), `"${canary}" is still in the locked page`);
      // Unlocked again, the note comes back from the vault, not from the page.
      await unlock(page);
      await page.role("button", undefined, { within: page.role("list", "Psychotherapy notes, newest first") }).click();
      await page.label("Psychotherapy note").waitValue(`Private impression ${PSYCHO}.`);
    },
  },
  {
    name: "what this browser lacks is said in plain words, never as an error",
    async run({ page }) {
      const has = await page.driver.executeScript(() => ({
        persist: typeof navigator.storage?.persist === "function",
        estimate: typeof navigator.storage?.estimate === "function",
        webkit: navigator.vendor.startsWith("Apple"),
        standalone: matchMedia("(display-mode: standalone)").matches,
      }));
      await page.role("link", "Settings").click();
      await page.role("heading", "Storage on this device").waitVisible();
      if (has.persist) {
        await page.text("Storage is", { partial: true, hasText: "persistent" }).waitVisible();
      } else {
        await page.text("cannot be asked to", { partial: true }).waitVisible();
        expect((await page.role("button", "Ask to keep storage").count()) === 0, "offers to ask for storage it cannot ask for");
      }
      if (has.estimate) await page.text("available to Psynotes", { partial: true }).waitVisible();
      else await page.text("does not report how much space", { partial: true }).waitVisible();
      await page.role("heading", "This browser").waitVisible();
      // All three engines run module workers, and the app's probe must say so.
      const differences = await page.role("region", "This browser").text();
      expect(!differences.includes("in the background"), `module workers were not detected: ${differences}`);

      // WebKit in a tab: the 7-day rule, once, with the way to the Home Screen.
      await page.role("link", "Clients").click();
      await page.role("heading", "Clients", { level: 1 }).waitVisible();
      const advice = page.role("region", "Add Psynotes to your Home Screen");
      if (has.webkit && !has.standalone) {
        await advice.waitVisible();
        await page.text("Add to Home Screen", { partial: true, within: advice }).waitVisible();
        await page.text("7 days", { partial: true, within: advice }).waitVisible();
        await page.role("button", "Got it").click();
        await advice.waitGone();
        // Then only the reminder that backups matter more, across reloads.
        const reminder = page.role("note", undefined, { hasText: "not on your Home Screen" });
        await reminder.waitVisible();
        await page.reload();
        await unlock(page);
        await reminder.waitVisible();
        await page.role("region", "Add Psynotes to your Home Screen").waitGone();
        await page.role("link", "Settings").click();
        await page.role("list", "Differences in this browser").waitText("7 days");
      } else {
        // Give the component a moment: it must stay absent, not just be late.
        await waitFor(async () => (await page.role("button", "New client").count()) === 1, "home did not show");
        expect((await advice.count()) === 0, "the WebKit advice shows outside WebKit");
        expect((await page.role("note", undefined, { hasText: "not on your Home Screen" }).count()) === 0, "the reminder shows outside WebKit");
      }
    },
  },
];
