// End-to-end tests against the release build in dist/, served on 127.0.0.1 by
// scripts/serve.mjs. `make test-e2e` builds dist/ first. Debian's Chromium is
// used; Playwright never downloads a browser here.
import { defineConfig } from "@playwright/test";

// E2E_PORT lets two checkouts run their suites side by side.
export const PORT = Number(process.env.E2E_PORT || 4173);
// The sync tests start PouchDB Server on this port; the app reaches it
// through its own origin, under /couchdb/.
export const COUCH_PORT = Number(process.env.E2E_COUCH_PORT || PORT + 2);

export default defineConfig({
  testDir: ".",
  outputDir: "../../target/e2e/results",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 768, height: 1024 },
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    trace: "retain-on-failure",
  },
  webServer: {
    command: `node scripts/serve.mjs dist ${PORT}`,
    env: { COUCHDB_URL: `http://127.0.0.1:${COUCH_PORT}` },
    cwd: "../..",
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
