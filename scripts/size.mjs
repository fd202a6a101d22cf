// Prints the transfer size of the app shell: the wasm, js, css and html of a
// build, raw, gzip -9 and brotli (quality 11), the way a static host would serve them.
// Usage: node scripts/size.mjs [dist] [--json]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const dir = process.argv[2] && !process.argv[2].startsWith("--") ? process.argv[2] : "dist";
const asJson = process.argv.includes("--json");
const kinds = new Set([".wasm", ".js", ".css", ".html"]);
const rows = readdirSync(dir)
  // sw.js and the export checker (verify.*) are not loaded by the app's pages.
  .filter((f) => kinds.has(extname(f)) && f !== "sw.js" && !f.startsWith("verify.") && statSync(join(dir, f)).isFile())
  .sort()
  .map((f) => {
    const data = readFileSync(join(dir, f));
    return {
      file: f,
      raw: data.length,
      gzip: gzipSync(data, { level: 9 }).length,
      brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
if (asJson) {
  console.log(JSON.stringify({ shell_raw_bytes: total.raw, shell_gzip_bytes: total.gzip, shell_brotli_bytes: total.brotli }));
} else {
  const pad = (s, n) => String(s).padStart(n);
  console.log(`${"file".padEnd(40)}${pad("raw", 10)}${pad("gzip", 10)}${pad("brotli", 10)}`);
  for (const r of rows) console.log(`${r.file.padEnd(40)}${pad(r.raw, 10)}${pad(r.gzip, 10)}${pad(r.brotli, 10)}`);
  console.log(`${"shell total".padEnd(40)}${pad(total.raw, 10)}${pad(total.gzip, 10)}${pad(total.brotli, 10)}`);
}
