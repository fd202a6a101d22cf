// A small page API over W3C WebDriver, the same in every engine. Controls are
// found by role and accessible name, or by label, as a person (or a screen
// reader) finds them; the name is computed in the page by `find` below, which
// follows the accessible-name rules the app's markup uses (aria-labelledby,
// aria-label, <label>, <legend>, then content), as Playwright does in its own
// injected script. Nothing here looks at CSS classes or ids.
import { error as seleniumError } from "selenium-webdriver";

export const TIMEOUT = Number(process.env.ENGINES_TIMEOUT_MS || 20_000);

/**
 * Runs in the page: the elements matching `q`, in document order.
 * q: { role, name, level, label, text, partial, hasText, textIs, includeHidden };
 * `within` (an element) is its own argument: WebKit's driver does not turn
 * element references nested in an object back into elements.
 */
function find(q, within) {
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  const styleOf = (el) => getComputedStyle(el);
  const shown = (el) => {
    if (!el.isConnected || el.getClientRects().length === 0) return false;
    return styleOf(el).visibility !== "hidden";
  };
  const controls = new Set(["INPUT", "SELECT", "TEXTAREA"]);
  // Name from content: text, and the names of labelled or alt-texted children.
  const textOf = (node) => {
    let out = "";
    for (const c of node.childNodes) {
      if (c.nodeType === 3) out += c.data;
      else if (c.nodeType === 1) {
        if (c.getAttribute("aria-hidden") === "true" || controls.has(c.tagName)) continue;
        const st = styleOf(c);
        if (st.display === "none" || st.visibility === "hidden") continue;
        if (c.hasAttribute("aria-label")) out += ` ${c.getAttribute("aria-label")} `;
        else if (c.tagName === "IMG") out += ` ${c.getAttribute("alt") || ""} `;
        else if (st.display === "inline") out += textOf(c);
        else out += ` ${textOf(c)} `;
      }
    }
    return out;
  };
  const level = (el) => {
    const m = /^H([1-6])$/.exec(el.tagName);
    return m ? Number(m[1]) : Number(el.getAttribute("aria-level") || 0);
  };
  const fromContent = new Set(["button", "link", "heading", "checkbox", "radio", "tab", "option", "menuitem", "listitem", "cell"]);
  const roleOf = (el) => {
    const explicit = el.getAttribute("role");
    if (explicit) return explicit.split(/\s+/)[0];
    const tag = el.tagName;
    if (/^H[1-6]$/.test(tag)) return "heading";
    switch (tag) {
      case "BUTTON": return "button";
      case "A": return el.hasAttribute("href") ? "link" : null;
      case "TEXTAREA": return "textbox";
      case "SELECT": return el.multiple || el.size > 1 ? "listbox" : "combobox";
      case "UL": case "OL": return "list";
      case "LI": return "listitem";
      case "FIELDSET": return "group";
      case "OUTPUT": return "status";
      case "NAV": return "navigation";
      case "ARTICLE": return "article";
      case "MAIN": return "main";
      case "IMG": return "img";
      case "SECTION": return el.hasAttribute("aria-label") || el.hasAttribute("aria-labelledby") ? "region" : null;
      case "INPUT": {
        const t = el.type;
        if (["button", "submit", "reset", "image"].includes(t)) return "button";
        if (t === "checkbox" || t === "radio") return t;
        if (t === "search") return el.list ? "combobox" : "searchbox";
        if (["text", "email", "tel", "url"].includes(t)) return el.list ? "combobox" : "textbox";
        if (t === "number") return "spinbutton";
        return null;
      }
      default: return null;
    }
  };
  const nameOf = (el) => {
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      return norm(by.split(/\s+/).map((id) => {
        const ref = document.getElementById(id);
        return ref ? ref.getAttribute("aria-label") || textOf(ref) : "";
      }).join(" "));
    }
    const aria = norm(el.getAttribute("aria-label"));
    if (aria) return aria;
    if (el.labels && el.labels.length) return norm([...el.labels].map(textOf).join(" "));
    if (el.tagName === "FIELDSET") {
      const legend = el.querySelector(":scope > legend");
      if (legend) return norm(textOf(legend));
    }
    if (el.tagName === "INPUT" && ["button", "submit", "reset"].includes(el.type)) return norm(el.value);
    if (fromContent.has(roleOf(el))) return norm(textOf(el));
    return norm(el.getAttribute("title"));
  };
  const want = q.name ?? q.label ?? q.text;
  const matches = (s) => {
    if (want === undefined || want === null) return true;
    const a = norm(s).toLowerCase();
    const b = norm(want).toLowerCase();
    return q.partial ? a.includes(b) : a === b;
  };
  const scope = within || document;
  const all = [...scope.querySelectorAll("*")];
  let found;
  if (q.role) {
    found = all.filter((el) => roleOf(el) === q.role && (!q.level || level(el) === q.level) && matches(nameOf(el)));
  } else if (q.label !== undefined) {
    found = all.filter((el) =>
      (controls.has(el.tagName) || el.hasAttribute("aria-label") || el.hasAttribute("aria-labelledby")) &&
      !["hidden", "submit", "button"].includes(el.type) && matches(nameOf(el)));
  } else {
    // The innermost elements whose text matches.
    const hits = all.filter((el) => !["SCRIPT", "STYLE", "TEMPLATE"].includes(el.tagName) && matches(textOf(el)));
    found = hits.filter((el) => !hits.some((other) => other !== el && el.contains(other)));
  }
  if (q.hasText) found = found.filter((el) => norm(el.textContent).toLowerCase().includes(norm(q.hasText).toLowerCase()));
  if (q.textIs) found = found.filter((el) => norm(el.textContent).toLowerCase() === norm(q.textIs).toLowerCase());
  return q.includeHidden ? found : found.filter(shown);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const describe = (q) =>
  q.role
    ? `${q.role}${q.name !== undefined ? ` "${q.name}"` : ""}${q.hasText ? ` with text "${q.hasText}"` : ""}${q.textIs ? ` saying "${q.textIs}"` : ""}`
    : q.label !== undefined ? `field "${q.label}"` : `text "${q.text}"`;
const transient = (e) =>
  e instanceof seleniumError.StaleElementReferenceError ||
  e instanceof seleniumError.ElementClickInterceptedError ||
  e instanceof seleniumError.ElementNotInteractableError;

/** Polls `fn` until it returns a truthy value, or fails with `message`. */
export async function waitFor(fn, message, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (e) {
      if (!transient(e)) throw e;
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${typeof message === "function" ? await message().catch(() => "timed out") : message} (after ${timeout} ms)${last ? `: ${last.message}` : ""}`);
    }
    await sleep(100);
  }
}

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

class Locator {
  constructor(page, query) {
    this.page = page;
    this.query = query;
  }

  /** The matches now (no waiting). */
  async all() {
    const { within, ...q } = this.query;
    return this.page.driver.executeScript(find, q, within ? await within.one() : null);
  }

  async count() {
    return (await this.all()).length;
  }

  /** Waits for exactly one match, and returns it. */
  async one(timeout = TIMEOUT) {
    let seen = 0;
    return waitFor(async () => {
      const els = await this.all();
      seen = els.length;
      return els.length === 1 ? els[0] : null;
    }, () => Promise.resolve(seen > 1 ? `${seen} elements match ${describe(this.query)}` : `no ${describe(this.query)} on the page`), timeout);
  }

  /** Retries `act(element)` while the page is re-rendering under it. */
  async act(act, timeout = TIMEOUT) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const el = await this.one(Math.max(1_000, deadline - Date.now()));
      try {
        return await act(el);
      } catch (e) {
        if (!transient(e) || Date.now() > deadline) throw e;
        await sleep(100);
      }
    }
  }

  async click(timeout) {
    await this.act(async (el) => {
      // Centred, so the sticky header cannot cover it (drivers scroll it to an edge).
      await this.page.driver.executeScript((e) => e.scrollIntoView({ block: "center", inline: "center" }), el);
      await el.click();
    }, timeout);
  }

  /** Sets a field's text by typing it, as a person would. Dates, times and
   * selects are set the way Playwright's fill and selectOption set them. */
  async fill(text) {
    await this.act(async (el) => {
      const kind = await this.page.driver.executeScript(
        (e) => (e.tagName === "SELECT" ? "select" : e.tagName === "INPUT" ? e.type : e.tagName.toLowerCase()), el);
      if (["date", "time", "datetime-local", "month", "week", "select"].includes(kind)) {
        await this.page.driver.executeScript((e, v) => {
          e.focus();
          e.value = v;
          e.dispatchEvent(new Event("input", { bubbles: true }));
          e.dispatchEvent(new Event("change", { bubbles: true }));
        }, el, text);
        const now = await this.page.driver.executeScript((e) => e.value, el);
        expect(now === text, `${describe(this.query)} did not take the value ${text} (it has ${now})`);
        return;
      }
      await this.page.driver.executeScript((e) => {
        e.focus();
        e.value = "";
        e.dispatchEvent(new Event("input", { bubbles: true }));
      }, el);
      await el.sendKeys(text);
      // Keys go wherever focus is: if the app moved focus while they were
      // typed, the field holds only part of the text. Say so here, not three
      // steps later as a missing heading.
      const typed = await this.page.driver.executeScript((e) => e.value, el);
      expect(typed === text, `${describe(this.query)} holds "${typed}" after "${text}" was typed into it (focus moved while typing?)`);
    });
  }

  async select(value) {
    await this.fill(value);
  }

  async check() {
    await this.act(async (el) => {
      if (!(await el.isSelected())) {
        await this.page.driver.executeScript((e) => e.scrollIntoView({ block: "center" }), el);
        await el.click();
      }
      expect(await el.isSelected(), `${describe(this.query)} did not become checked`);
    });
  }

  /** Gives a file input a file from this machine (the driver runs here). */
  async setFile(path) {
    await this.act((el) => el.sendKeys(path));
  }

  async value() {
    return this.act((el) => this.page.driver.executeScript((e) => e.value, el));
  }

  async text() {
    return this.act((el) => this.page.driver.executeScript((e) => e.textContent, el));
  }

  async waitVisible(timeout) {
    await this.one(timeout);
  }

  async waitCount(n, timeout = TIMEOUT) {
    let seen;
    await waitFor(async () => (seen = await this.count()) === n, () => Promise.resolve(`expected ${n} × ${describe(this.query)}, found ${seen}`), timeout);
  }

  async waitGone(timeout) {
    await this.waitCount(0, timeout);
  }

  async waitValue(expected, timeout = TIMEOUT) {
    let seen;
    await waitFor(async () => (seen = await this.value()) === expected,
      () => Promise.resolve(`${describe(this.query)} holds ${JSON.stringify(seen)}, not ${JSON.stringify(expected)}`), timeout);
  }

  async waitText(expected, timeout = TIMEOUT) {
    let seen;
    await waitFor(async () => (seen = (await this.text()) || "").includes(expected),
      () => Promise.resolve(`${describe(this.query)} reads ${JSON.stringify(seen)}, without ${JSON.stringify(expected)}`), timeout);
  }
}

export class Page {
  constructor(driver, { baseURL, engine }) {
    this.driver = driver;
    this.baseURL = baseURL;
    this.engine = engine;
    this.problems = [];
  }

  role(role, name, options = {}) {
    return new Locator(this, { role, name, ...options });
  }

  label(label, options = {}) {
    return new Locator(this, { label, ...options });
  }

  text(text, options = {}) {
    return new Locator(this, { text, ...options });
  }

  async goto(path) {
    await this.collectProblems();
    await this.driver.get(this.baseURL + path);
    await this.ready();
  }

  async reload() {
    await this.collectProblems();
    await this.driver.navigate().refresh();
    await this.ready();
  }

  /** Waits for the app to mount, then listens for errors and CSP violations. */
  async ready() {
    await waitFor(() => this.driver.executeScript(() => {
      const app = document.getElementById("app");
      return !document.getElementById("boot") && app && app.children.length > 0;
    }), "the app did not start", 60_000);
    await this.driver.executeScript(() => {
      if (window.__engineProblems) return;
      window.__engineProblems = [];
      addEventListener("error", (e) => window.__engineProblems.push(`error: ${e.message}`));
      addEventListener("unhandledrejection", (e) => window.__engineProblems.push(`unhandled rejection: ${e.reason}`));
      document.addEventListener("securitypolicyviolation", (e) =>
        window.__engineProblems.push(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
  }

  async collectProblems() {
    const found = await this.driver.executeScript(() => (window.__engineProblems || []).splice(0)).catch(() => []);
    this.problems.push(...(found || []));
  }

  /** Fails if the page reported an error or a CSP violation since it loaded. */
  async expectNoProblems() {
    await this.collectProblems();
    const problems = this.problems.splice(0);
    expect(problems.length === 0, `the page reported: ${problems.join("; ")}`);
  }

  /** Whole-page text, including form fields' values. */
  async everything() {
    return this.driver.executeScript(() =>
      document.documentElement.outerHTML + [...document.querySelectorAll("input, textarea")].map((e) => e.value).join(" "));
  }

  /**
   * Runs `action`, which makes the app save a file, and returns the file's
   * name and bytes. The bytes are those of the Blob behind the download link
   * the app clicked (its object URL is kept until the app revokes it), read in
   * the page with Blob.arrayBuffer(): WebDriver has no download API that every
   * engine shares, and fetching a blob: URL would break the app's CSP.
   */
  async download(action) {
    await this.driver.executeScript(() => {
      window.__engineDownloads = [];
      if (window.__engineDownloadHook) return;
      window.__engineDownloadHook = true;
      const blobs = new Map();
      const create = URL.createObjectURL;
      URL.createObjectURL = function (obj) {
        const url = create.call(URL, obj);
        if (obj instanceof Blob) blobs.set(url, obj);
        return url;
      };
      const click = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function () {
        if (this.hasAttribute("download")) {
          window.__engineDownloads.push({ name: this.download, blob: blobs.get(this.href) || null });
        }
        return click.call(this);
      };
    });
    await action();
    await waitFor(() => this.driver.executeScript(() => window.__engineDownloads.length > 0), "the app started no download");
    const file = await this.driver.executeAsyncScript(function (done) {
      const d = window.__engineDownloads[0];
      if (!d.blob) return done({ name: d.name, error: "the download link is not a Blob URL" });
      d.blob.arrayBuffer().then((buf) => {
        const bytes = new Uint8Array(buf);
        let s = "";
        for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
        done({ name: d.name, type: d.blob.type, b64: btoa(s) });
      }, (e) => done({ name: d.name, error: String(e) }));
    });
    expect(!file.error, `could not read the downloaded file: ${file.error}`);
    return { name: file.name, type: file.type, bytes: Buffer.from(file.b64, "base64") };
  }
}
