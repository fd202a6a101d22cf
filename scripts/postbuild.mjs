// Trunk post_build hook (see Trunk.toml). Runs on the staging directory before
// Trunk moves it into dist/:
//  1. puts the sha256 of every inline script (Trunk's wasm loader) into the
//     Content-Security-Policy meta tag, so the policy needs no 'unsafe-inline';
//  2. writes sw.js, the service worker that precaches exactly this build's files
//     under a cache named after their content.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("postbuild: TRUNK_STAGING_DIR is not set; run this through trunk build.");
  process.exit(1);
}
const here = dirname(fileURLToPath(import.meta.url));

// 1. Content-Security-Policy hashes for inline scripts.
const indexPath = join(staging, "index.html");
let html = readFileSync(indexPath, "utf8");
const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (inline.length === 0) {
  console.error("postbuild: found no inline loader script in index.html; has Trunk changed?");
  process.exit(1);
}
const hashes = inline.map((s) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`);
if (!html.includes("__LOADER_HASH__")) {
  console.error("postbuild: the CSP placeholder __LOADER_HASH__ is missing from index.html.");
  process.exit(1);
}
html = html.replace("__LOADER_HASH__", hashes.join(" "));
writeFileSync(indexPath, html);

// 2. Service worker over every file of this build.
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
const files = walk(staging)
  .map((p) => "/" + relative(staging, p).split(sep).join("/"))
  .filter((p) => p !== "/sw.js")
  .sort();
const digest = createHash("sha256");
for (const f of files) digest.update(f).update(readFileSync(join(staging, f)));
const version = digest.digest("hex").slice(0, 16);
const precache = ["/", ...files];
const sw = readFileSync(join(here, "sw.template.js"), "utf8")
  .replace("__CACHE_NAME__", `psynotes-${version}`)
  .replace("__PRECACHE__", JSON.stringify(precache, null, 2));
writeFileSync(join(staging, "sw.js"), sw);
console.log(`postbuild: CSP covers ${hashes.length} inline script(s); sw.js precaches ${precache.length} paths as psynotes-${version}`);
