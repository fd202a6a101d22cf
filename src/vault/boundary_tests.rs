//! Proof that the vault's insides stay inside it.
//!
//! The UI asks the vault (its door and its handles) and never holds a database
//! handle, a keyring, KDF parameters, a revision or an audit event of its own
//! making. The compiler enforces most of it (the keyring's accessors and the
//! revisions are private to the vault); this test reads every source file of
//! the layers that use the vault (`src/ui/`, and `src/export/`, which must not
//! use it at all) and fails if one names what it must not, so a new shortcut is
//! caught in review rather than in a breach. The layers below (`domain`,
//! `crypto`) define some of these names and cannot reach the vault.

use std::path::{Path, PathBuf};

/// What no file outside the vault may name, and why.
const FORBIDDEN: &[(&str, &str)] = &[
    ("rexie", "IndexedDB is the vault's business"),
    ("web_sys::Idb", "IndexedDB is the vault's business"),
    ("indexedDB", "IndexedDB is the vault's business"),
    ("Keyring", "keys never leave the vault"),
    (
        "KdfParams",
        "each door procedure chooses its own KDF parameters",
    ),
    ("AuditEvent", "the vault writes its own audit events"),
    ("AuditAction::", "the vault writes its own audit events"),
    ("Batch::", "writes go through the vault's handles"),
    ("Sealer", "sealing is the vault's business"),
    (".rev", "revisions stay inside the editing handles"),
];

/// The folders scanned: the layers above the vault.
const SCANNED: &[&str] = &["src/ui", "src/export"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source folder is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn nothing_outside_the_vault_names_its_insides() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in SCANNED {
        sources(&root.join(dir), &mut files);
    }
    assert!(
        files.iter().any(|f| f.ends_with("ui/gate.rs")),
        "the scan must reach the UI"
    );
    let mut found = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(root)
            .expect("under the crate")
            .to_string_lossy()
            .replace('\\', "/");
        let source = std::fs::read_to_string(file).expect("source is readable");
        for (name, why) in FORBIDDEN {
            if names(&source, name) {
                found.push(format!("{relative} names `{name}`: {why}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Whether `source` uses `name` in code (comments and strings aside are still
/// counted: naming a forbidden thing in a comment is a smell too, except the
/// generic word "rev" inside other words, which `.rev` avoids).
fn names(source: &str, name: &str) -> bool {
    source.match_indices(name).any(|(at, _)| {
        // `.rev` must not be the start of `.reverse()` or `.revoke…`.
        let after = source[at + name.len()..].chars().next();
        !(name == ".rev" && after.is_some_and(|c| c.is_alphanumeric() || c == '_'))
    })
}

#[test]
fn the_scan_notices_a_forbidden_name() {
    assert!(names("use rexie::Rexie;", "rexie"));
    assert!(names("let r = stored.rev;", ".rev"));
    assert!(!names("items.reverse()", ".rev"));
    assert!(!names("Url::revoke_object_url", ".rev"));
}

/// The module files `source` (the file at `file`) imports from, as paths
/// relative to `src/`: `use super::x`, `super::x::…` and `crate::a::b::…`.
fn imports(file: &Path, source: &str) -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // The module a file is: `ui/clinical/sign.rs` is `ui::clinical::sign`, and
    // its parent (what `super` names) is `ui::clinical`.
    let relative = file.strip_prefix(&src).expect("under src");
    let mut module: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if module.last().is_some_and(|m| m == "mod") {
        module.pop();
    }
    let parent: Vec<String> = module[..module.len().saturating_sub(1)].to_vec();
    let resolve = |path: Vec<String>| -> Option<PathBuf> {
        // The longest prefix of `path` that is a file.
        (1..=path.len()).rev().find_map(|n| {
            let candidate = src.join(path[..n].join("/"));
            let file = candidate.with_extension("rs");
            let dir = candidate.join("mod.rs");
            if file.is_file() {
                Some(file)
            } else if dir.is_file() {
                Some(dir)
            } else {
                None
            }
        })
    };
    let mut found = Vec::new();
    for (at, _) in source
        .match_indices("super::")
        .chain(source.match_indices("crate::"))
    {
        if at > 0 && source.as_bytes()[at - 1] == b':' {
            continue;
        }
        let rest = &source[at..];
        let segments: Vec<String> = rest
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .next()
            .unwrap_or("")
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let mut path = if segments.first().is_some_and(|s| s == "crate") {
            Vec::new()
        } else {
            parent.clone()
        };
        let mut rest = segments.into_iter().skip(1).peekable();
        while rest.peek().is_some_and(|s| s == "super") {
            rest.next();
            path.pop();
        }
        path.extend(rest);
        if let Some(target) = resolve(path) {
            if target != file {
                found.push(target);
            }
        }
    }
    found
}

#[test]
fn there_are_no_import_loops_in_ui_or_vault() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src/ui", "src/vault"] {
        sources(&root.join(dir), &mut files);
    }
    let graph: Vec<(PathBuf, Vec<PathBuf>)> = files
        .iter()
        .map(|f| {
            let source = std::fs::read_to_string(f).expect("source is readable");
            // Tests may look anywhere, and doc links are not imports: the
            // rule is about the code.
            let code: String = source
                .split("#[cfg(test)]")
                .next()
                .unwrap_or("")
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            let mut targets = imports(f, &code);
            // A parent module declaring its children is not an import.
            targets.retain(|t| t.parent() != f.parent() || !f.ends_with("mod.rs"));
            (f.clone(), targets)
        })
        .collect();
    let edges = |f: &PathBuf| {
        graph
            .iter()
            .find(|(g, _)| g == f)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    };
    // Depth-first search for a cycle.
    fn visit(
        node: &PathBuf,
        edges: &dyn Fn(&PathBuf) -> Vec<PathBuf>,
        stack: &mut Vec<PathBuf>,
        done: &mut Vec<PathBuf>,
    ) -> Option<Vec<PathBuf>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            return Some(stack[at..].to_vec());
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.clone());
        for next in edges(node) {
            if let Some(cycle) = visit(&next, edges, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.push(node.clone());
        None
    }
    let mut done = Vec::new();
    for (file, _) in &graph {
        let cycle = visit(file, &edges, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "import loop: {:?}",
            cycle.unwrap_or_default()
        );
    }
}

#[test]
fn the_loop_check_reads_imports() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = root.join("src/ui/clinical/sign.rs");
    let found = imports(
        &file,
        "use super::note_form::NoteForm;\nuse crate::vault::conflict::SaveError;",
    );
    assert!(
        found.contains(&root.join("src/ui/clinical/note_form.rs")),
        "{found:?}"
    );
    assert!(
        found.contains(&root.join("src/vault/conflict.rs")),
        "{found:?}"
    );
}
