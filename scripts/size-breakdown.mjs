// Where the app's code bytes go, by family of crates: reads the function names
// that cargo leaves in the wasm *before* wasm-bindgen and wasm-opt strip them.
// The figures are of code not yet through wasm-opt (about 1.2x the shipped
// size), and a function counts for the crate in its name, including whatever
// was inlined into it: good for proportions, not totals.
// Usage: node scripts/size-breakdown.mjs [target/wasm32-unknown-unknown/release/psynotes.wasm]
import { readFileSync } from "node:fs";

const path = process.argv[2] || "target/wasm32-unknown-unknown/release/psynotes.wasm";
const buf = readFileSync(path);
const at = { i: 8 };
const leb = () => {
  let value = 0, shift = 0, byte;
  do {
    byte = buf[at.i++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return value;
};
const skipLimits = () => { const flags = buf[at.i++]; leb(); if (flags & 1) leb(); };

let importedFunctions = 0;
const bodies = [];
const names = new Map();
while (at.i < buf.length) {
  const id = buf[at.i++];
  const size = leb();
  const end = at.i + size;
  if (id === 2) {
    for (let n = leb(); n > 0; n--) {
      at.i += leb(); // module
      at.i += leb(); // field
      const kind = buf[at.i++];
      if (kind === 0) { leb(); importedFunctions++; }
      else if (kind === 1) { at.i++; skipLimits(); }
      else if (kind === 2) skipLimits();
      else if (kind === 3) at.i += 2;
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) { const s = leb(); bodies.push(s); at.i += s; }
  } else if (id === 0) {
    const nameLength = leb();
    const section = buf.subarray(at.i, at.i + nameLength).toString();
    at.i += nameLength;
    while (section === "name" && at.i < end) {
      const sub = buf[at.i++];
      const subEnd = leb() + at.i;
      if (sub === 1) {
        for (let n = leb(); n > 0; n--) {
          const index = leb();
          const length = leb();
          names.set(index, buf.subarray(at.i, at.i + length).toString());
          at.i += length;
        }
      }
      at.i = subEnd;
    }
  }
  at.i = end;
}
if (names.size === 0) {
  console.error(`size-breakdown: ${path} has no function names; build it with trunk build --release first.`);
  process.exit(1);
}

// First match wins: a view of this app is counted as Leptos, whose generic code it is.
const families = [
  ["Leptos views and reactivity", /tachys|reactive_graph|either_of|leptos|any_spawner|oco_ref|slotmap|send_wrapper|guardian|or_poisoned|throw_error/],
  ["serde, serde_json", /serde/],
  ["wasm-bindgen, js-sys, web-sys glue", /wasm_bindgen|js_sys|web_sys|__wbindgen|__wbg/],
  ["IndexedDB (rexie, idb)", /rexie|idb/],
  ["crypto (argon2, blake2, aes, gcm, sha2, hmac, hkdf)", /argon2|blake2|aes|ghash|polyval|sha2|hmac|hkdf|universal_hash|cipher/],
  ["psynotes (its own functions, view closures included)", /psynotes/],
  ["core, alloc, std", /core|alloc|std|dlmalloc|hashbrown/],
];
const totals = new Map();
let all = 0;
bodies.forEach((size, k) => {
  const name = names.get(importedFunctions + k) || "";
  const family = families.find(([, re]) => re.test(name))?.[0] ?? "other";
  totals.set(family, (totals.get(family) || 0) + size);
  all += size;
});
console.log(`code bytes by family (${bodies.length} functions, ${all} bytes, unoptimised):`);
for (const [family, size] of [...totals].sort((a, b) => b[1] - a[1])) {
  console.log(`${String(size).padStart(9)}  ${((100 * size) / all).toFixed(1).padStart(5)}%  ${family}`);
}
