// The three browser engines the app is tested in, each driven through its own
// W3C WebDriver server, started here on 127.0.0.1 and stopped when done.
// Nothing is ever downloaded: the browsers and drivers are the ones
// scripts/install-tools.sh installed (Debian packages, and geckodriver from
// crates.io), and the npm client only connects to the servers started here.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { WebDriver, Capabilities } from "selenium-webdriver";
import { Executor, HttpClient } from "selenium-webdriver/http/index.js";

const MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const GECKODRIVER = [join(process.env.CARGO_HOME || join(homedir(), ".cargo"), "bin/geckodriver"), "/usr/local/bin/geckodriver", "/usr/bin/geckodriver"]
  .find(existsSync) || "geckodriver";

// A tablet in portrait, as the Playwright suite uses.
export const VIEWPORT = { width: 768, height: 1024 };

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, what, child, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer on ${url} within ${ms} ms`);
}

function stopProcess(child) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Starts Xvfb on a free display, and returns the display and the process. */
function startXvfb() {
  return new Promise((resolve, reject) => {
    const xvfb = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x1100x24", "-nolisten", "tcp"], {
      stdio: ["ignore", "ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    xvfb.stderr.on("data", (d) => (err += d));
    xvfb.stdio[3].on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve({ display: `:${out.trim()}`, process: xvfb });
    });
    xvfb.once("exit", (code) => reject(new Error(`Xvfb exited with code ${code}: ${err.slice(-500)}`)));
  });
}

/** The version line of a browser, for the report. */
function versionOf(cmd, args) {
  try {
    return execFileSync(cmd, args, { stdio: ["ignore", "pipe", "ignore"], timeout: 20_000 }).toString().trim().split("\n")[0];
  } catch {
    return "unknown version";
  }
}

/**
 * Each engine: how to start its driver, and the session's capabilities. A
 * session is a new browser process with a new, empty profile.
 */
export const ENGINES = {
  chromium: {
    label: "Chromium (Blink)",
    version: () => versionOf("/usr/bin/chromium", ["--version"]),
    async startDriver(port) {
      const driver = spawn("/usr/bin/chromedriver", [`--port=${port}`], { stdio: "ignore" });
      return { processes: [driver], main: driver };
    },
    capabilities: ({ downloads }) => ({
      browserName: "chrome",
      "goog:chromeOptions": {
        binary: "/usr/bin/chromium",
        args: [
          "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--no-first-run", `--window-size=${VIEWPORT.width},${VIEWPORT.height}`,
        ],
        prefs: { "download.default_directory": downloads, "download.prompt_for_download": false },
      },
    }),
  },
  webkit: {
    label: "WebKit (WebKitGTK MiniBrowser)",
    version: () => `WebKitGTK ${versionOf("dpkg-query", ["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"])}`,
    async startDriver(port) {
      // WebKitGTK has no headless mode: it draws on a virtual display.
      const xvfb = await startXvfb();
      const driver = spawn("WebKitWebDriver", [`--port=${port}`, "--host=127.0.0.1"], {
        stdio: "ignore",
        env: { ...process.env, DISPLAY: xvfb.display },
      });
      return { processes: [driver, xvfb.process], main: driver };
    },
    // MiniBrowser's automation mode keeps each session's data in memory only.
    capabilities: () => ({
      "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
    }),
  },
  firefox: {
    label: "Firefox ESR (Gecko)",
    version: () => versionOf("/usr/bin/firefox-esr", ["--version"]),
    async startDriver(port) {
      // --websocket-port 0: a fixed BiDi port would clash with a second run.
      const driver = spawn(GECKODRIVER, ["--port", String(port), "--host", "127.0.0.1", "--websocket-port", "0"], { stdio: "ignore" });
      return { processes: [driver], main: driver };
    },
    capabilities: ({ downloads }) => ({
      browserName: "firefox",
      "moz:firefoxOptions": {
        binary: "/usr/bin/firefox-esr",
        args: ["-headless", `--width=${VIEWPORT.width}`, `--height=${VIEWPORT.height}`],
        prefs: {
          "browser.download.dir": downloads,
          "browser.download.folderList": 2,
          "browser.download.useDownloadDir": true,
          "browser.download.always_ask_before_handling_new_types": false,
          "browser.download.alwaysOpenPanel": false,
          // No update checks, telemetry or remote settings: the tests stay offline.
          "app.update.enabled": false,
          "datareporting.policy.dataSubmissionEnabled": false,
          "toolkit.telemetry.enabled": false,
          "browser.newtabpage.enabled": false,
        },
      },
    }),
  },
};

/**
 * An engine: `newSession()` starts a driver and a browser with a new, empty
 * profile (geckodriver and WebKitWebDriver hold one session each, so every
 * session has its own driver), `closeSession()` ends one, and `stop()` ends
 * every session and process started here.
 */
export async function startEngine(name, { downloads }) {
  const engine = ENGINES[name];
  if (!engine) throw new Error(`unknown engine ${name}: use ${Object.keys(ENGINES).join(", ")}`);
  const open = new Map(); // WebDriver → the processes behind it, driver first
  const closeSession = async (driver) => {
    const processes = open.get(driver) || [];
    open.delete(driver);
    await driver.quit().catch(() => {});
    for (const p of processes) await stopProcess(p);
  };
  return {
    name,
    label: engine.label,
    version: engine.version(),
    async newSession() {
      const port = await freePort();
      const { processes, main } = await engine.startDriver(port);
      const url = `http://127.0.0.1:${port}`;
      let driver;
      try {
        await waitForHttp(`${url}/status`, `the ${name} driver`, main);
        const caps = new Capabilities(engine.capabilities({ downloads }));
        driver = await WebDriver.createSession(new Executor(new HttpClient(url)), caps);
      } catch (e) {
        for (const p of processes) await stopProcess(p);
        throw e;
      }
      open.set(driver, [main, ...processes.filter((p) => p !== main)]);
      await driver.manage().setTimeouts({ script: 120_000, pageLoad: 60_000, implicit: 0 });
      try {
        await driver.manage().window().setRect({ ...VIEWPORT });
      } catch {}
      return driver;
    },
    closeSession,
    /** The driver's process id: the browser's processes run below it. */
    driverPid: (driver) => open.get(driver)?.[0]?.pid,
    async stop() {
      for (const driver of [...open.keys()]) await closeSession(driver);
    },
  };
}
