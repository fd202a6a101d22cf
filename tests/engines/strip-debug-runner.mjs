// Cargo runner for the browser layer in Firefox and WebKit: copies the wasm
// test binary without its DWARF sections, then hands it to
// wasm-bindgen-test-runner. A debug test binary here is about 330 MB, of
// which 23 MB is code; the runner spends ~11 s per binary reading the rest.
// Names (the "name" section) and panic messages (file and line) are kept.
//
// Usage (the Makefile sets it): CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="node tests/engines/strip-debug-runner.mjs"
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

const [wasm, ...rest] = process.argv.slice(2);
const bytes = readFileSync(wasm);

function leb(at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

const kept = [bytes.subarray(0, 8)];
for (let at = 8; at < bytes.length; ) {
  const id = bytes[at];
  const [size, body] = leb(at + 1);
  const end = body + size;
  let drop = false;
  if (id === 0) {
    const [nameLength, name] = leb(body);
    drop = bytes.toString("utf8", name, name + nameLength).startsWith(".debug");
  }
  if (!drop) kept.push(bytes.subarray(at, end));
  at = end;
}

const dir = mkdtempSync(join(tmpdir(), "psynotes-wasm-test-"));
const copy = join(dir, basename(wasm));
writeFileSync(copy, Buffer.concat(kept));
const run = spawnSync("wasm-bindgen-test-runner", [copy, ...rest], { stdio: "inherit" });
rmSync(dir, { recursive: true, force: true });
process.exit(run.status ?? 1);
