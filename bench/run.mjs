// The benchmark: seeds a realistic vault through the app's own code, then times
// what a therapist does, in headless Chromium against a release build with the
// `bench` feature. Prints a table and writes target/bench/report.json.
//
// Usage: node bench/run.mjs [--small]   (--small: 100 notes, the smoke test)
import { chromium } from "@playwright/test";
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const small = process.argv.includes("--small");
const dist = process.env.BENCH_DIST || "target/bench/dist";
const out = process.env.BENCH_OUT || "target/bench/report.json";
const port = Number(process.env.BENCH_PORT || 4373);
const plan = small
  ? { clients: 4, notes: 100, psychotherapy_notes: 20, note_chars: 2000 }
  : { clients: 200, notes: 10000, psychotherapy_notes: 2000, note_chars: 2000 };
const PASSPHRASE = "benchmark passphrase, long enough";
const RUNS = small ? 2 : 5;
const SAVES = small ? 20 : 200;
const SEARCHES = small ? 10 : 50;
const KDF = { m_kib: 65536, t: 3 };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];
const round = (x) => Math.round(x * 10) / 10;

// PouchDB Server, in memory, as the sync server; the app reaches it through
// its own origin, under /couchdb/, as in the recommended deployment.
const couchPort = port + 1;
const SYNC = { user: "bench", password: "bench sync password", db: "psynotes-bench" };
const couchDir = mkdtempSync(join(tmpdir(), "psynotes-bench-couch-"));
writeFileSync(join(couchDir, "config.json"), JSON.stringify({ admins: { [SYNC.user]: SYNC.password } }));
const couch = spawn(process.execPath, [join(process.cwd(), "node_modules/pouchdb-server/bin/pouchdb-server"),
  "--in-memory", "--host", "127.0.0.1", "--port", String(couchPort)], { cwd: couchDir, stdio: "ignore" });
const server = spawn("node", ["scripts/serve.mjs", dist, String(port)], {
  stdio: "ignore",
  env: { ...process.env, COUCHDB_URL: `http://127.0.0.1:${couchPort}` },
});
const base = `http://127.0.0.1:${port}`;
const profile = mkdtempSync(join(tmpdir(), "psynotes-bench-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-precise-memory-info"],
  viewport: { width: 1366, height: 1024 },
});

async function ready(page) {
  await page.waitForFunction(() => !document.getElementById("boot") && window.wasmBindings, null, { timeout: 60_000 });
}

async function instrumentedPage() {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: "longtask", buffered: true });
    } catch {}
    addEventListener("TrunkApplicationStarted", (e) => (window.__wasm = e.detail.wasm));
    // The moment the unlock screen can take a passphrase: its field exists and is enabled.
    const interactive = () => {
      const field = document.querySelector("input[type=password]");
      if (field && !field.disabled && window.__interactiveAt === undefined) window.__interactiveAt = performance.now();
    };
    new MutationObserver(interactive).observe(document, { subtree: true, childList: true, attributes: true });
    // A search is timed in the page, from the input event that carries the
    // query to the first highlighted match in the DOM, so that the harness's
    // own round trips to the browser are not counted as the app's.
    addEventListener("input", (e) => {
      if (e.target && e.target.type === "search") { window.__searchStart = performance.now(); window.__searchDone = undefined; }
    }, true);
    new MutationObserver(() => {
      if (window.__searchStart !== undefined && window.__searchDone === undefined && document.querySelector("mark")) {
        window.__searchDone = performance.now();
      }
    }).observe(document, { subtree: true, childList: true });
  });
  return page;
}

// The longest task the page saw between `start` and `end` (its own clock),
// after a pause so the observer has reported the last ones.
async function longestTask(page, start, end, phase = "") {
  await page.waitForTimeout(200);
  const tasks = await page.evaluate(([s, e]) => window.__longTasks
    .filter((t) => t.start + t.duration >= s && t.start <= e), [start, end]);
  // BENCH_DEBUG=1: where each phase's long tasks fall, from the phase's start.
  if (process.env.BENCH_DEBUG) {
    for (const t of tasks) console.error(`long task ${phase}: +${round(t.start - start)} ms, ${round(t.duration)} ms`);
  }
  return Math.max(0, ...tasks.map((t) => t.duration));
}

const report = {};
// The longest task in each phase a clinician waits through (see longestTask).
const longTasks = {};
const noteLongest = (phase, ms) => { longTasks[phase] = Math.max(longTasks[phase] ?? 0, ms); };
try {
  for (let i = 0; i < 50; i++) {
    try { await fetch(base); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  let page = await instrumentedPage();
  await page.goto(base);
  await ready(page);

  // Seed (not timed as a user action).
  const seeded = JSON.parse(await page.evaluate(async ([p, plan]) =>
    window.wasmBindings.bench_seed(p, plan.clients, plan.notes, plan.psychotherapy_notes, plan.note_chars),
    [PASSPHRASE, plan]));
  Object.assign(report, { notes: plan.notes, psychotherapy_notes: plan.psychotherapy_notes, clients: plan.clients });
  report.seed_ms = round(seeded.seed_ms);

  // Argon2id alone, median of 5.
  const kdf = [];
  for (let i = 0; i < 5; i++) kdf.push(await page.evaluate(([m, t]) => window.wasmBindings.bench_kdf(m, t), [KDF.m_kib, KDF.t]));
  Object.assign(report, { kdf_m_kib: KDF.m_kib, kdf_t: KDF.t, kdf_ms: round(median(kdf)) });

  // Opening a client with 50 notes until the timeline shows: the first tap,
  // the moment the list shows after unlocking, once per unlock run.
  const client = seeded.clients[0];
  const perClient = Math.ceil(plan.notes / plan.clients);
  const openClient = (page) => page.evaluate(async ([id, expected]) => {
    const link = [...document.querySelectorAll("a")].find((a) => a.getAttribute("href") === `/clients/${id}`);
    if (!link) throw new Error("the client link is not on the home screen");
    const started = performance.now();
    window.__openStarted = started;
    link.click();
    await new Promise((resolve, reject) => {
      const deadline = started + 60_000;
      const check = () => {
        const shown = document.querySelectorAll('a[href^="/clients/' + id + '/notes/"]').length;
        if (shown >= expected) resolve();
        else if (performance.now() > deadline) reject(new Error(`the timeline showed ${shown} of ${expected} notes`));
        else requestAnimationFrame(check);
      };
      check();
    });
    return performance.now() - started;
  }, [client, perClient]);
  // The client's Measures tab until the chart shows all 50 seeded results:
  // the tab's first tap in the session.
  const SEEDED_RESULTS = 50;
  const openChart = (page) => page.evaluate(async ([id, expected]) => {
    const link = [...document.querySelectorAll("a")].find((a) => a.getAttribute("href") === `/clients/${id}/measures`);
    if (!link) throw new Error("the Measures tab is not on the client's page");
    const started = performance.now();
    window.__chartStarted = started;
    link.click();
    await new Promise((resolve, reject) => {
      const deadline = started + 60_000;
      const check = () => {
        const shown = document.querySelectorAll(".measure-chart__point").length;
        if (shown >= expected) resolve();
        else if (performance.now() > deadline) reject(new Error(`the chart showed ${shown} of ${expected} results`));
        else requestAnimationFrame(check);
      };
      check();
    });
    return performance.now() - started;
  }, [client, SEEDED_RESULTS]);
  // Unlock to client list, median of RUNS fresh page loads.
  const charts = [];
  const unlocks = [];
  const opens = [];
  let longTaskMax = 0;
  for (let i = 0; i < RUNS; i++) {
    await page.close();
    page = await instrumentedPage();
    await page.goto(base);
    await ready(page);
    await page.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
    await page.getByRole("button", { name: "Unlock", exact: true }).click();
    await page.waitForFunction(() => performance.getEntriesByName("psynotes-clients-ready").length > 0, null, { timeout: 120_000 });
    const m = await page.evaluate(() => {
      const start = performance.getEntriesByName("psynotes-unlock-start")[0].startTime;
      const end = performance.getEntriesByName("psynotes-clients-ready")[0].startTime;
      const longest = Math.max(0, ...window.__longTasks.filter((t) => t.start >= start - 50 && t.start <= end).map((t) => t.duration));
      return { ms: end - start, longest };
    });
    unlocks.push(m.ms);
    longTaskMax = Math.max(longTaskMax, m.longest);
    noteLongest("unlock", m.longest);
    opens.push(await openClient(page));
    const opened = await page.evaluate(() => [window.__openStarted, performance.now()]);
    noteLongest("open_client", await longestTask(page, ...opened));
    charts.push(await openChart(page));
    const charted = await page.evaluate(() => [window.__chartStarted, performance.now()]);
    noteLongest("client_chart", await longestTask(page, ...charted));
  }
  report.client_chart_ms = round(median(charts));
  report.unlock_ms = round(median(unlocks));
  report.open_client_ms = round(median(opens));
  report.open_client_max_ms = round(Math.max(...opens));
  report.long_task_max_ms = round(longTaskMax);


  // Search: a word query over all progress notes, from the home screen.
  await page.goto(base + "/");
  await page.waitForFunction(() => performance.getEntriesByName("psynotes-clients-ready").length > 0 || document.querySelector("input[type=search], #search"), null, { timeout: 60_000 }).catch(() => {});
  const searchBox = page.getByLabel("Search", { exact: true });
  const searchOnce = async (q) => {
    await searchBox.fill("");
    await page.waitForFunction(() => !document.querySelector("mark"));
    await searchBox.fill(q);
    await page.locator("mark").first().waitFor({ timeout: 120_000 });
    return page.evaluate(() => window.__searchDone - window.__searchStart);
  };
  const words = ["reframing", "grounding", "exposure", "appetite", "partner", "homework", "concentration"];
  // The page may need to unlock again after the navigation.
  if (await page.getByRole("button", { name: "Unlock", exact: true }).count()) {
    await page.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
    await page.getByRole("button", { name: "Unlock", exact: true }).click();
  }
  await searchBox.waitFor({ timeout: 120_000 });
  const searchStarted = await page.evaluate(() => performance.now());
  report.search_first_ms = round(await searchOnce("reframing"));
  // The first search answers from the notes read so far while the rest are
  // read; later searches are timed once every note is in.
  const readAll = await page.evaluate(async () => {
    const started = performance.now();
    const reading = () => [...document.querySelectorAll("[role=status]")].some((e) => e.textContent.startsWith("Searching progress notes"));
    while (reading()) await new Promise((r) => setTimeout(r, 10));
    return performance.now() - started;
  });
  report.search_all_read_ms = round(report.search_first_ms + readAll);
  const searches = [];
  for (let i = 0; i < SEARCHES; i++) searches.push(await searchOnce(words[i % words.length]));
  report.search_p95_ms = round(p95(searches));
  noteLongest("search", await longestTask(page, searchStarted, await page.evaluate(() => performance.now()), "search"));

  report.peak_memory_mb = round(await page.evaluate(() => {
    const js = performance.memory ? performance.memory.usedJSHeapSize : 0;
    const wasm = window.__wasm?.memory?.buffer?.byteLength ?? 0;
    return (js + wasm) / 1048576;
  }));

  // A slower tablet: the CPU throttled 4x through the DevTools protocol. A cold
  // start is timed from navigation to an unlock screen that takes a passphrase,
  // with the app cached (service worker and HTTP cache warm) and not cached.
  {
    const slow = await instrumentedPage();
    const cdp = await context.newCDPSession(slow);
    await cdp.send("Network.enable");
    const coldStart = async (cached) => {
      await cdp.send("Network.setBypassServiceWorker", { bypass: !cached });
      if (!cached) await cdp.send("Network.clearBrowserCache");
      await slow.goto(base);
      await slow.waitForFunction(() => window.__interactiveAt !== undefined, null, { timeout: 120_000 });
      return slow.evaluate(() => window.__interactiveAt);
    };
    await slow.goto(base);
    await ready(slow);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    const cached = [], uncached = [];
    for (let i = 0; i < RUNS; i++) {
      cached.push(await coldStart(true));
      uncached.push(await coldStart(false));
    }
    await cdp.send("Network.setBypassServiceWorker", { bypass: false });
    report.cold_start_cached_4x_ms = round(median(cached));
    report.cold_start_uncached_4x_ms = round(median(uncached));
    const unlocks4x = [];
    const opens4x = [];
    for (let i = 0; i < RUNS; i++) {
      await slow.goto(base);
      await ready(slow);
      await slow.getByLabel("Passphrase", { exact: true }).fill(PASSPHRASE);
      await slow.getByRole("button", { name: "Unlock", exact: true }).click();
      await slow.waitForFunction(() => performance.getEntriesByName("psynotes-clients-ready").length > 0, null, { timeout: 120_000 });
      unlocks4x.push(await slow.evaluate(() =>
        performance.getEntriesByName("psynotes-clients-ready")[0].startTime - performance.getEntriesByName("psynotes-unlock-start")[0].startTime));
      opens4x.push(await openClient(slow));
    }
    report.unlock_4x_ms = round(median(unlocks4x));
    report.open_client_4x_ms = round(median(opens4x));
    report.runs_4x = RUNS;
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
    await slow.close();
  }

  // Vault-level: saves, one-client export, backup and restore.
  await page.getByRole("button", { name: "Lock", exact: true }).click().catch(() => {});
  const v = JSON.parse(await page.evaluate(([p, id, n]) => window.wasmBindings.bench_vault(p, id, n), [PASSPHRASE, client, SAVES]));
  report.save_p95_ms = round(p95(v.save_ms));
  report.save_median_ms = round(median(v.save_ms));
  report.measure_save_ms = round(p95(v.measure_save_ms));
  report.export_client_ms = round(v.export_client_ms);
  report.backup_ms = round(v.backup_ms);
  report.backup_bytes = v.backup_bytes;
  report.restore_ms = round(v.restore_ms);
  report.restored_records = v.restored_records;
  report.rebuild_ms = round(v.rebuild_ms);
  report.merge_ms = round(v.merge_ms);
  for (const phase of v.phases) noteLongest(phase.name, await longestTask(page, phase.start, phase.end, phase.name));

  // Sync: the vault sent to an empty server, a second device joining, and
  // single saves reaching the server.
  const auth = { authorization: "Basic " + Buffer.from(`${SYNC.user}:${SYNC.password}`).toString("base64") };
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`http://127.0.0.1:${couchPort}/`)).ok) break; } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  const created = await fetch(`http://127.0.0.1:${couchPort}/${SYNC.db}`, { method: "PUT", headers: auth });
  if (!created.ok) throw new Error(`creating the sync database: ${created.status}`);
  const s = JSON.parse(await page.evaluate(([p, db, u, pw, id, n]) =>
    window.wasmBindings.bench_sync(p, `/couchdb/${db}`, u, pw, id, n),
    [PASSPHRASE, SYNC.db, SYNC.user, SYNC.password, client, small ? 3 : 10]));
  report.sync_first_push_ms = round(s.first_push_ms);
  report.sync_first_pull_ms = round(s.first_pull_ms);
  report.sync_pulled_records = s.pulled_records;
  report.sync_push_one_ms = round(median(s.push_one_ms));
  for (const phase of s.phases) noteLongest(phase.name, await longestTask(page, phase.start, phase.end, phase.name));
  // One key per phase, beside long_task_max_ms (unlock), which keeps its meaning.
  for (const [phase, ms] of Object.entries(longTasks)) report[`long_task_${phase}_ms`] = round(ms);

  const size = JSON.parse(execFileSync("node", ["scripts/size.mjs", process.env.SHELL_DIST || "dist", "--json"]).toString());
  report.shell_gzip_bytes = size.shell_gzip_bytes;
  report.shell_brotli_bytes = size.shell_brotli_bytes;
  // The module is not split: everything the unlock screen needs is the whole shell.
  report.first_download_gzip_bytes = size.shell_gzip_bytes;
} finally {
  await context.close();
  server.kill();
  couch.kill();
  rmSync(profile, { recursive: true, force: true });
  rmSync(couchDir, { recursive: true, force: true });
}

const targets = {
  unlock_ms: ["<=", 400], open_client_ms: ["<=", 50], save_p95_ms: ["<=", 15], search_first_ms: ["<=", 150], search_p95_ms: ["<=", 50],
  backup_ms: ["<=", 2000], restore_ms: ["<=", 3000], shell_gzip_bytes: ["<=", 250 * 1024], peak_memory_mb: ["<=", 200],
  long_task_max_ms: ["<=", 50], long_task_unlock_ms: ["<=", 50], long_task_open_client_ms: ["<=", 50],
  long_task_search_ms: ["<=", 50], long_task_backup_ms: ["<=", 50], long_task_restore_ms: ["<=", 50],
  long_task_rebuild_ms: ["<=", 50], long_task_merge_ms: ["<=", 50], long_task_sync_pull_ms: ["<=", 50], sync_first_pull_ms: ["<=", 20000], sync_push_one_ms: ["<=", 500],
  first_download_gzip_bytes: ["<=", 250 * 1024], cold_start_cached_4x_ms: ["<=", 500], unlock_4x_ms: ["<=", 1200],
  open_client_4x_ms: ["<=", 200], client_chart_ms: ["<=", 50], long_task_client_chart_ms: ["<=", 50],
  measure_save_ms: ["<=", 15],
};
// A shared machine runs everything slower when its neighbours are busy. Each
// time is also given normalised to the reference workload measured on the same
// page (Argon2id at the production parameters, which takes about 200 ms on a
// quiet machine of this kind), and targets are judged on the normalised figure.
const REFERENCE_QUIET_MS = 200;
report.reference_ms = report.kdf_ms;
const isTime = (k) => k.endsWith("_ms") && k !== "kdf_ms" && k !== "reference_ms";
report.normalised = Object.fromEntries(Object.entries(report)
  .filter(([k, v]) => isTime(k) && typeof v === "number")
  .map(([k, v]) => [k, round((v * REFERENCE_QUIET_MS) / report.reference_ms)]));
report.normalised_note = `time x (${REFERENCE_QUIET_MS} ms / reference_ms); targets judged on these`;
mkdirSync("target/bench", { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
console.log(`reference (Argon2id, ${KDF.m_kib} KiB, t=${KDF.t}): ${report.reference_ms} ms; normalised = time x ${REFERENCE_QUIET_MS} / reference`);
console.log(`${"key".padEnd(26)}${"measured".padStart(12)}${"normalised".padStart(12)}  target`);
let unmet = 0;
for (const [k, v] of Object.entries(report)) {
  if (typeof v === "object" || k === "normalised_note") continue;
  const n = report.normalised[k];
  const judged = n ?? v;
  const t = targets[k];
  const met = t ? judged <= t[1] : true;
  if (!met) unmet++;
  const verdict = t ? `${t[0]} ${t[1]}  ${met ? "met" : "NOT MET"}` : "";
  console.log(`${k.padEnd(26)}${String(v).padStart(12)}${String(n ?? "").padStart(12)}  ${verdict}`);
}
console.log(`\n${unmet} target(s) not met; written to ${out}`);
