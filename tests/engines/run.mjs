// Runs the one list of core journeys (journeys.js) in each browser engine, in
// turn, against the release build in dist/ served on 127.0.0.1. Starts the
// static server and each engine's WebDriver server itself, and stops them.
//
// Usage: node tests/engines/run.mjs [chromium] [webkit] [firefox]
//   (default: all three; or ENGINES=webkit,firefox)
// Env: ENGINES_PORT (static server, default 4573), ENGINES_DIST (default dist).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENGINES, startEngine } from "./engines.js";
import { journeys } from "./journeys.js";
import { Page } from "./page.js";

// selenium-webdriver can fetch drivers with its "Selenium Manager" when asked
// to start one itself. This runner never asks (it connects to drivers it
// started), and a path that does not exist makes sure of it.
process.env.SE_MANAGER_PATH = "/nonexistent/selenium-manager-is-never-used";

const argv = process.argv.slice(2);
const wanted = argv.length ? argv : (process.env.ENGINES || Object.keys(ENGINES).join(",")).split(",").filter(Boolean);
const port = Number(process.env.ENGINES_PORT || 4573);
const dist = process.env.ENGINES_DIST || "dist";
const baseURL = `http://127.0.0.1:${port}`;
const artifacts = "target/engines";
mkdirSync(artifacts, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), "psynotes-engines-"));

const server = spawn("node", ["scripts/serve.mjs", dist, String(port)], { stdio: ["ignore", "ignore", "inherit"] });
let running = null;
async function cleanUp() {
  if (running) await running.stop().catch(() => {});
  running = null;
  server.kill();
  rmSync(tmp, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await cleanUp();
    process.exit(130);
  });
}

for (let i = 0; ; i++) {
  try {
    if ((await fetch(baseURL)).ok) break;
  } catch {}
  if (i > 100) throw new Error(`the static server did not start on ${baseURL}`);
  await new Promise((r) => setTimeout(r, 100));
}

const results = [];
const ms = (t) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
try {
  for (const name of wanted) {
    const started = performance.now();
    let engine;
    try {
      engine = running = await startEngine(name, { downloads: tmp });
    } catch (e) {
      console.log(`✗ ${name}: could not start: ${e.message}`);
      for (const j of journeys) results.push({ engine: name, journey: j.name, ok: false });
      continue;
    }
    console.log(`\n${engine.label}: ${engine.version}`);
    let page;
    let broken = null;
    try {
      page = new Page(await engine.newSession(), { baseURL, engine: name });
    } catch (e) {
      broken = `no session: ${e.message}`;
    }
    for (const [n, journey] of journeys.entries()) {
      const label = `${name} › ${journey.name}`;
      if (broken) {
        // Every later journey builds on the earlier ones: they count as failed.
        console.log(`  ✗ ${label}\n      not run: ${broken}`);
        results.push({ engine: name, journey: journey.name, ok: false });
        continue;
      }
      const t = performance.now();
      try {
        await journey.run({ page, engine, baseURL, tmp });
        await page.expectNoProblems();
        console.log(`  ✓ ${label} (${ms(t)})`);
        results.push({ engine: name, journey: journey.name, ok: true });
      } catch (e) {
        console.log(`  ✗ ${label} (${ms(t)})\n      ${String(e.stack || e).split("\n").slice(0, 4).join("\n      ")}`);
        results.push({ engine: name, journey: journey.name, ok: false });
        broken = `an earlier journey failed (${journey.name})`;
        try {
          const shot = join(artifacts, `${name}-${n + 1}.png`);
          writeFileSync(shot, await page.driver.takeScreenshot(), "base64");
          console.log(`      screenshot: ${shot}; page: ${await page.driver.getCurrentUrl()}`);
        } catch {}
      }
    }
    await engine.stop();
    running = null;
    console.log(`  ${name}: ${ms(started)} in all`);
  }
} finally {
  await cleanUp();
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log("");
for (const name of wanted) {
  const mine = results.filter((r) => r.engine === name);
  console.log(`${name.padEnd(9)} ${mine.filter((r) => r.ok).length}/${mine.length} journeys`);
}
console.log(`engines: ${passed} passed, ${failed} failed`);
process.exit(failed || !results.length ? 1 : 0);
