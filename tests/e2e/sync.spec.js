// Two devices, one vault, through a real CouchDB-protocol server: PouchDB
// Server, started here in memory on 127.0.0.1 and stopped afterwards, reached
// through the app's own origin (scripts/serve.mjs passes /couchdb/ to it).
// Each device is its own browser context, with its own IndexedDB.
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import { test, expect, createVault, appReady, PASSPHRASE } from "./fixtures.js";
import { SOAP, today, saveStatus, setClinician, createClient, fillSession, signNote } from "./clinical-helpers.js";
import { COUCH_PORT } from "./playwright.config.js";

const COUCH = `http://127.0.0.1:${COUCH_PORT}`;
const USER = "clinic";
const PASSWORD = "sync password 1";
const CANARY_CLIENT = "Canary Client Quillfeather";
const CANARY_NOTE = "Canary words: the lighthouse keeper's marmalade.";

let couch = null;

const ROOT = new URL("../..", import.meta.url).pathname;

async function startCouch() {
  // PouchDB Server keeps its config.json and its log beside it: a scratch
  // directory, not the repository. The sync user is in the config from the
  // start (as a clinic's CouchDB administrator would set it up), so the app
  // can never reach the server before its user exists.
  const scratch = mkdtempSync(joinPath(tmpdir(), "psynotes-pouchdb-"));
  writeFileSync(joinPath(scratch, "config.json"), JSON.stringify({ admins: { [USER]: PASSWORD } }));
  const log = openSync(joinPath(scratch, "server.log"), "a");
  couch = spawn(process.execPath, [
    joinPath(ROOT, "node_modules/pouchdb-server/bin/pouchdb-server"),
    "--in-memory", "--host", "127.0.0.1", "--port", String(COUCH_PORT),
  ], { cwd: scratch, stdio: ["ignore", log, log] });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${COUCH}/`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("PouchDB Server did not start");
}

const AUTH = { authorization: "Basic " + Buffer.from(`${USER}:${PASSWORD}`).toString("base64") };

/** The clinic's administrator makes a database for the vault. */
async function createDatabase(db) {
  const res = await fetch(`${COUCH}/${db}`, { method: "PUT", headers: AUTH });
  expect(res.ok, `creating ${db}: ${res.status}`).toBeTruthy();
}

async function stopCouch() {
  if (!couch) return;
  const exited = new Promise((r) => couch.once("exit", r));
  couch.kill("SIGTERM");
  await exited;
  couch = null;
}

test.beforeAll(startCouch);
test.afterAll(stopCouch);

/** The header's sync status. */
function syncStatus(page) {
  return page.getByRole("banner").getByRole("status");
}

async function startSyncing(page, db, password = PASSWORD) {
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await page.getByLabel("Sync server").fill(`/couchdb/${db}`);
  await page.getByLabel("Sync user").fill(USER);
  await page.getByLabel("Sync password").fill(password);
  await page.getByRole("button", { name: "Start syncing" }).click();
}

async function join(page, db) {
  await page.goto("/");
  await appReady(page);
  await page.getByRole("button", { name: "Join a synced vault" }).click();
  await page.getByLabel("Sync server").fill(`/couchdb/${db}`);
  await page.getByLabel("Sync user").fill(USER);
  await page.getByLabel("Sync password").fill(PASSWORD);
  await page.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
  await page.getByRole("button", { name: "Join", exact: true }).click();
  await expect(page.getByRole("button", { name: "Lock", exact: true })).toBeVisible({ timeout: 30_000 });
}

async function allDocsText(db) {
  const res = await fetch(`${COUCH}/${db}/_all_docs?include_docs=true&conflicts=true`, { headers: AUTH });
  return await res.text();
}

/** Opens the client's only note from the timeline, in the app (a reload would lock it). */
async function openNote(page, client) {
  await openClient(page, client);
  await page.getByRole("link", { name: new RegExp(today()) }).first().click();
  await expect(page).toHaveURL(/\/notes\/[0-9a-f]{32}$/);
}

async function openClient(page, name) {
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

// Devices offline, or the server away, make the browser log the failed
// requests itself: expected here, and only these.
const NETWORK_FAILURES = [/Failed to load resource: net::ERR_INTERNET_DISCONNECTED/, /Failed to load resource: the server responded with a status of 502/];

test("a second device joins, both edit offline, and they converge without losing the signed note", async ({ browser, guarded }) => {
  guarded.expected.push(...NETWORK_FAILURES);
  test.setTimeout(240_000);
  const db = `psynotes-${Date.now()}`;
  await createDatabase(db);
  const deviceA = await browser.newContext();
  const deviceB = await browser.newContext();
  const a = await deviceA.newPage();
  const b = await deviceB.newPage();

  // Device A: a vault with a client and a saved draft, then sync on.
  await createVault(a);
  await setClinician(a);
  await createClient(a, CANARY_CLIENT);
  await a.getByRole("button", { name: "New progress note" }).click();
  await fillSession(a, { ...SOAP, Subjective: CANARY_NOTE });
  await a.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(a, "Saved")).toBeVisible();
  await createClient(a, "Client To Delete");
  await expect(a.getByRole("contentinfo")).toContainText("Nothing leaves this device.");
  await startSyncing(a, db);
  await expect(syncStatus(a)).toHaveText(/^Synced/, { timeout: 30_000 });
  // The footer's promise changes with sync on.
  await expect(a.getByRole("contentinfo")).toContainText("Only sealed records leave this device");

  // Device B joins and receives everything.
  await join(b, db);
  await expect(syncStatus(b)).toHaveText(/^Synced/, { timeout: 60_000 });
  await openNote(b, CANARY_CLIENT);
  await expect(b.getByLabel("Subjective", { exact: true })).toHaveValue(CANARY_NOTE, { timeout: 30_000 });

  // Both go offline. A signs the draft; B, not knowing, edits it.
  await deviceA.setOffline(true);
  await deviceB.setOffline(true);
  await openNote(a, CANARY_CLIENT);
  await expect(a.getByLabel("Subjective", { exact: true })).toHaveValue(CANARY_NOTE, { timeout: 30_000 });
  await signNote(a);
  const bWords = "Edited on B while offline.";
  await b.getByLabel("Plan", { exact: true }).fill(bWords);
  await b.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(b, "Saved")).toBeVisible();
  await expect(syncStatus(a)).toHaveText(/^Offline: \d+ changes? waiting/, { timeout: 30_000 });
  await expect(syncStatus(b)).toHaveText(/^Offline: \d+ changes? waiting/, { timeout: 30_000 });

  // Back online: they converge.
  await deviceA.setOffline(false);
  await deviceB.setOffline(false);
  await expect(syncStatus(a)).toHaveText(/^Synced/, { timeout: 60_000 });
  await expect(syncStatus(b)).toHaveText(/^Synced/, { timeout: 60_000 });
  // B still has the note open: it is told the note was signed elsewhere.
  await expect(b.getByText("This note was signed on another device or tab.")).toBeVisible({ timeout: 30_000 });

  for (const page of [a, b]) {
    // The signed note is intact, signed, on both devices.
    await openClient(page, CANARY_CLIENT);
    await page.getByRole("link", { name: new RegExp(`${today()}.*Signed`) }).click();
    await expect(page.locator(".signature")).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole("textbox", { name: "Subjective", exact: true })).toHaveText(CANARY_NOTE);
    await expect(page.getByRole("textbox", { name: "Plan", exact: true })).toHaveText(SOAP.Plan);
    // B's words survive as a conflict copy, linked from the note.
    await expect(page.getByText("is kept beside it as a conflict copy")).toBeVisible({ timeout: 30_000 });
  }

  // Resolvable: A keeps the signed note; the copy goes on both devices.
  await a.getByRole("link", { name: "Clients", exact: true }).click();
  await a.getByRole("link", { name: "Conflicts" }).click();
  await a.getByRole("button", { name: /^Compare: Progress note/ }).click();
  const sides = a.getByRole("region", { name: /^Version \d of 2/ });
  await expect(sides).toHaveCount(2);
  await expect(sides.nth(1)).toContainText(bWords);
  await expect(sides.nth(1).getByRole("button", { name: "Keep this version" })).toHaveCount(0);
  await sides.nth(0).getByRole("button", { name: "Keep this version" }).click();
  await expect(a.getByText("Nothing to settle")).toBeVisible();
  await expect(syncStatus(a)).toHaveText(/^Synced/, { timeout: 30_000 });
  await b.getByRole("link", { name: "Clients", exact: true }).click();
  await expect(b.getByRole("link", { name: "Conflicts" })).toHaveCount(0, { timeout: 60_000 });

  // A deletion travels, and stays deleted.
  await openClient(a, "Client To Delete");
  await a.getByRole("link", { name: "Edit client" }).click();
  await a.getByRole("button", { name: "Delete client…" }).click();
  await a.getByLabel("Type DELETE to confirm").fill("DELETE");
  await a.getByRole("button", { name: "Delete client permanently" }).click();
  await expect(a.getByRole("heading", { level: 1, name: "Clients" })).toBeVisible();
  await expect(syncStatus(a)).toHaveText(/^Synced/, { timeout: 30_000 });
  await b.getByRole("link", { name: "Clients", exact: true }).click();
  await expect(b.getByRole("link", { name: "Client To Delete" })).toHaveCount(0, { timeout: 60_000 });

  // The server holds nothing readable.
  const everything = await allDocsText(db);
  expect(everything.length).toBeGreaterThan(1000);
  for (const canary of [CANARY_CLIENT, "Quillfeather", "lighthouse", "marmalade", bWords, today(), "Jane Doe"]) {
    expect(everything, `the server's documents contain "${canary}"`).not.toContain(canary);
  }

  await deviceA.close();
  await deviceB.close();
});

test("the server stopping in the middle and coming back empty loses nothing", async ({ browser, guarded }) => {
  guarded.expected.push(...NETWORK_FAILURES);
  // Two devices each send their whole vault again after the restart; on a
  // loaded two-core CI machine that took longer than two minutes once.
  test.setTimeout(360_000);
  const db = `psynotes-restart-${Date.now()}`;
  await createDatabase(db);
  const deviceA = await browser.newContext();
  const deviceB = await browser.newContext();
  const a = await deviceA.newPage();
  const b = await deviceB.newPage();
  await createVault(a);
  await createClient(a, "Before The Outage");
  await startSyncing(a, db);
  await expect(syncStatus(a)).toHaveText(/^Synced/, { timeout: 30_000 });
  await join(b, db);
  await expect(syncStatus(b)).toHaveText(/^Synced/, { timeout: 60_000 });

  // The server goes away while A writes.
  await stopCouch();
  await createClient(a, "During The Outage");
  await expect(syncStatus(a)).toHaveText(/^Sync stopped: .*Retrying shortly/, { timeout: 60_000 });
  await createClient(b, "Also During The Outage");

  // It comes back, empty (it kept everything in memory). A finds it first
  // and puts the vault's header back; B, offline meanwhile, comes back to a
  // server that has the header and none of what B had pulled from the old
  // one: B must still start over, or it skips A's records. Both devices
  // send everything again, and each ends with every record.
  await deviceB.setOffline(true);
  await startCouch();
  await createDatabase(db);
  await expect(syncStatus(a)).toHaveText(/^Synced/, { timeout: 90_000 });
  await deviceB.setOffline(false);
  for (const page of [a, b]) {
    await expect
      .poll(async () => {
        await page.getByRole("link", { name: "Clients", exact: true }).click();
        let found = 0;
        for (const name of ["Before The Outage", "During The Outage", "Also During The Outage"]) {
          found += await page.getByRole("link", { name, exact: true }).count();
        }
        return found;
      }, { timeout: 180_000, intervals: [2_000] })
      .toBe(3);
  }
  await deviceA.close();
  await deviceB.close();
});

test("a wrong sync password or an address on another site is refused with what to do", async ({ page, guarded }) => {
  guarded.expected.push(/Failed to load resource: the server responded with a status of 401/);
  const db = `psynotes-refused-${Date.now()}`;
  await createDatabase(db);
  await createVault(page);
  await startSyncing(page, db, "not the password");
  await expect(page.getByRole("alert")).toContainText("refused the sync user name or password");
  await page.getByLabel("Sync server").fill("https://example.org/couchdb/psynotes");
  await page.getByLabel("Sync password").fill(PASSWORD);
  await page.getByRole("button", { name: "Start syncing" }).click();
  await expect(page.getByRole("alert")).toContainText("must be on this app's own site");
  // Nothing started.
  await expect(syncStatus(page)).toHaveCount(0);
});
