// The installable, offline shell (issue: foundation).
import { test as plain, chromium } from "@playwright/test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, expect, appReady } from "./fixtures.js";

test("starts with no console error, CSP violation or foreign request, and shows name and version", async ({ page }) => {
  await page.goto("/");
  await appReady(page);
  await expect(page.locator(".shell__name")).toHaveText("Psynotes");
  await expect(page.locator(".shell__footer")).toContainText(/Psynotes \d+\.\d+\.\d+ \(/);
  // Let the service worker install, so its requests are inside the guarded window.
  await page.evaluate(() => navigator.serviceWorker.ready);
});

test("the Content-Security-Policy is strict and covers the loader by hash", async ({ page }) => {
  await page.goto("/");
  await appReady(page);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  expect(csp, "CSP meta tag").toBeTruthy();
  for (const directive of [
    "default-src 'none'",
    "connect-src 'self'",
    "img-src 'self' data: blob:",
    "style-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ]) {
    expect(csp).toContain(directive);
  }
  expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("'unsafe-eval'");
  expect(csp).not.toMatch(/https?:/);
});

test("the service worker controls the page after a reload", async ({ page }) => {
  await page.goto("/");
  await appReady(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await appReady(page);
  const controlled = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null);
  expect(controlled).toMatch(/\/sw\.js$/);
  const caches = await page.evaluate(() => caches.keys());
  expect(caches).toHaveLength(1);
  expect(caches[0]).toMatch(/^psynotes-[0-9a-f]{16}$/);
});

// Installability needs a real (non-incognito) profile, so this test launches its own.
plain("Chromium finds no installability errors", async ({ baseURL }, testInfo) => {
  const profile = mkdtempSync(join(tmpdir(), "psynotes-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    ...testInfo.project.use.launchOptions,
    baseURL,
    viewport: { width: 768, height: 1024 },
  });
  try {
    const page = await context.newPage();
    await page.goto("/");
    await appReady(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    expect(installabilityErrors).toEqual([]);
    const manifest = await (await page.request.get("/manifest.webmanifest")).json();
    expect(manifest).toMatchObject({ name: expect.any(String), short_name: "Psynotes", start_url: "/", scope: "/", display: "standalone" });
    const sizes = manifest.icons.map((i) => `${i.sizes} ${i.purpose}`);
    expect(sizes).toEqual(expect.arrayContaining(["192x192 any", "512x512 any", "512x512 maskable"]));
    for (const icon of manifest.icons) expect((await page.request.get(icon.src)).ok()).toBe(true);
    await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute("href", /apple-touch-icon\.png$/);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test("starts with the network offline after one visit", async ({ page, context }) => {
  await page.goto("/");
  await appReady(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await appReady(page);
  await context.setOffline(true);
  await page.reload();
  await appReady(page);
  await expect(page.locator(".shell__name")).toHaveText("Psynotes");
  // A deep link is a navigation too: it must fall back to the cached index.html.
  await page.goto("/some/deep/link");
  await appReady(page);
  await context.setOffline(false);
});

test("the layout fits a portrait tablet, with touch-sized controls, in light and dark", async ({ page }) => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto("/");
  await appReady(page);
  const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  for (const button of await page.getByRole("button").all()) {
    const box = await button.boundingBox();
    if (box) expect(box.height).toBeGreaterThanOrEqual(44);
  }
  const header = page.locator(".shell__header");
  await page.emulateMedia({ colorScheme: "light" });
  const light = await header.evaluate((el) => getComputedStyle(el).backgroundColor);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await header.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(light).not.toEqual(dark);
});

// Not guarded: a failed start is expected to log errors.
plain("shows a friendly error screen when the app cannot start", async ({ page }) => {
  await page.route(/\.wasm$/, (route) => route.fulfill({ status: 404, body: "gone" }));
  await page.goto("/");
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Psynotes could not start");
  await expect(alert).toContainText("Your notes are safe");
});
