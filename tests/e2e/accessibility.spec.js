// Accessibility end to end (issue: a signed note that reads the same forever,
// part 6): axe-core finds no serious or critical violation on any main screen;
// text grows with the browser's font size; the layout reflows at 320 CSS px and
// at 200 % zoom with Lock on screen (WCAG 1.4.10).
//
// axe-core is injected by the test, not served by the app: its source is
// evaluated through the DevTools protocol, which the page's
// Content-Security-Policy (no inline script) does not govern, so the app's CSP
// stays as strict as in production and the fixtures still fail on any CSP
// violation.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test, expect, appReady, createVault, unlock, PASSPHRASE } from "./fixtures.js";
import { setClinician, createClient, fillSession, signNote, saveStatus } from "./clinical-helpers.js";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Serious and critical axe violations on the page as it is now. */
async function seriousViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

async function expectAccessible(page, screen) {
  // Settle first: loading placeholders are screens of their own.
  await expect(page.getByRole("status").filter({ hasText: /^(Loading|Opening)/ })).toHaveCount(0);
  const found = await seriousViolations(page);
  expect(found, `${screen}: ${JSON.stringify(found, null, 2)}`).toEqual([]);
}

test("axe finds no serious or critical violation on any main screen", async ({ page }) => {
  test.setTimeout(180_000);
  // The check itself can fail: a page with a nameless button is caught.
  await page.goto("/");
  await appReady(page);
  await page.evaluate(AXE_SOURCE);
  const caught = await page.evaluate(async () => {
    const probe = document.createElement("button");
    probe.id = "axe-probe";
    document.body.appendChild(probe);
    // eslint-disable-next-line no-undef
    const result = await axe.run("#axe-probe", { runOnly: ["button-name"] });
    probe.remove();
    return result.violations.map((v) => v.id);
  });
  expect(caught).toEqual(["button-name"]);

  await expect(page.getByRole("button", { name: "Create vault" })).toBeVisible();
  await expectAccessible(page, "first run");

  const key = await (async () => {
    await page.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
    await page.getByLabel("Confirm passphrase").fill(PASSPHRASE);
    await page.getByRole("button", { name: "Create vault" }).click();
    const text = await page.getByLabel("Recovery key", { exact: true }).textContent({ timeout: 30_000 });
    return text.trim();
  })();
  expect(key.length).toBeGreaterThan(20);
  await expectAccessible(page, "recovery key");
  await page.getByLabel("I have written down or printed my recovery key").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("button", { name: "Lock", exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Lock", exact: true }).click();
  await expect(page.getByRole("button", { name: "Unlock", exact: true })).toBeVisible();
  await expectAccessible(page, "unlock");
  await unlock(page);

  await setClinician(page);
  await expectAccessible(page, "settings");

  await createClient(page, "Avery Axe");
  await page.getByRole("link", { name: "Edit client" }).click();
  await page.getByRole("button", { name: "Add diagnosis" }).click();
  await page.getByLabel("ICD-10-CM code 1").fill("F41.1");
  await page.getByLabel("Description 1").fill("Generalized anxiety disorder");
  await page.getByRole("button", { name: "Add goal" }).click();
  await page.getByLabel("Goal 1", { exact: true }).fill("Sleep seven hours");
  await expectAccessible(page, "client form");
  await page.getByRole("button", { name: "Save client" }).click();
  await expect(page.getByRole("link", { name: "Edit client" })).toBeVisible();
  await expectAccessible(page, "client record");

  await page.getByRole("button", { name: "New progress note" }).click();
  await expect(page.getByLabel("Subjective", { exact: true })).toBeVisible();
  await expectAccessible(page, "progress note editor");
  // With signing issues shown, fields marked invalid and pointing at them.
  await page.getByLabel("Date of service").fill("");
  await page.getByRole("button", { name: "Sign and lock" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "This note is not ready to sign" })).toBeVisible();
  await expectAccessible(page, "progress note editor with issues");
  await fillSession(page);
  await page.getByRole("button", { name: "Sign and lock" }).click();
  await expect(page.getByRole("region", { name: "Review before signing" })).toBeVisible();
  await expectAccessible(page, "review before signing");
  // Focus goes to what opened, and back when it closes.
  await expect(page.getByRole("heading", { name: "Review before signing" })).toBeFocused();
  await page.getByRole("button", { name: "Keep editing" }).click();
  await expect(page.getByRole("button", { name: "Sign and lock" })).toBeFocused();
  await signNote(page);
  await expectAccessible(page, "signed note");

  await page.locator(".breadcrumb").getByRole("link").click();
  await page.getByRole("link", { name: "Psychotherapy notes" }).click();
  await page.getByRole("button", { name: "New psychotherapy note" }).click();
  await page.getByLabel("Psychotherapy note", { exact: true }).fill("A private impression.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(saveStatus(page, "Saved")).toBeVisible();
  await expectAccessible(page, "psychotherapy notes");

  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await expect(page.getByRole("link", { name: "Avery Axe" })).toBeVisible();
  await expectAccessible(page, "clients");
  await page.getByLabel("Search", { exact: true }).fill("private impression");
  await expect(page.getByRole("status").filter({ hasText: "No matches." })).toBeVisible();
  await expectAccessible(page, "search");

  await page.getByRole("link", { name: "Backup", exact: true }).click();
  await expect(page.getByRole("button", { name: "Download encrypted backup" })).toBeVisible();
  await expectAccessible(page, "backup");
});

test("text grows with the browser's font size", async ({ page }) => {
  await createVault(page);
  const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  const before = await size();
  expect(before).toBe(17);
  // The browser's own setting (Settings › Appearance › Font size), not zoom.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Page.setFontSizes", { fontSizes: { standard: 32 } });
  await expect.poll(size).toBe(34);
  const lock = await page.getByRole("button", { name: "Lock", exact: true }).boundingBox();
  expect(lock.height).toBeGreaterThanOrEqual(88);
});

for (const [what, viewport] of [
  ["at 320 CSS px", { width: 320, height: 640 }],
  ["at 200 % zoom on a 1366 px screen", { width: 683, height: 512 }],
]) {
  test(`the layout reflows ${what} and Lock stays on screen`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await createVault(page);
    await setClinician(page);
    await createClient(page, "Robin Reflow-With-A-Rather-Long-Name");
    const screens = [
      ["client record", async () => {}],
      ["progress note editor", async () => {
        await page.getByRole("button", { name: "New progress note" }).click();
        await expect(page.getByLabel("Subjective", { exact: true })).toBeVisible();
      }],
      ["signed note", async () => {
        await fillSession(page);
        await signNote(page);
      }],
      ["clients", async () => page.getByRole("link", { name: "Clients", exact: true }).click()],
      ["settings", async () => page.getByRole("link", { name: "Settings", exact: true }).click()],
      ["backup", async () => page.getByRole("link", { name: "Backup", exact: true }).click()],
    ];
    for (const [screen, open] of screens) {
      await open();
      await expect(page.locator("#main h1")).toBeVisible();
      const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
      expect(overflow, `${screen}: horizontal overflow in px`).toBeLessThanOrEqual(0);
      const header = page.locator(".shell__header");
      const box = await header.boundingBox();
      expect(box.x + box.width, `${screen}: header fits`).toBeLessThanOrEqual(viewport.width);
      const lock = page.getByRole("button", { name: "Lock", exact: true });
      await page.evaluate(() => window.scrollTo(0, 0));
      const lockBox = await lock.boundingBox();
      expect(lockBox.x, `${screen}: Lock on screen`).toBeGreaterThanOrEqual(0);
      expect(lockBox.x + lockBox.width, `${screen}: Lock on screen`).toBeLessThanOrEqual(viewport.width);
      expect(lockBox.y + lockBox.height, `${screen}: Lock on screen`).toBeLessThanOrEqual(viewport.height);
      for (const link of ["Clients", "Backup", "Settings"]) {
        const linkBox = await page.locator(".shell__nav").getByRole("link", { name: link, exact: true }).boundingBox();
        expect(linkBox.x + linkBox.width, `${screen}: ${link} on screen`).toBeLessThanOrEqual(viewport.width);
      }
    }
  });
}

test("after a navigation focus goes to the page's heading, but never away from a field already tapped", async ({ page }) => {
  await createVault(page);
  // Left alone, focus moves to the new page's heading.
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeFocused();
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Clients", level: 1 })).toBeFocused();

  // A therapist who taps the first field at once and types keeps every key:
  // the heading must not take focus in the middle of the name.
  await page.getByRole("button", { name: "New client" }).click();
  const name = page.getByLabel("Client name");
  await name.focus();
  await name.pressSequentially("Robin Quickfingers", { delay: 40 });
  await expect(name).toHaveValue("Robin Quickfingers");
  await expect(name).toBeFocused();
});
