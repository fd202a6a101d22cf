// Steps of the clinical flows that several end-to-end files share. Controls are
// found by role and accessible name, as a person would find them.
import { expect } from "./fixtures.js";

/** Today's date in the browser's (and this machine's) local time, as YYYY-MM-DD. */
export function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export const SOAP = {
  Subjective: "Client reports feeling anxious about an upcoming job interview.",
  Objective: "Fidgeting throughout the session; speech rapid but coherent.",
  Assessment: "Anxiety appears to interfere with daily functioning.",
  Plan: "Introduce paced breathing next session; practise twice daily.",
};

/** The save indicator's live region, when it says exactly `text`. */
export function saveStatus(page, text) {
  return page.getByRole("status").filter({ hasText: new RegExp(`^${text}$`) });
}

export async function setClinician(page) {
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await page.getByLabel("Clinician name").fill("Jane Doe");
  await page.getByLabel("Credentials").fill("LCSW");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
}

/** Creates a client from the home page and ends on the client's page. */
export async function createClient(page, name, { pronouns } = {}) {
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.getByRole("button", { name: "New client" }).click();
  await page.getByLabel("Client name").fill(name);
  if (pronouns) await page.getByLabel("Pronouns").fill(pronouns);
  await page.getByRole("button", { name: "Save client" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page).toHaveURL(/\/clients\/[0-9a-f]{32}$/);
}

/** Fills every field signing needs, with `sections` as the SOAP text. */
export async function fillSession(page, sections = SOAP) {
  await page.getByLabel("Date of service").fill(today());
  await page.getByLabel("Start time").fill("09:00");
  await page.getByLabel("End time").fill("09:50");
  await page.getByLabel("Service code").selectOption("90834");
  await page.getByLabel("Place of service").selectOption("11");
  for (const question of ["Suicidal ideation", "Homicidal ideation"]) {
    await page.getByRole("group", { name: question, exact: true }).getByLabel("Denied").check();
  }
  for (const [label, text] of Object.entries(sections)) {
    await page.getByLabel(label, { exact: true }).fill(text);
  }
}

export async function noHorizontalOverflow(page) {
  const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  expect(overflow, "horizontal overflow in px").toBeLessThanOrEqual(0);
}


/**
 * Signs the open note: "Sign and lock" shows what will be signed, any warnings
 * are acknowledged, then "Sign". Ends on the signed note.
 */
export async function signNote(page) {
  await page.getByRole("button", { name: "Sign and lock" }).click();
  const review = page.getByRole("region", { name: "Review before signing" });
  await expect(review).toBeVisible();
  const warnings = review.getByLabel("I have checked these warnings");
  if (await warnings.count()) await warnings.check();
  await review.getByRole("button", { name: "Sign", exact: true }).click();
  await expect(page.getByText("Signed and locked.")).toBeVisible();
}
