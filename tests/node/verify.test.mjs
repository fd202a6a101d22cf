// The recipient's verifier (public/verify.js) against exports made by the Rust
// export code (target/export-samples/, written by src/export/samples.rs):
// - an untouched export verifies, JSON and FHIR alike;
// - every single-character change to a signed note's text, signer, time, late
//   entry or addenda is caught, and so are dropped or reordered addenda.
// verify.js is a plain browser script; it is run here as it is in the page and
// defines globalThis.PsynotesVerify. Node 20 has crypto.subtle, atob and btoa.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
vm.runInThisContext(readFileSync(join(root, "public", "verify.js"), "utf8"), { filename: "verify.js" });
const { verifyExport, verifyJsonNote, canonical } = globalThis.PsynotesVerify;

function samples(kind) {
  const dir = join(root, "target", "export-samples", kind);
  const names = readdirSync(dir).filter((n) => n.endsWith(".json")).sort();
  assert.ok(names.length > 0, `no ${kind} samples in ${dir}: run cargo test first`);
  return names.map((name) => ({ name, doc: JSON.parse(readFileSync(join(dir, name), "utf8")) }));
}

const sample = (kind, name) => samples(kind).find((s) => s.name === `${name}.json`).doc;

/** The same text with the code point at `index` replaced by another of its kind. */
function changeOne(text, index) {
  const chars = Array.from(text);
  const c = chars[index];
  chars[index] = /[0-9]/.test(c)
    ? String((Number(c) + 1) % 10)
    : /[a-y]/i.test(c)
      ? String.fromCharCode(c.charCodeAt(0) + 1)
      : c === "x" ? "y" : "x";
  return chars.join("");
}

/** Every single-character variant of a string. */
function* variants(text) {
  const length = Array.from(text).length;
  for (let i = 0; i < length; i++) yield changeOne(text, i);
}

// Fields of a JSON note that no digest covers, by design: the status word is
// implied by the signature; the duration is computed from start and end. Under
// v1, labels, descriptions and the wording of goals and diagnoses are not
// covered either: that note was signed over ids and codes, and the export shows
// the client's current wording, marked as such. v2 covers them all.
// docs/export-format.md says what the digests cover.
// Decided amendment requests travel beside the note (45 CFR 164.526(d)(5)):
// they are the client's and the clinician's words about it, written after it
// was signed, so its digest does not cover them.
const BESIDE = /^amendment_requests\./;
const NOT_COVERED = {
  "psynotes/progress-note/v1": [
    /^status$/,
    /^duration_minutes$/,
    /^sections\.\d+\.label$/,
    /^service_code\.description$/,
    /^place_of_service\.label$/,
    /^referenced_wording\./,
  ],
  "psynotes/progress-note/v2": [/^status$/, /^duration_minutes$/],
  "psynotes/progress-note/v3": [/^status$/, /^duration_minutes$/],
  // A section's hint is a prompt to the writer, not part of what was written.
  "psynotes/progress-note/v5": [/^status$/, /^duration_minutes$/, /^template_definition\.sections\.\d+\.hint$/],
};

const BUILDERS = {
  "psynotes/progress-note/v1": canonical.progressNoteV1,
  "psynotes/progress-note/v2": canonical.progressNoteV2,
  "psynotes/progress-note/v3": canonical.progressNoteV3,
  "psynotes/progress-note/v5": canonical.progressNoteV5,
};

/** [path, value] for every string and number inside a JSON value. */
function* leaves(value, path = []) {
  if (typeof value === "string" || typeof value === "number") yield [path, value];
  else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) yield* leaves(inner, [...path, key]);
  }
}

function setAt(object, path, value) {
  const copy = structuredClone(object);
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key];
  target[path.at(-1)] = value;
  return copy;
}

test("every untouched JSON sample verifies", async () => {
  for (const { name, doc } of samples("json")) {
    const report = await verifyExport(doc);
    assert.equal(report.kind, "json");
    assert.equal(report.notes.length, doc.progress_notes.length, name);
    for (const [i, note] of report.notes.entries()) {
      const expected = doc.progress_notes[i].status === "signed" ? "verified" : "not-signed";
      assert.equal(note.status, expected, `${name} ${note.id}: ${note.problems.join("; ")}`);
    }
  }
  const practice = await verifyExport(sample("json", "practice-with-drafts-asked-for"));
  assert.ok(practice.notes.some((n) => n.status === "not-signed"), "the sample has a draft");
});

test("every untouched FHIR sample verifies", async () => {
  for (const { name, doc } of samples("fhir")) {
    const report = await verifyExport(doc);
    assert.equal(report.kind, "fhir");
    const json = sample("json", name.replace(/\.json$/, ""));
    const signed = json.progress_notes.filter((n) => n.status === "signed");
    assert.equal(report.notes.length, signed.length, name);
    for (const note of report.notes) {
      assert.equal(note.status, "verified", `${name} ${note.id}: ${note.problems.join("; ")}`);
    }
  }
});

test("the JSON fields rebuild exactly the text the FHIR bundle attaches", () => {
  const json = sample("json", "practice-with-drafts-asked-for");
  const fhir = sample("fhir", "practice-with-drafts-asked-for");
  const formats = new Set();
  for (const note of json.progress_notes.filter((n) => n.status === "signed")) {
    const doc = fhir.entry.find((e) => e.resource.identifier && e.resource.identifier[0].value === note.id).resource;
    const attached = Buffer.from(doc.content[0].attachment.data, "base64").toString("utf8");
    const format = note.signature.content_format;
    formats.add(format);
    assert.equal(BUILDERS[format](note), attached, note.id);
    assert.equal(attached.split("\n")[0], format, note.id);
  }
  assert.deepEqual([...formats].sort(), Object.keys(BUILDERS).sort(), "the sample has every format");
});

test("v2 covers the wording a note was signed with; v1 does not", async () => {
  const note = sample("json", "late-note-with-two-addenda").progress_notes[0];
  assert.equal(note.signature.content_format, "psynotes/progress-note/v2");
  assert.equal(note.referenced_wording.signed, true);
  const edits = {
    "goal reworded": (n) => (n.referenced_wording.goals[0].goal_text = "EDITED GOAL: reduce panic attacks to zero"),
    "goal text dropped": (n) => (n.referenced_wording.goals[0].goal_text = null),
    "objective added": (n) => (n.referenced_wording.goals[0].objective_text = "No attacks for four weeks"),
    "diagnosis described otherwise": (n) => (n.referenced_wording.diagnoses[0].description = "Panic disorder"),
    "diagnosis description dropped": (n) => (n.referenced_wording.diagnoses[0].description = null),
    "wording moved to another code": (n) => (n.referenced_wording.diagnoses[0].code = "F41.0"),
    "wording of another goal": (n) => (n.referenced_wording.goals[0].goal_id = "goal-2"),
    "a wording entry dropped": (n) => n.referenced_wording.goals.pop(),
    "wording not marked as signed": (n) => (n.referenced_wording.signed = false),
    "wording removed": (n) => delete n.referenced_wording,
    "section relabelled": (n) => (n.sections[0].label = "Subjective report"),
    "service renamed": (n) => (n.service_code.description = "Psychotherapy, 45 min"),
    "place renamed": (n) => (n.place_of_service.label = "Clinic"),
    "downgraded to v1": (n) => (n.signature.content_format = "psynotes/progress-note/v1"),
  };
  for (const [what, edit] of Object.entries(edits)) {
    const changed = structuredClone(note);
    edit(changed);
    assert.equal((await verifyJsonNote(changed)).status, "changed", what);
  }

  // A v1 note's wording is the client's current one: editing it changes no digest.
  const legacy = sample("json", "legacy-v1-note").progress_notes[0];
  assert.equal(legacy.signature.content_format, "psynotes/progress-note/v1");
  assert.equal(legacy.referenced_wording.signed, false);
  const edited = structuredClone(legacy);
  edited.referenced_wording.goals[0].goal_text = "EDITED GOAL: reduce panic attacks to zero";
  const result = await verifyJsonNote(edited);
  assert.equal(result.status, "verified");
  assert.equal(result.format, "psynotes/progress-note/v1");
  // Claiming v2 for it does not verify either.
  const upgraded = structuredClone(legacy);
  upgraded.signature.content_format = "psynotes/progress-note/v2";
  upgraded.referenced_wording.signed = true;
  assert.equal((await verifyJsonNote(upgraded)).status, "changed");
});

test("v3 covers the questionnaire results a note includes; v1 and v2 notes have none", async () => {
  const notes = sample("json", "practice-with-drafts-asked-for").progress_notes;
  const note = notes.find((n) => n.signature && n.signature.content_format === "psynotes/progress-note/v3");
  assert.ok(note, "the sample has a v3 note");
  assert.equal((await verifyJsonNote(note)).status, "verified");
  assert.equal(note.measure_results_included[0].score_line, "PHQ-9 score: 18");
  const edits = {
    "score rewritten": (n) => (n.measure_results_included[0].score_line = "PHQ-9 score: 8"),
    "total changed": (n) => (n.measure_results_included[0].total = 8),
    "band dropped": (n) => (n.measure_results_included[0].band = null),
    "a result dropped": (n) => n.measure_results_included.pop(),
    "results reordered": (n) => n.measure_results_included.reverse(),
    "every result dropped": (n) => (n.measure_results_included = []),
    "results removed": (n) => delete n.measure_results_included,
    "downgraded to v2": (n) => (n.signature.content_format = "psynotes/progress-note/v2"),
  };
  for (const [what, edit] of Object.entries(edits)) {
    const changed = structuredClone(note);
    edit(changed);
    assert.equal((await verifyJsonNote(changed)).status, "changed", what);
  }
  // A result slipped into a note signed without any does not verify.
  for (const format of ["psynotes/progress-note/v1", "psynotes/progress-note/v2"]) {
    const other = notes.find((n) => n.signature && n.signature.content_format === format);
    assert.equal((await verifyJsonNote(other)).status, "verified", format);
    const added = structuredClone(other);
    added.measure_results_included = structuredClone(note.measure_results_included);
    assert.equal((await verifyJsonNote(added)).status, "changed", format);
  }
});

test("v5 covers the custom template a note was written with: its name, version, blocks and sections", async () => {
  const notes = sample("json", "practice-with-drafts-asked-for").progress_notes;
  const note = notes.find((n) => n.signature && n.signature.content_format === "psynotes/progress-note/v5");
  assert.ok(note, "the sample has a v5 note");
  assert.equal((await verifyJsonNote(note)).status, "verified");
  const edits = {
    "a section made optional": (n) => (n.template_definition.sections[0].required = false),
    "a section made required": (n) => (n.template_definition.sections[1].required = true),
    "a block added": (n) => (n.template_definition.blocks.goals = true),
    "a block removed": (n) => (n.template_definition.blocks.risk = false),
    "sections reordered": (n) => n.template_definition.sections.reverse(),
    "a section dropped": (n) => n.template_definition.sections.pop(),
    "another version": (n) => (n.template_definition.version = 2),
    "renamed in the definition only": (n) => (n.template_definition.name = "Couples session"),
    "renamed everywhere": (n) => {
      n.template = "Couples session";
      n.template_definition.name = "Couples session";
    },
    "definition removed": (n) => delete n.template_definition,
    "downgraded to v4": (n) => (n.signature.content_format = "psynotes/progress-note/v4"),
    "downgraded to v3": (n) => (n.signature.content_format = "psynotes/progress-note/v3"),
  };
  for (const [what, edit] of Object.entries(edits)) {
    const changed = structuredClone(note);
    edit(changed);
    assert.notEqual((await verifyJsonNote(changed)).status, "verified", what);
  }
  // A definition slipped into a note of a built-in template does not verify.
  const builtIn = structuredClone(notes.find((n) => n.signature && n.signature.content_format === "psynotes/progress-note/v2"));
  builtIn.template_definition = structuredClone(note.template_definition);
  assert.notEqual((await verifyJsonNote(builtIn)).status, "verified");
});

test("instants become the milliseconds the app stored", () => {
  assert.equal(canonical.instantMillis("2024-03-05T15:50:00.000"), "1709653800000");
  assert.equal(canonical.instantMillis("1969-12-31T23:59:59.999"), "-1");
  assert.equal(canonical.instantMillis("0001-01-01T00:00:00.000"), "-62135596800000");
  assert.throws(() => canonical.instantMillis("2023-02-29T00:00:00.000"));
  assert.throws(() => canonical.instantMillis("2024-03-05T15:50:00"));
});

for (const name of ["late-note-with-two-addenda", "practice-with-drafts-asked-for", "legacy-v1-note"]) {
  test(`every single-character change to a signed note is caught (JSON, ${name})`, async () => {
    const doc = sample("json", name);
    let tried = 0;
    for (const note of doc.progress_notes.filter((n) => n.status === "signed")) {
      assert.equal((await verifyJsonNote(note)).status, "verified");
      const notCovered = NOT_COVERED[note.signature.content_format];
      assert.ok(notCovered, `${note.id}: format ${note.signature.content_format}`);
      for (const [path, value] of leaves(note)) {
        const where = path.join(".");
        if (BESIDE.test(where) || notCovered.some((pattern) => pattern.test(where))) continue;
        const changed = typeof value === "number" ? [value + 1] : variants(value);
        for (const variant of changed) {
          const result = await verifyJsonNote(setAt(note, path, variant));
          tried++;
          assert.notEqual(result.status, "verified", `${note.id}: ${where} = ${JSON.stringify(variant)} was not caught`);
        }
      }
    }
    assert.ok(tried > 500, `only ${tried} changes tried`);
  });
}

test("dropped, reordered or unsealed addenda are caught (JSON)", async () => {
  const note = sample("json", "late-note-with-two-addenda").progress_notes[0];
  assert.equal(note.addenda.length, 2);
  const dropLast = structuredClone(note);
  dropLast.addenda.pop();
  const swapped = structuredClone(note);
  swapped.addenda.reverse();
  const noSeal = structuredClone(note);
  noSeal.seal = null;
  const noLate = structuredClone(note);
  noLate.late_entry = null;
  for (const [what, changed] of Object.entries({ dropLast, swapped, noSeal, noLate })) {
    const result = await verifyJsonNote(changed);
    assert.equal(result.status, "changed", what);
  }
  const unsigned = structuredClone(note);
  unsigned.signature = null;
  assert.equal((await verifyJsonNote(unsigned)).status, "not-signed");
});

/** The note DocumentReferences of a bundle, with their addenda, by entry index. */
function noteEntries(bundle) {
  return bundle.entry
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => entry.resource.resourceType === "DocumentReference");
}

const decode = (data) => Buffer.from(data, "base64").toString("utf8");
const encode = (text) => Buffer.from(text, "utf8").toString("base64");

async function statusOf(bundle, id) {
  const report = await verifyExport(bundle);
  const found = report.notes.find((n) => n.id === id);
  return found ? found.status : "missing";
}

for (const name of ["late-note-with-two-addenda", "practice-with-drafts-asked-for", "legacy-v1-note"]) {
  test(`every single-character change to a signed note is caught (FHIR, ${name})`, async () => {
    const whole = sample("fhir", name);
    let tried = 0;
    for (const { entry } of noteEntries(whole).filter(({ entry }) => !entry.resource.relatesTo)) {
      const id = entry.resource.identifier[0].value;
      assert.equal(await statusOf(whole, id), "verified");
      // The note and its addenda alone, so each of the thousands of variants
      // copies and checks one note rather than the whole bundle.
      const bundle = {
        resourceType: "Bundle",
        type: "collection",
        entry: whole.entry.filter(
          (e) => e === entry || (e.resource.relatesTo && e.resource.relatesTo[0].target.reference === entry.fullUrl),
        ),
      };
      assert.equal(await statusOf(bundle, id), "verified");
      for (const { index } of noteEntries(bundle)) {
        const path = ["entry", index, "resource"];
        const resource = bundle.entry[index].resource;
        // The signed bytes: each character of the decoded text, re-encoded.
        const text = decode(resource.content[0].attachment.data);
        for (const variant of variants(text)) {
          const changed = setAt(bundle, [...path, "content", 0, "attachment", "data"], encode(variant));
          tried++;
          assert.equal(await statusOf(changed, id), "changed", `${id}: attached text not caught`);
        }
        // The base64 itself, character by character (on one sample: it tests the
        // decoder's strictness, which does not depend on the note).
        const data = resource.content[0].attachment.data;
        for (const variant of name === "late-note-with-two-addenda" ? variants(data) : []) {
          const changed = setAt(bundle, [...path, "content", 0, "attachment", "data"], variant);
          tried++;
          assert.notEqual(await statusOf(changed, id), "verified", `${id}: base64 ${variant.slice(-12)} not caught`);
        }
        // Every signature, late-entry, seal and addendum value.
        for (const [extIndex, ext] of resource.extension.entries()) {
          // Beside the note, not signed with it (see BESIDE).
          if (ext.url.endsWith("/amendment-request")) continue;
          for (const [partIndex, part] of ext.extension.entries()) {
            for (const key of ["valueString", "valueInteger"]) {
              if (!(key in part)) continue;
              const at = [...path, "extension", extIndex, "extension", partIndex, key];
              const changed = typeof part[key] === "number" ? [part[key] + 1] : variants(part[key]);
              for (const variant of changed) {
                tried++;
                assert.notEqual(
                  await statusOf(setAt(bundle, at, variant), id),
                  "verified",
                  `${id}: ${ext.url.split("/").pop()}.${part.url} = ${JSON.stringify(variant)} not caught`,
                );
              }
            }
          }
        }
      }
    }
    assert.ok(tried > 1000, `only ${tried} changes tried`);
  });
}

test("a dropped or re-pointed addendum is caught (FHIR)", async () => {
  const bundle = sample("fhir", "late-note-with-two-addenda");
  const addenda = bundle.entry.filter((e) => e.resource.relatesTo);
  assert.equal(addenda.length, 2);
  const dropped = structuredClone(bundle);
  dropped.entry = dropped.entry.filter((e) => e.fullUrl !== addenda[1].fullUrl);
  assert.equal((await verifyExport(dropped)).notes[0].status, "changed");
  const repointed = structuredClone(bundle);
  repointed.entry.find((e) => e.fullUrl === addenda[0].fullUrl).resource.relatesTo[0].target.reference = "urn:uuid:elsewhere";
  const report = await verifyExport(repointed);
  assert.ok(report.notes.every((n) => n.status === "changed"), JSON.stringify(report.notes));
});

test("a file that is not an export is refused with a message", async () => {
  await assert.rejects(verifyExport({ hello: "world" }), /not a Psynotes export/);
  await assert.rejects(verifyExport({ format: "psynotes-progress-notes", version: 2, progress_notes: [] }), /version 2/);
});

test("a format from a newer app is reported as not checkable, not as verified", async () => {
  const note = structuredClone(sample("json", "late-note-with-two-addenda").progress_notes[0]);
  note.signature.content_format = "psynotes/progress-note/v9";
  const result = await verifyJsonNote(note);
  assert.equal(result.status, "unknown-format");
  assert.deepEqual(result.unknownFormats, ["psynotes/progress-note/v9"]);
});

test("the example in docs/export-format.md verifies", async () => {
  const doc = readFileSync(join(root, "docs", "export-format.md"), "utf8");
  const example = doc.slice(doc.indexOf("## Example")).match(/```json\n([\s\S]*?)\n```/);
  assert.ok(example, "the example is there");
  const report = await verifyExport(JSON.parse(example[1]));
  assert.ok(report.notes.length > 0);
  for (const note of report.notes) assert.equal(note.status, "verified", note.problems.join("; "));
});
