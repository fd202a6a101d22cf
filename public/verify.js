// Psynotes export verifier.
//
// Checks a Psynotes export (the JSON file, or the FHIR R4 bundle) on its own: no
// vault, no passphrase, no network. For every signed progress note it rebuilds
// the exact text the signature covers, hashes it with SHA-256 and compares the
// result with the digest in the file; then the same for every addendum, and for
// the seal over the signature, late entry and addendum chain. The rules are in
// docs/export-format.md ("Checking the digests") and docs/fhir.md ("Checking a
// bundle"). This file implements them independently of the app's Rust code, so
// a recipient can read exactly what is checked.
//
// It is a plain script with no dependencies. In the page (verify.html) it wires
// up the file picker; in Node (the tests) it only defines PsynotesVerify on
// globalThis. It never sends anything anywhere: the page's Content-Security-Policy
// forbids every connection, and nothing here tries one.
//
// Versions: every canonical text names its format on its first line, and the
// export names the format of each digest. Each known format is one function in
// the tables NOTE_FORMATS, ADDENDUM_FORMATS and SEAL_FORMATS below, looked up by
// that name. psynotes/progress-note/v1 covers a note's references by id and code;
// v2 (every note signed since) also covers their wording: goals' and
// objectives' text, diagnoses' descriptions, section labels and the names of
// the service code and place of service. The old functions stay, so old exports
// keep verifying.
(function (root) {
  "use strict";

  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8", { fatal: true });

  /** A problem reading the file's fields: the note cannot have verified. */
  class Unreadable extends Error {}

  // ---------------------------------------------------------------------------
  // The canonical encoding: one item per line.
  //   name=<UTF-8 byte length>:<value>   a text value (it may contain newlines)
  //   name=-                            an absent optional value
  //   name#<count>                      before the items of a list or optional group

  class Canonical {
    constructor(format) {
      this.out = format + "\n";
    }
    text(name, value) {
      if (typeof value !== "string") throw new Unreadable(`${name} is not text`);
      this.out += `${name}=${encoder.encode(value).length}:${value}\n`;
      return this;
    }
    optional(name, value) {
      if (value === null || value === undefined) {
        this.out += `${name}=-\n`;
        return this;
      }
      return this.text(name, value);
    }
    count(name, count) {
      this.out += `${name}#${count}\n`;
      return this;
    }
    finish() {
      return this.out;
    }
  }

  /** Reads a canonical text back into { format, items: [{ name, value | count }] }. */
  function parseCanonical(bytes) {
    let pos = 0;
    const line = () => {
      const end = bytes.indexOf(0x0a, pos);
      if (end < 0) throw new Unreadable("a line has no end");
      const text = decoder.decode(bytes.subarray(pos, end));
      pos = end + 1;
      return text;
    };
    const format = line();
    const items = [];
    while (pos < bytes.length) {
      let end = pos;
      while (end < bytes.length && bytes[end] !== 0x3d /* = */ && bytes[end] !== 0x23 /* # */) end++;
      const name = decoder.decode(bytes.subarray(pos, end));
      if (!/^[a-z0-9_]+$/.test(name)) throw new Unreadable(`bad item name "${name}"`);
      const mark = bytes[end];
      pos = end + 1;
      if (mark === 0x23) {
        const count = line();
        if (!/^(0|[1-9][0-9]*)$/.test(count)) throw new Unreadable(`bad count for ${name}`);
        items.push({ name, count: Number(count) });
        continue;
      }
      if (bytes[pos] === 0x2d /* - */ && bytes[pos + 1] === 0x0a) {
        items.push({ name, value: null });
        pos += 2;
        continue;
      }
      const colon = bytes.indexOf(0x3a /* : */, pos);
      const length = colon < 0 ? "" : decoder.decode(bytes.subarray(pos, colon));
      if (!/^(0|[1-9][0-9]*)$/.test(length)) throw new Unreadable(`bad length for ${name}`);
      const start = colon + 1;
      const stop = start + Number(length);
      if (stop >= bytes.length + 1 || bytes[stop] !== 0x0a) throw new Unreadable(`${name} does not end where its length says`);
      items.push({ name, value: decoder.decode(bytes.subarray(start, stop)) });
      pos = stop + 1;
    }
    return { format, items };
  }

  /** The value of the first item called `name`, or undefined. */
  function item(parsed, name) {
    const found = parsed.items.find((i) => i.name === name);
    return found ? found.value : undefined;
  }

  // ---------------------------------------------------------------------------
  // Instants. The file writes them as local date-times to the millisecond
  // (YYYY-MM-DDTHH:MM:SS.mmm, no zone); the canonical texts hold the number of
  // milliseconds since 1970-01-01T00:00:00.000, reading the date-time as if UTC.
  // Computed by hand, not with Date, whose treatment of years before 100 and of
  // local time would get in the way.

  /** Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
  function daysFromCivil(year, month, day) {
    const y = year - (month <= 2 ? 1 : 0);
    const era = Math.floor(y / 400);
    const yoe = y - era * 400;
    const mp = (month + 9) % 12;
    const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }

  function daysInMonth(year, month) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  }

  /** "2024-03-05T15:50:00.000" to "1709653800000". */
  function instantMillis(text, what) {
    const m = typeof text === "string" && /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})$/.exec(text);
    if (!m) throw new Unreadable(`${what} is not a date and time`);
    const [year, month, day, hour, minute, second, milli] = m.slice(1).map(Number);
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
      throw new Unreadable(`${what} is not a real date and time`);
    }
    const ms = (((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second) * 1000 + milli;
    return String(ms);
  }

  async function sha256Hex(bytes) {
    const digest = await root.crypto.subtle.digest("SHA-256", bytes);
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  const sha256OfText = (text) => sha256Hex(encoder.encode(text));

  /** Strict base64: decodes, and refuses any spelling but the standard one. */
  function base64Bytes(text) {
    if (typeof text !== "string") throw new Unreadable("the attachment has no data");
    let binary;
    try {
      binary = root.atob(text);
    } catch {
      throw new Unreadable("the attachment is not base64");
    }
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    // atob ignores spaces and unused bits, so two spellings can give the same
    // bytes; only the standard spelling counts as unchanged.
    if (root.btoa(binary) !== text) throw new Unreadable("the attachment's base64 was altered");
    return bytes;
  }

  function compareUtf8(a, b) {
    const x = encoder.encode(a);
    const y = encoder.encode(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  }

  const isString = (v) => typeof v === "string";
  const textOrEmpty = (v) => (v === undefined || v === null ? "" : v);

  // ---------------------------------------------------------------------------
  // Format psynotes/progress-note/v1, rebuilt from a note of the JSON export.

  const PROGRESS = { improved: "Improved", unchanged: "Unchanged", worse: "Worse" };

  function progressNoteV1(note) {
    noResultsIncluded(note);
    noDocument(note);
    const c = new Canonical("psynotes/progress-note/v1");
    c.text("id", note.id)
      .text("client_id", note.client_id)
      .text("template", note.template)
      .optional("date_of_service", note.date_of_service)
      .optional("start", note.start)
      .optional("end", note.end)
      .optional("service_code", note.service_code === null ? null : (note.service_code || {}).code)
      .optional("place_of_service", note.place_of_service === null ? null : (note.place_of_service || {}).code)
      .text("participants", note.participants);
    const diagnoses = list(note.diagnoses_addressed, "diagnoses_addressed");
    c.count("diagnoses_addressed", diagnoses.length);
    for (const code of diagnoses) c.text("diagnosis", code);
    const goals = list(note.goals_addressed, "goals_addressed");
    c.count("goals_addressed", goals.length);
    for (const goal of goals) {
      const progress = PROGRESS[goal.progress];
      if (!progress) throw new Unreadable("a goal's progress is not improved, unchanged or worse");
      c.text("goal_id", goal.goal_id).text("progress", progress);
    }
    c.count("risk", note.risk ? 1 : 0);
    if (note.risk) {
      ideation(c, "suicidal", note.risk.suicidal);
      ideation(c, "homicidal", note.risk.homicidal);
      c.text("safety_plan", note.risk.safety_plan);
    }
    const sections = list(note.sections, "sections").slice().sort((a, b) => compareUtf8(a.key, b.key));
    c.count("sections", sections.length);
    for (const s of sections) c.text("section_key", s.key).text("section_text", s.text);
    return c
      .text("created_at", instantMillis(note.created_at, "created_at"))
      .text("updated_at", instantMillis(note.updated_at, "updated_at"))
      .finish();
  }

  // ---------------------------------------------------------------------------
  // Format psynotes/progress-note/v2: v1 plus the wording of what the note refers
  // to, as it read when signed. The export carries that wording in
  // `referenced_wording` (goals and diagnoses, one entry per item of the note's
  // own lists, in order) and in the descriptions and labels it already had.

  function progressNoteV2(note) {
    noResultsIncluded(note);
    noDocument(note);
    return progressNoteWorded(note, "psynotes/progress-note/v2");
  }

  // Format psynotes/progress-note/v3: v2 with the questionnaire results the
  // note includes (`measure_results_included`) after the goals. A note without
  // results is signed in v2, so v1 and v2 notes must have none.

  function progressNoteV3(note) {
    if (!includedResults(note).length) throw new Unreadable("a v3 note without questionnaire results");
    noDocument(note);
    return progressNoteWorded(note, "psynotes/progress-note/v3");
  }

  // Format psynotes/progress-note/v4: an intake assessment or a discharge
  // summary. v3's items (the results list always present), then, after the
  // sections, the document whole: its kind and its own canonical text
  // (psynotes/intake/v1 or psynotes/discharge/v1), which the export carries
  // as `document.canonical_text`. The note's facts are checked field by
  // field, and the document by the digest over all of it.

  function progressNoteV4(note) {
    const doc = note.document;
    if (!doc || typeof doc !== "object") throw new Unreadable("a v4 note without its document");
    if (doc.kind !== "intake" && doc.kind !== "discharge") throw new Unreadable("its document is not an intake or a discharge summary");
    if (typeof doc.canonical_text !== "string" || !doc.canonical_text.startsWith(`psynotes/${doc.kind}/v1\n`)) {
      throw new Unreadable("its document's text is not in a known format");
    }
    return progressNoteWorded(note, "psynotes/progress-note/v4");
  }

  // Format psynotes/progress-note/v5: a note written with the clinician's own
  // template. v4's items (the results list always present, the document only
  // when there is one), with the template's definition after its name: id,
  // version, blocks and each section's key, label and whether it is required.
  // The export carries that definition as `template_definition`.

  function progressNoteV5(note) {
    const t = note.template_definition;
    if (!t || typeof t !== "object") throw new Unreadable("a v5 note without its template's definition");
    if (t.name !== note.template) throw new Unreadable("its template's definition is not that template's");
    if (note.document !== undefined && note.document !== null) progressNoteV4Document(note);
    return progressNoteWorded(note, "psynotes/progress-note/v5");
  }

  function progressNoteV4Document(note) {
    const doc = note.document;
    if (doc.kind !== "intake" && doc.kind !== "discharge") throw new Unreadable("its document is not an intake or a discharge summary");
    if (typeof doc.canonical_text !== "string" || !doc.canonical_text.startsWith(`psynotes/${doc.kind}/v1\n`)) {
      throw new Unreadable("its document's text is not in a known format");
    }
  }

  function templateDefinition(c, t) {
    const blocks = t.blocks;
    if (!blocks || typeof blocks !== "object") throw new Unreadable("its template's blocks are missing");
    const chosen = ["session", "risk", "goals"].filter((name) => {
      if (typeof blocks[name] !== "boolean") throw new Unreadable(`its template does not say whether it has the ${name} block`);
      return blocks[name];
    });
    c.text("template_id", t.id)
      .text("template_version", decimal(t.version, "the template's version"))
      .text("template_blocks", chosen.join(","));
    const sections = list(t.sections, "template_definition.sections");
    c.count("template_sections", sections.length);
    for (const s of sections) {
      if (!s || typeof s !== "object" || typeof s.required !== "boolean") throw new Unreadable("a section of its template is not readable");
      c.text("template_section_key", s.key)
        .text("template_section_label", s.label)
        .text("template_section_required", s.required ? "yes" : "no");
    }
  }

  function noDocument(note) {
    if (note.document !== undefined && note.document !== null) {
      throw new Unreadable("it carries an intake or discharge document, which its format does not cover");
    }
  }

  function includedResults(note) {
    const included = note.measure_results_included;
    return included === undefined ? [] : list(included, "measure_results_included");
  }

  function noResultsIncluded(note) {
    if (includedResults(note).length) {
      throw new Unreadable("it includes questionnaire results, which its format does not cover");
    }
  }

  function decimal(value, what) {
    if (!Number.isInteger(value) || value < 0) throw new Unreadable(`${what} is not a whole number`);
    return String(value);
  }

  function progressNoteWorded(note, format) {
    const wording = note.referenced_wording;
    if (!wording || wording.signed !== true) throw new Unreadable("the wording it was signed with is missing");
    const c = new Canonical(format);
    const service = note.service_code;
    const place = note.place_of_service;
    c.text("id", note.id)
      .text("client_id", note.client_id)
      .text("template", note.template);
    if (format === "psynotes/progress-note/v5") {
      templateDefinition(c, note.template_definition);
    } else if (note.template_definition !== undefined && note.template_definition !== null) {
      throw new Unreadable("it names a custom template, which its format does not cover");
    }
    c.optional("date_of_service", note.date_of_service)
      .optional("start", note.start)
      .optional("end", note.end)
      .optional("service_code", service === null ? null : (service || {}).code)
      .optional("service_code_description", service === null ? null : (service || {}).description)
      .optional("place_of_service", place === null ? null : (place || {}).code)
      .optional("place_of_service_label", place === null ? null : (place || {}).label)
      .text("participants", note.participants);
    const diagnoses = list(note.diagnoses_addressed, "diagnoses_addressed");
    const described = list(wording.diagnoses, "referenced_wording.diagnoses");
    if (described.length !== diagnoses.length) throw new Unreadable("the diagnoses' wording does not match the diagnoses");
    c.count("diagnoses_addressed", diagnoses.length);
    for (const [i, code] of diagnoses.entries()) {
      if (!described[i] || described[i].code !== code) throw new Unreadable("a diagnosis's wording is not that diagnosis's");
      c.text("diagnosis", code).optional("diagnosis_description", described[i].description);
    }
    const goals = list(note.goals_addressed, "goals_addressed");
    const worded = list(wording.goals, "referenced_wording.goals");
    if (worded.length !== goals.length) throw new Unreadable("the goals' wording does not match the goals");
    c.count("goals_addressed", goals.length);
    for (const [i, goal] of goals.entries()) {
      const progress = PROGRESS[goal.progress];
      if (!progress) throw new Unreadable("a goal's progress is not improved, unchanged or worse");
      if (!worded[i] || worded[i].goal_id !== goal.goal_id) throw new Unreadable("a goal's wording is not that goal's");
      c.text("goal_id", goal.goal_id)
        .optional("goal_text", worded[i].goal_text)
        .optional("objective_text", worded[i].objective_text)
        .text("progress", progress);
    }
    if (format !== "psynotes/progress-note/v2") {
      const results = includedResults(note);
      c.count("measure_results", results.length);
      for (const r of results) {
        if (!r || typeof r !== "object") throw new Unreadable("an included result is not an object");
        c.text("result_id", r.result_id)
          .text("measure", r.measure)
          .text("measure_version", decimal(r.measure_version, "a result's measure version"))
          .text("administered_on", r.administered_on)
          .optional("total", r.total === null ? null : decimal(r.total, "a result's total"))
          .text("score_line", r.score_line)
          .optional("band", r.band);
      }
    }
    c.count("risk", note.risk ? 1 : 0);
    if (note.risk) {
      ideation(c, "suicidal", note.risk.suicidal);
      ideation(c, "homicidal", note.risk.homicidal);
      c.text("safety_plan", note.risk.safety_plan);
    }
    const sections = list(note.sections, "sections").slice().sort((a, b) => compareUtf8(a.key, b.key));
    c.count("sections", sections.length);
    for (const s of sections) c.text("section_key", s.key).text("section_label", s.label).text("section_text", s.text);
    if (note.document !== undefined && note.document !== null) {
      c.text("document", note.document.kind).text("document_text", note.document.canonical_text);
    }
    return c
      .text("created_at", instantMillis(note.created_at, "created_at"))
      .text("updated_at", instantMillis(note.updated_at, "updated_at"))
      .finish();
  }

  function ideation(c, name, value) {
    if (!value || (value.status !== "denied" && value.status !== "present")) {
      throw new Unreadable(`${name} ideation is not denied or present`);
    }
    c.text(name, value.status);
    if (value.status === "present") c.text("detail", value.detail);
  }

  function list(value, what) {
    if (!Array.isArray(value)) throw new Unreadable(`${what} is not a list`);
    return value;
  }

  // ---------------------------------------------------------------------------
  // Format psynotes/addendum/v1.

  function addendumV1({ noteSha256, previousSha256, text, signerName, credentials, signedAtMillis }) {
    return new Canonical("psynotes/addendum/v1")
      .text("note_sha256", noteSha256)
      .optional("previous_addendum_sha256", previousSha256)
      .text("text", text)
      .text("signer_name", signerName)
      .text("credentials", credentials)
      .text("signed_at", signedAtMillis)
      .finish();
  }

  // ---------------------------------------------------------------------------
  // Format psynotes/signed-record/v1, the seal.

  function signedRecordV1({ contentSha256, signerName, credentials, signedAtMillis, late, addendaSha256 }) {
    const c = new Canonical("psynotes/signed-record/v1")
      .text("content_sha256", contentSha256)
      .text("signer_name", signerName)
      .text("credentials", credentials)
      .text("signed_at", signedAtMillis);
    c.count("late_entry", late ? 1 : 0);
    if (late) {
      c.text("reason", late.reason).text("written_at", late.writtenAtMillis).text("hours_after_service", late.hours);
    }
    c.count("addenda", addendaSha256.length);
    for (const sha of addendaSha256) c.text("addendum_sha256", sha);
    return c.finish();
  }

  /** Rebuilds a note's canonical text from the JSON export's fields, by format. */
  const NOTE_FORMATS = {
    "psynotes/progress-note/v1": progressNoteV1,
    "psynotes/progress-note/v2": progressNoteV2,
    "psynotes/progress-note/v3": progressNoteV3,
    "psynotes/progress-note/v4": progressNoteV4,
    "psynotes/progress-note/v5": progressNoteV5,
  };
  const ADDENDUM_FORMATS = { "psynotes/addendum/v1": addendumV1 };
  const SEAL_FORMATS = { "psynotes/signed-record/v1": signedRecordV1 };

  // ---------------------------------------------------------------------------
  // Results.

  const VERIFIED = "verified";
  const CHANGED = "changed";
  const NOT_SIGNED = "not-signed";
  const UNKNOWN_FORMAT = "unknown-format";

  const STATUS_TEXT = {
    [VERIFIED]: "Verified",
    [CHANGED]: "Changed after signing",
    [NOT_SIGNED]: "Not signed",
    [UNKNOWN_FORMAT]: "Cannot check: made by a newer version of Psynotes",
  };

  function verdict(problems, unknown) {
    if (problems.length) return CHANGED;
    if (unknown.length) return UNKNOWN_FORMAT;
    return VERIFIED;
  }

  /** Runs one check, turning an unreadable field into a problem. */
  async function check(problems, what, body) {
    try {
      await body();
    } catch (error) {
      if (!(error instanceof Unreadable) && !(error instanceof TypeError)) throw error;
      problems.push(`${what}: ${error.message}`);
    }
  }

  // ---------------------------------------------------------------------------
  // The JSON export.

  async function verifyJsonNote(note) {
    const result = {
      id: isString(note && note.id) ? note.id : "(no id)",
      clientId: note && isString(note.client_id) ? note.client_id : "",
      dateOfService: note && isString(note.date_of_service) ? note.date_of_service : null,
      status: NOT_SIGNED,
      problems: [],
      addenda: note && Array.isArray(note.addenda) ? note.addenda.length : 0,
    };
    const signature = note && note.signature;
    if (!signature) return result;
    const problems = result.problems;
    const unknown = [];

    const format = signature.content_format || "psynotes/progress-note/v1";
    result.format = format;
    const build = NOTE_FORMATS[format];
    if (!build) unknown.push(format);
    else {
      await check(problems, "The note", async () => {
        const digest = await sha256OfText(build(note));
        if (digest !== signature.content_sha256) throw new Unreadable("its content differs from what was signed");
      });
    }

    const addenda = Array.isArray(note.addenda) ? note.addenda : [];
    let previous = null;
    for (const [index, addendum] of addenda.entries()) {
      const what = `Addendum ${index + 1}`;
      const format = (addendum && addendum.format) || "psynotes/addendum/v1";
      const build = ADDENDUM_FORMATS[format];
      if (!build) unknown.push(format);
      else {
        await check(problems, what, async () => {
          const text = build({
            noteSha256: signature.content_sha256,
            previousSha256: previous,
            text: addendum.text,
            signerName: addendum.signer_name,
            credentials: addendum.credentials,
            signedAtMillis: instantMillis(addendum.signed_at, "its time"),
          });
          if ((await sha256OfText(text)) !== addendum.content_sha256) throw new Unreadable("it differs from what was signed");
        });
      }
      // The next link is checked against the digest as written, so one change
      // is reported where it is, not at every later addendum too.
      previous = addendum && isString(addendum.content_sha256) ? addendum.content_sha256 : "";
    }

    // Files from before the seal have neither `seal` nor `content_format`; a file
    // that names its content format always carries a seal.
    const seal = note.seal;
    if (!seal && signature.content_format !== undefined) {
      problems.push("The seal over the signature and addenda is missing");
    } else if (seal) {
      const build = SEAL_FORMATS[seal.format];
      if (!build) unknown.push(seal.format);
      else {
        await check(problems, "The signature, late entry or list of addenda", async () => {
          const late = note.late_entry;
          const text = build({
            contentSha256: signature.content_sha256,
            signerName: signature.signer_name,
            credentials: signature.credentials,
            signedAtMillis: instantMillis(signature.signed_at, "the signing time"),
            late: late
              ? {
                  reason: late.reason,
                  writtenAtMillis: instantMillis(late.written_at, "the late entry's time"),
                  hours: hoursText(late.hours_after_service),
                }
              : null,
            addendaSha256: addenda.map((a) => a.content_sha256),
          });
          if ((await sha256OfText(text)) !== seal.sha256) throw new Unreadable("they differ from what was signed");
        });
      }
    }
    result.status = verdict(problems, unknown);
    result.unknownFormats = unknown;
    return result;
  }

  function hoursText(hours) {
    if (!Number.isInteger(hours) || hours < 0) throw new Unreadable("the late entry's hours are not a whole number");
    return String(hours);
  }

  async function verifyJsonExport(doc) {
    if (doc.version !== 1) throw new Unreadable(`this is version ${doc.version} of the export format; this page reads version 1`);
    const notes = list(doc.progress_notes, "progress_notes");
    const results = [];
    for (const note of notes) results.push(await verifyJsonNote(note));
    return results;
  }

  // ---------------------------------------------------------------------------
  // The FHIR bundle.

  const NS = "https://psynotes.invalid/fhir/StructureDefinition/";

  function extension(resource, name) {
    return (resource.extension || []).find((e) => e.url === NS + name);
  }

  function part(ext, name) {
    const found = ext && (ext.extension || []).find((e) => e.url === name);
    if (!found) return undefined;
    for (const key of ["valueString", "valueInteger", "valueCode", "valueDate", "valueBoolean"]) {
      if (key in found) return found[key];
    }
    return undefined;
  }

  function appendsTo(resource) {
    const link = (resource.relatesTo || []).find((r) => r.code === "appends");
    return link && link.target ? link.target.reference : null;
  }

  async function verifyFhirNote(fullUrl, doc, addendumDocs) {
    const identifier = (doc.identifier || [])[0];
    const result = {
      id: identifier && isString(identifier.value) ? identifier.value : fullUrl,
      clientId: "",
      dateOfService: doc.context && doc.context.period ? doc.context.period.start || null : null,
      status: NOT_SIGNED,
      problems: [],
      addenda: addendumDocs.length,
    };
    const signature = extension(doc, "signature");
    if (!signature) return result;
    const problems = result.problems;
    const unknown = [];
    const contentSha = part(signature, "content-sha256");

    await check(problems, "The note", async () => {
      const content = (doc.content || [])[0];
      if (!content || !content.attachment) throw new Unreadable("it has no attached content");
      const bytes = base64Bytes(content.attachment.data);
      const parsed = parseCanonical(bytes);
      const declared = part(signature, "content-format");
      if (parsed.format !== declared || (content.format && content.format.code !== declared)) {
        throw new Unreadable("its format is not the one signed");
      }
      result.format = parsed.format;
      if (!NOTE_FORMATS[parsed.format]) {
        unknown.push(parsed.format);
        return;
      }
      result.clientId = textOrEmpty(item(parsed, "client_id"));
      if ((await sha256Hex(bytes)) !== contentSha) throw new Unreadable("its content differs from what was signed");
    });

    const ordered = addendumDocs
      .map((d) => ({ doc: d, ext: extension(d, "addendum") }))
      .sort((a, b) => (part(a.ext, "sequence") || 0) - (part(b.ext, "sequence") || 0));
    let previous = null;
    for (const [index, { doc: addendum, ext }] of ordered.entries()) {
      const what = `Addendum ${index + 1}`;
      const declared = part(ext, "sha256");
      await check(problems, what, async () => {
        if (part(ext, "sequence") !== index + 1) throw new Unreadable("an addendum is missing or out of order");
        const content = (addendum.content || [])[0];
        if (!content || !content.attachment) throw new Unreadable("it has no attached content");
        const bytes = base64Bytes(content.attachment.data);
        const parsed = parseCanonical(bytes);
        if (!content.format || parsed.format !== content.format.code) throw new Unreadable("its format is not the one signed");
        if (!ADDENDUM_FORMATS[parsed.format]) {
          unknown.push(parsed.format);
          return;
        }
        if ((await sha256Hex(bytes)) !== declared) throw new Unreadable("it differs from what was signed");
        if (item(parsed, "note_sha256") !== contentSha) throw new Unreadable("it is not linked to this note as signed");
        if (item(parsed, "previous_addendum_sha256") !== previous) throw new Unreadable("it is not linked to the addendum before it");
      });
      previous = isString(declared) ? declared : "";
    }

    const seal = extension(doc, "seal");
    const build = seal && SEAL_FORMATS[part(seal, "format")];
    if (!seal) problems.push("The seal over the signature and addenda is missing");
    else if (!build) unknown.push(part(seal, "format"));
    else {
      await check(problems, "The signature, late entry or list of addenda", async () => {
        const late = extension(doc, "late-entry");
        const text = build({
          contentSha256: contentSha,
          signerName: textOrEmpty(part(signature, "signer-name")),
          credentials: textOrEmpty(part(signature, "credentials")),
          signedAtMillis: instantMillis(part(signature, "signed-at"), "the signing time"),
          late: late
            ? {
                reason: textOrEmpty(part(late, "reason")),
                writtenAtMillis: instantMillis(part(late, "written-at"), "the late entry's time"),
                hours: hoursText(part(late, "hours-after-service")),
              }
            : null,
          addendaSha256: ordered.map(({ ext }) => part(ext, "sha256")),
        });
        if ((await sha256OfText(text)) !== part(seal, "sha256")) throw new Unreadable("they differ from what was signed");
      });
    }
    result.status = verdict(problems, unknown);
    result.unknownFormats = unknown;
    return result;
  }

  async function verifyFhirBundle(bundle) {
    const entries = list(bundle.entry || [], "entry");
    const documents = entries.filter((e) => e && e.resource && e.resource.resourceType === "DocumentReference");
    const notes = documents.filter((e) => !appendsTo(e.resource));
    const results = [];
    for (const note of notes) {
      const addenda = documents.filter((e) => appendsTo(e.resource) === note.fullUrl).map((e) => e.resource);
      results.push(await verifyFhirNote(note.fullUrl, note.resource, addenda));
    }
    // An addendum whose note is not in the bundle cannot be checked, and says so.
    const noteUrls = new Set(notes.map((n) => n.fullUrl));
    for (const orphan of documents.filter((e) => appendsTo(e.resource) && !noteUrls.has(appendsTo(e.resource)))) {
      results.push({
        id: orphan.fullUrl,
        clientId: "",
        dateOfService: null,
        status: CHANGED,
        problems: ["An addendum whose note is not in the file"],
        addenda: 0,
      });
    }
    return results;
  }

  // ---------------------------------------------------------------------------
  // Entry point.

  /**
   * Verifies a parsed export. Resolves to { kind: "json" | "fhir", notes: [...] }
   * where each note is { id, clientId, dateOfService, status, problems, addenda, format }
   * and status is "verified", "changed", "not-signed" or "unknown-format".
   * Rejects with an Error whose message can be shown when the file is not a
   * Psynotes export at all.
   */
  async function verifyExport(doc) {
    try {
      if (doc && doc.format === "psynotes-progress-notes") {
        return { kind: "json", notes: await verifyJsonExport(doc) };
      }
      if (doc && doc.resourceType === "Bundle") {
        return { kind: "fhir", notes: await verifyFhirBundle(doc) };
      }
    } catch (error) {
      if (error instanceof Unreadable) throw new Error(`This file cannot be read as a Psynotes export: ${error.message}.`);
      throw error;
    }
    throw new Error("This file is not a Psynotes export (JSON or FHIR).");
  }

  const api = {
    verifyExport,
    verifyJsonNote,
    STATUS_TEXT,
    formats: { notes: NOTE_FORMATS, addenda: ADDENDUM_FORMATS, seals: SEAL_FORMATS },
    // Exposed for tests and for anyone checking by hand.
    canonical: { progressNoteV1, progressNoteV2, progressNoteV3, progressNoteV5, addendumV1, signedRecordV1, parseCanonical, instantMillis },
  };
  root.PsynotesVerify = api;

  // ---------------------------------------------------------------------------
  // The page. Everything is written with textContent: file content is never
  // interpreted as HTML.

  if (typeof root.document === "undefined") return;

  function row(cells, status) {
    const tr = root.document.createElement("tr");
    for (const text of cells) {
      const td = root.document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    }
    if (status) tr.className = `status-${status}`;
    return tr;
  }

  async function show(file) {
    const summary = root.document.getElementById("summary");
    const body = root.document.getElementById("results-body");
    const table = root.document.getElementById("results");
    body.replaceChildren();
    table.hidden = true;
    summary.textContent = `Checking ${file.name}…`;
    let report;
    try {
      report = await verifyExport(JSON.parse(await file.text()));
    } catch (error) {
      summary.textContent = error instanceof SyntaxError ? "This file is not JSON, so it is not a Psynotes export." : error.message;
      return;
    }
    for (const note of report.notes) {
      const detail = note.problems.length
        ? note.problems.join(". ") + "."
        : note.status === UNKNOWN_FORMAT
          ? `Format ${note.unknownFormats.join(", ")} is not known to this page.`
          : note.addenda
            ? `${note.addenda} ${note.addenda === 1 ? "addendum" : "addenda"} checked.`
            : "";
      const scope =
        note.status === VERIFIED && note.format === "psynotes/progress-note/v1"
          ? " Signed by an older version of Psynotes (format v1): the wording of its goals and diagnoses is not covered, only their ids and codes."
          : "";
      body.appendChild(row([note.dateOfService || "no date", note.id, STATUS_TEXT[note.status], (detail + scope).trim()], note.status));
    }
    table.hidden = report.notes.length === 0;
    const count = (s) => report.notes.filter((n) => n.status === s).length;
    const kind = report.kind === "fhir" ? "FHIR bundle" : "JSON export";
    summary.textContent =
      report.notes.length === 0
        ? `${file.name}: a ${kind} with no progress notes.`
        : `${file.name} (${kind}): ${count(VERIFIED)} verified, ${count(CHANGED)} changed after signing, ` +
          `${count(NOT_SIGNED)} not signed` +
          (count(UNKNOWN_FORMAT) ? `, ${count(UNKNOWN_FORMAT)} could not be checked.` : ".");
  }

  root.document.addEventListener("DOMContentLoaded", () => {
    const input = root.document.getElementById("export-file");
    input.addEventListener("change", () => {
      if (input.files && input.files[0]) show(input.files[0]);
    });
  });
})(globalThis);
