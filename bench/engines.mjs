// The benchmark in each browser engine: Chromium, WebKit and Firefox, each
// through its own WebDriver (tests/engines/engines.js), against the release
// build with the `bench` feature. Per engine it seeds the benchmark vault with
// the production key derivation, then measures Argon2id alone on the page (the
// engine's reference: every other figure is read against it), unlock to client
// list on the real page (the key derived in the KDF worker, which must have
// run), opening a client, saves, and a full backup and restore (every record
// must come back); and the largest peak resident memory (VmHWM) of any of the
// browser's processes, to show what the KDF worker's 64 MiB and the restore
// cost a tab that survived them.
//
// Usage: node bench/engines.mjs [--small] [chromium] [webkit] [firefox]
//   --small: 100 notes, as the smoke test in `make test`.
// Env: BENCH_DIST (default target/bench/dist), BENCH_ENGINES_PORT (4383),
//      BENCH_ENGINES_OUT (target/bench/engines.json, or engines-smoke.json).
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENGINES, startEngine } from "../tests/engines/engines.js";
import { Page, waitFor, expect } from "../tests/engines/page.js";

process.env.SE_MANAGER_PATH = "/nonexistent/selenium-manager-is-never-used";

const args = process.argv.slice(2);
const small = args.includes("--small");
const wanted = args.filter((a) => !a.startsWith("--"));
const engines = wanted.length ? wanted : Object.keys(ENGINES);
const dist = process.env.BENCH_DIST || "target/bench/dist";
const port = Number(process.env.BENCH_ENGINES_PORT || 4383);
const out = process.env.BENCH_ENGINES_OUT || (small ? "target/bench/engines-smoke.json" : "target/bench/engines.json");
const base = `http://127.0.0.1:${port}`;
const plan = small
  ? { clients: 4, notes: 100, psychotherapy_notes: 20, note_chars: 2000 }
  : { clients: 200, notes: 10000, psychotherapy_notes: 2000, note_chars: 2000 };
const PASSPHRASE = "benchmark passphrase, long enough";
const KDF = { m_kib: 65536, t: 3 };
const KDF_RUNS = 3;
const UNLOCKS = small ? 2 : 3;
const SAVES = small ? 10 : 50;
const TYPING_MS = 2_000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];
const round = (x) => Math.round(x * 10) / 10;

// The process that runs the page (and its workers), per engine.
const PAGE_PROCESS = {
  chromium: /--type=renderer/,
  webkit: /WebKitWebProcess/,
  firefox: /-contentproc.*\btab\b|-isForBrowser/,
};

/**
 * Peak resident memory (VmHWM, MiB) of the processes below `root`: the
 * largest of all, and the largest page (content) process's. In WebKit the
 * network process holds IndexedDB, so the two differ.
 */
function peakRss(root, engine) {
  const parent = new Map();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parent.set(Number(pid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const below = (pid) => {
    for (let p = parent.get(pid); p; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  const peak = { all: 0, page: 0 };
  for (const pid of parent.keys()) {
    if (!below(pid)) continue;
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (!m) continue;
      const mb = round(Number(m[1]) / 1024);
      peak.all = Math.max(peak.all, mb);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      if (PAGE_PROCESS[engine].test(cmdline)) peak.page = Math.max(peak.page, mb);
    } catch {}
  }
  return peak;
}

async function ready(driver) {
  await waitFor(() => driver.executeScript(() => !document.getElementById("boot") && !!window.wasmBindings), "the app did not start", 60_000);
}

async function benchEngine(name, tmp) {
  const engine = await startEngine(name, { downloads: tmp });
  const report = { engine: name, version: engine.version };
  try {
    const driver = await engine.newSession();
    const root = engine.driverPid(driver);
    const page = new Page(driver, { baseURL: base, engine: name });
    await driver.get(base);
    await ready(driver);

    const seeded = JSON.parse(await driver.executeAsyncScript(function (p, plan, done) {
      window.wasmBindings.bench_seed(p, plan.clients, plan.notes, plan.psychotherapy_notes, plan.note_chars).then(done, (e) => done(JSON.stringify({ error: String(e) })));
    }, PASSPHRASE, plan));
    expect(!seeded.error, `seeding failed: ${seeded.error}`);
    report.seed_ms = round(seeded.seed_ms);

    const kdf = [];
    for (let i = 0; i < KDF_RUNS; i++) {
      kdf.push(await driver.executeScript((m, t) => window.wasmBindings.bench_kdf(m, t), KDF.m_kib, KDF.t));
    }
    report.kdf_ms = round(median(kdf));

    // Unlock on a fresh page load each time, as a therapist opening the app:
    // `typed` submits TYPING_MS after the screen shows (the KDF worker loads
    // meanwhile, as it does while a person types); `cold` submits at once,
    // so it also counts loading the worker.
    const unlockOnce = async (pause) => {
      await driver.get(base);
      await ready(driver);
      await new Promise((r) => setTimeout(r, pause));
      await page.label("Passphrase").fill(PASSPHRASE);
      await page.role("button", "Unlock").click();
      await waitFor(() => driver.executeScript(() => performance.getEntriesByName("psynotes-clients-ready").length > 0), "the client list did not show", 120_000);
      const m = await driver.executeScript(() => ({
        ms: performance.getEntriesByName("psynotes-clients-ready")[0].startTime - performance.getEntriesByName("psynotes-unlock-start")[0].startTime,
        inWorker: performance.getEntriesByName("psynotes-kdf-in-worker").length,
      }));
      expect(m.inWorker === 1, "the key was not derived in the KDF worker");
      return m.ms;
    };
    const typed = [];
    const cold = [];
    for (let i = 0; i < UNLOCKS; i++) typed.push(await unlockOnce(TYPING_MS));
    for (let i = 0; i < UNLOCKS; i++) cold.push(await unlockOnce(0));
    report.unlock_ms = round(median(typed));
    report.unlock_per_kdf = round(report.unlock_ms / report.kdf_ms);
    report.unlock_cold_ms = round(median(cold));

    // Opening a client until its timeline shows all of its notes.
    const client = seeded.clients[0];
    const perClient = Math.ceil(plan.notes / plan.clients);
    report.open_client_ms = round(await driver.executeAsyncScript(function (id, expected, done) {
      const link = [...document.querySelectorAll("a")].find((a) => a.getAttribute("href") === `/clients/${id}`);
      if (!link) return done(-1);
      const started = performance.now();
      link.click();
      const check = () => {
        const shown = document.querySelectorAll(`a[href^="/clients/${id}/notes/"]`).length;
        if (shown >= expected) done(performance.now() - started);
        else if (performance.now() - started > 60_000) done(-1);
        else requestAnimationFrame(check);
      };
      check();
    }, client, perClient));
    expect(report.open_client_ms >= 0, "the client's timeline did not show");

    // Saves, backup and restore, through the vault API, with the page locked.
    await page.role("button", "Lock").click();
    await page.role("button", "Unlock").waitVisible();
    const v = JSON.parse(await driver.executeAsyncScript(function (p, id, n, done) {
      window.wasmBindings.bench_vault(p, id, n).then(done, (e) => done(JSON.stringify({ error: String(e) })));
    }, PASSPHRASE, client, SAVES));
    expect(!v.error, `the vault benchmark failed: ${v.error}`);
    report.save_median_ms = round(median(v.save_ms));
    report.save_p95_ms = round(p95(v.save_ms));
    report.backup_ms = round(v.backup_ms);
    report.backup_mb = round(v.backup_bytes / 1048576);
    report.restore_ms = round(v.restore_ms);
    report.restored_records = v.restored_records;
    expect(v.restored_records >= plan.clients + plan.notes + plan.psychotherapy_notes,
      `restored ${v.restored_records} records of ${plan.clients + plan.notes + plan.psychotherapy_notes}`);
    // The tab survived the KDF worker and the restore: it still answers.
    expect((await driver.executeScript(() => document.readyState)) === "complete", "the page is gone");
    const peak = peakRss(root, name);
    report.page_peak_rss_mb = peak.page;
    report.any_peak_rss_mb = peak.all;
  } finally {
    await engine.stop();
  }
  return report;
}

mkdirSync("target/bench", { recursive: true });
const server = spawn("node", ["scripts/serve.mjs", dist, String(port)], { stdio: ["ignore", "ignore", "inherit"] });
const tmp = mkdtempSync(join(tmpdir(), "psynotes-bench-engines-"));
const reports = [];
let failed = false;
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(base)).ok) break;
    } catch {}
    if (i > 100) throw new Error(`the static server did not start on ${base}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const name of engines) {
    const started = performance.now();
    try {
      reports.push(await benchEngine(name, tmp));
      console.log(`${name}: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    } catch (e) {
      failed = true;
      console.log(`${name}: FAILED: ${e.message}`);
      reports.push({ engine: name, error: e.message });
    }
  }
} finally {
  server.kill();
  rmSync(tmp, { recursive: true, force: true });
}

const result = { plan, kdf: KDF, unlocks: UNLOCKS, saves: SAVES, engines: reports };
writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
const keys = ["seed_ms", "kdf_ms", "unlock_ms", "unlock_per_kdf", "unlock_cold_ms", "open_client_ms", "save_median_ms", "save_p95_ms",
  "backup_ms", "backup_mb", "restore_ms", "restored_records", "page_peak_rss_mb", "any_peak_rss_mb"];
console.log(`\n${plan.notes} progress notes, ${plan.psychotherapy_notes} psychotherapy notes, ${plan.clients} clients; Argon2id m = ${KDF.m_kib} KiB, t = ${KDF.t}`);
console.log("key".padEnd(18) + reports.map((r) => r.engine.padStart(12)).join(""));
for (const k of keys) console.log(k.padEnd(18) + reports.map((r) => String(r[k] ?? "-").padStart(12)).join(""));
for (const r of reports) console.log(`${r.engine}: ${r.version || ""}${r.error ? `  FAILED: ${r.error}` : ""}`);
console.log(`\nwritten to ${out}`);
console.log(`engines-bench: ${reports.filter((r) => !r.error).length} passed, ${reports.filter((r) => r.error).length} failed`);
process.exit(failed ? 1 : 0);
