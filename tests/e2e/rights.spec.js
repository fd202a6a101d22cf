// The client's rights (45 CFR 164.524, 164.526, 164.528): requests with their
// due dates and the one extension, the home screen's list overdue first, an
// access request fulfilled with a copy and its disclosure, and amendments
// accepted (a signed addendum) or denied (the denial and the client's
// statement travel with the note in every later export and print).
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { test, expect, createVault } from "./fixtures.js";
import { today, setClinician, createClient, fillSession, SOAP, signNote } from "./clinical-helpers.js";

const PSYCHO = "PSYCHOCANARY";

/** `days` after `date` (YYYY-MM-DD), as YYYY-MM-DD. */
function addDays(date, days) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function downloadOf(page, action) {
  const [download] = await Promise.all([page.waitForEvent("download"), action()]);
  return readFileSync(await download.path()).toString("utf8");
}

/** Records a request from the client's Requests tab; returns its card. */
async function newAccessRequest(page, received, { thirdParty } = {}) {
  await page.getByRole("button", { name: "New request" }).click();
  await page.getByLabel("Request type").selectOption("Access");
  await page.getByLabel("Date received").fill(received);
  if (thirdParty) {
    await page.getByLabel("Send the copy to").selectOption({ label: "A third party the client named in writing" });
    await page.getByLabel("Recipient's name").fill(thirdParty.name);
    await page.getByLabel("Recipient's address").fill(thirdParty.address);
  }
  await page.getByRole("button", { name: "Record request" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Access request recorded." })).toBeVisible();
  return page.getByRole("article", { name: `Access request received ${received}` });
}

async function newAmendment(page, received, change) {
  await page.getByRole("button", { name: "New request" }).click();
  await page.getByLabel("Request type").selectOption("Amendment");
  await page.getByLabel("Date received").fill(received);
  await expect(page.getByText("Due " + addDays(received, 60) + ": 60 days after it was received.", { exact: false })).toBeVisible();
  await page.getByRole("group", { name: "Notes the amendment concerns" }).getByRole("checkbox").first().check();
  await page.getByLabel("Change requested").fill(change);
  await page.getByRole("button", { name: "Record request" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Amendment request recorded." })).toBeVisible();
  return page.getByRole("article", { name: `Amendment request received ${received}` });
}

/** A client with one signed note and a psychotherapy note; ends on the Requests tab. */
async function seed(page, name) {
  await createVault(page);
  await setClinician(page);
  await createClient(page, name);
  await page.getByRole("button", { name: "New progress note" }).click();
  await fillSession(page, SOAP);
  await signNote(page);
  await page.locator(".breadcrumb").getByRole("link").click();
  await page.getByRole("link", { name: "Psychotherapy notes" }).click();
  await page.getByRole("button", { name: "New psychotherapy note" }).click();
  await page.getByLabel("Psychotherapy note", { exact: true }).fill(`Private impression ${PSYCHO}.`);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("link", { name: "Requests", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
}

test("access requests: due dates with the one extension, overdue first at home, fulfilled with a copy and a disclosure", async ({ page }, testInfo) => {
  await seed(page, "Robin Ledger");
  const day = today();
  await expect(page.getByText("164.524(a)(1)(i)")).toBeVisible();

  // Received 20 days ago, for a third party; extended once with notice.
  const recipient = { name: "Dr Avery Lake", address: "12 Quay Road, Harbour Town" };
  const extended = await newAccessRequest(page, addDays(day, -20), { thirdParty: recipient });
  await expect(extended.getByText(`${addDays(day, 10)} (in 10 days)`)).toBeVisible();
  await extended.getByText("Extend once by 30 days").click();
  await extended.getByLabel("Date notice sent").fill(addDays(day, -1));
  await extended.getByLabel("Reason for the delay").fill("Records are held off site.");
  await extended.getByRole("button", { name: "Extend due date" }).click();
  await expect(extended.getByText(`${addDays(day, 40)} (in 40 days)`)).toBeVisible();
  await expect(extended).toContainText(`Records are held off site. (first due ${addDays(day, 10)})`);
  // The card was drawn again; its heading has the focus, and the step's message shows.
  await expect(extended.getByRole("heading", { level: 2 })).toBeFocused();
  await expect(extended.getByRole("status")).toHaveText("The due date is extended.");
  // One extension only: the step is gone.
  await expect(extended.getByText("Extend once by 30 days")).toHaveCount(0);

  // Received 40 days ago: 10 days overdue. The form starts empty again: the
  // last request's recipient is not carried over.
  await page.getByRole("button", { name: "New request" }).click();
  await expect(page.getByLabel("Send the copy to")).toHaveValue("client");
  await page.getByRole("button", { name: "Cancel" }).click();
  const late = await newAccessRequest(page, addDays(day, -40));
  await expect(late.getByText(`${addDays(day, -10)} (overdue by 10 days)`)).toBeVisible();
  await expect(late).toContainText("Copy toThe client");
  await page.screenshot({ path: testInfo.outputPath("requests.png"), fullPage: true });

  // The home screen lists both, the overdue one first.
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  const open = page.getByRole("region", { name: "Open requests" });
  const rows = open.getByRole("listitem");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("Overdue");
  await expect(rows.nth(0)).toContainText(`was due ${addDays(day, -10)} (overdue by 10 days)`);
  await expect(rows.nth(1)).toContainText(`due ${addDays(day, 40)} (in 40 days)`);
  await rows.nth(1).getByRole("link", { name: "Robin Ledger" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();

  // A date before the request arrived, or in the future, is refused before any copy is made.
  let downloads = 0;
  page.on("download", () => downloads++);
  await extended.getByLabel("Date provided").fill(addDays(day, -25));
  await extended.getByRole("button", { name: "Fulfil request" }).click();
  await expect(extended.getByRole("alert")).toContainText("before the request was received");
  await extended.getByLabel("Date provided").fill(addDays(day, 3));
  await extended.getByRole("button", { name: "Fulfil request" }).click();
  await expect(extended.getByRole("alert")).toContainText("That date is in the future.");
  expect(downloads).toBe(0);
  await extended.getByLabel("Date provided").fill(day);

  // Fulfilled as JSON: the copy holds the signed note, never the psychotherapy note.
  await extended.getByLabel("Copy format").selectOption("JSON");
  const text = await downloadOf(page, () => extended.getByRole("button", { name: "Fulfil request" }).click());
  const json = JSON.parse(text);
  expect(json.progress_notes).toHaveLength(1);
  expect(json.progress_notes[0].status).toBe("signed");
  expect(text).not.toContain(PSYCHO);
  await expect(extended.getByRole("status")).toContainText("The request is fulfilled and the disclosure recorded.");
  await expect(extended).toContainText("Fulfilled");
  await expect(extended.getByRole("button", { name: "Fulfil request" })).toHaveCount(0);

  // The disclosure log names what, to whom and when.
  const log = page.getByRole("table", { name: "Accounting of disclosures (45 CFR 164.528)" });
  const entry = log.getByRole("row").nth(1);
  await expect(entry).toContainText(day);
  await expect(entry).toContainText("Dr Avery Lake, 12 Quay Road, Harbour Town");
  await expect(entry).toContainText("JSON, one client, 1 note, all dates");
  await expect(entry).toContainText("Right of access (45 CFR 164.524)");

  // At home, only the overdue request is still open.
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await expect(page.getByRole("region", { name: "Open requests" }).getByRole("listitem")).toHaveCount(1);

  // Audited without naming anyone.
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  const audit = page.getByRole("list", { name: "Audit log entries" });
  await expect(audit).toContainText("Access request: fulfilled");
  await expect(audit).toContainText("Disclosed a copy of a record");
  await expect(audit).not.toContainText("Avery");
});

test("amendments: accepted as a signed addendum; denied with the client's statement, which every later export and print carries", async ({ page }) => {
  await seed(page, "Sam Amend");
  const day = today();

  // Accepted: a signed addendum naming the request, on the note.
  const accepted = await newAmendment(page, addDays(day, -3), "My employer is a school, not a hospital.");
  await accepted.getByLabel("Amendment text").fill("Employer corrected: a school.");
  await accepted.getByRole("button", { name: "Accept amendment" }).click();
  await expect(accepted.getByRole("status")).toContainText("a signed addendum was added to 1 note");
  await expect(accepted).toContainText("Accepted");

  // Denied, with the basis and a plain explanation; then the client's statement.
  const denied = await newAmendment(page, addDays(day, -2), "Remove the anxiety assessment.");
  await denied.getByLabel("Basis for denial").selectOption({ label: "The information is accurate and complete" });
  await denied.getByLabel("Explanation for the client").fill("The assessment records what you described in session.");
  await denied.getByRole("button", { name: "Deny amendment" }).click();
  await expect(denied).toContainText("The information is accurate and complete (45 CFR 164.526(a)(2)(iv))");
  await denied.getByLabel("Statement of disagreement").fill("I was not anxious; I was tired.");
  await denied.getByRole("button", { name: "Record statement" }).click();
  await expect(denied).toContainText("I was not anxious; I was tired.");
  await denied.getByLabel("Rebuttal", { exact: true }).fill("The session notes support the assessment.");
  await denied.getByRole("button", { name: "Record rebuttal" }).click();
  await expect(denied).toContainText("The session notes support the assessment.");

  // The signed note shows the addendum that answered the first request, and
  // the denial with the client's statement beside it.
  await page.getByRole("link", { name: "Progress notes", exact: true }).click();
  await page.locator(".timeline__item").getByRole("link").first().click();
  await expect(page.getByText("Amendment at the client's request (45 CFR 164.526)")).toBeVisible();
  await expect(page.getByText("Employer corrected: a school.")).toBeVisible();
  const onNote = page.getByRole("region", { name: "Amendment requests" });
  await expect(onNote).toContainText(`Amendment request received ${addDays(day, -2)}: denied`);
  await expect(onNote).toContainText("I was not anxious; I was tired.");
  await expect(onNote).toContainText("The session notes support the assessment.");

  // A later export carries the denial and the statement with the note, and
  // the note's digest and addendum chain still verify.
  await page.getByRole("link", { name: "Backup", exact: true }).click();
  const text = await downloadOf(page, () => page.getByRole("button", { name: "Export progress notes" }).click());
  const json = JSON.parse(text);
  const amendments = json.progress_notes[0].amendment_requests;
  expect(amendments.map((a) => a.decision)).toEqual(["accepted", "denied"]);
  expect(amendments[0].addendum_sha256).toBe(json.progress_notes[0].addenda[0].content_sha256);
  expect(amendments[1].denial.citation).toBe("45 CFR 164.526(a)(2)(iv)");
  expect(amendments[1].statement_of_disagreement.text).toBe("I was not anxious; I was tired.");
  expect(amendments[1].rebuttal.text).toBe("The session notes support the assessment.");
  expect(text).not.toContain(PSYCHO);
  vm.runInThisContext(readFileSync(new URL("../../public/verify.js", import.meta.url), "utf8"));
  const verdict = await globalThis.PsynotesVerify.verifyExport(json);
  expect(verdict.notes.map((n) => n.status)).toEqual(["verified"]);

  // So does the print view.
  await page.getByRole("button", { name: "Print view" }).click();
  const record = page.locator(".print-record");
  await expect(record).toContainText("Amendment request received " + addDays(day, -2) + ": denied");
  await expect(record).toContainText("Statement of disagreement");
  await expect(record).toContainText("I was not anxious; I was tired.");
  await expect(record).toContainText("The session notes support the assessment.");
  await expect(page.locator("body")).not.toContainText(PSYCHO);

  // An access request fulfilled on paper: the print view, and back to the requests.
  await page.getByRole("link", { name: "Back", exact: true }).click();
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.getByRole("link", { name: "Sam Amend" }).click();
  await page.getByRole("link", { name: "Requests", exact: true }).click();
  const paper = await newAccessRequest(page, day);
  await paper.getByLabel("Copy format").selectOption("Print");
  await paper.getByRole("button", { name: "Fulfil request" }).click();
  await expect(page.locator(".print-record")).toContainText("Statement of disagreement");
  await page.getByRole("link", { name: "Back", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Requests" })).toBeVisible();
  await expect(paper).toContainText("Fulfilled");
  const entry = page.getByRole("table", { name: "Accounting of disclosures (45 CFR 164.528)" }).getByRole("row").nth(1);
  await expect(entry).toContainText("Print, one client, 1 note, all dates");
  await expect(entry).toContainText("No: to the client");
});
