//! The sync server's address as a clinician types it, checked to be on the
//! app's own origin: the Content-Security-Policy (`connect-src 'self'`)
//! allows no other, and the recommended deployment proxies CouchDB under a
//! path of the same origin (`/couchdb/`).

/// The server's address as typed, made a path on this origin; `None` if it
/// points elsewhere.
pub fn same_origin_path(address: &str, origin: &str) -> Option<String> {
    let address = address.trim().trim_end_matches('/');
    // The origin's host as typed without its scheme ("notes.clinic.example/…").
    let host = origin.split_once("://").map_or(origin, |(_, host)| host);
    let first_segment = address.split('/').next().unwrap_or_default();
    let path = if let Some(rest) = address.strip_prefix(origin) {
        rest.to_owned()
    } else if address.starts_with('/') && !address.starts_with("//") {
        address.to_owned()
    } else if let Some(rest) = address.strip_prefix(host).filter(|r| r.starts_with('/')) {
        rest.to_owned()
    } else if !first_segment.is_empty() && !first_segment.contains(['.', ':']) {
        // "couchdb/psynotes": a path, typed without its leading slash. A first
        // segment with a dot or a colon names another site and is refused.
        format!("/{address}")
    } else {
        return None;
    };
    (path.starts_with('/') && path.len() > 1 && !path.contains(['?', '#', '\\'])).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_on_this_origin_are_accepted() {
        let origin = "https://notes.clinic.example";
        assert_eq!(
            same_origin_path("/couchdb/psynotes", origin).as_deref(),
            Some("/couchdb/psynotes")
        );
        assert_eq!(
            same_origin_path(" https://notes.clinic.example/couchdb/psynotes/ ", origin).as_deref(),
            Some("/couchdb/psynotes")
        );
        // As a clinician might type them: no leading slash, or no scheme.
        for typed in ["couchdb/psynotes", "notes.clinic.example/couchdb/psynotes"] {
            assert_eq!(
                same_origin_path(typed, origin).as_deref(),
                Some("/couchdb/psynotes"),
                "{typed}"
            );
        }
        for other in [
            "https://evil.example/couchdb/psynotes",
            "//evil.example/db",
            "evil.example/couchdb/psynotes",
            "localhost:5984/psynotes",
            "notes.clinic.example.evil.example/db",
            "/",
            "",
            "/db?x=1",
            "https://notes.clinic.example.evil.example/db",
        ] {
            assert_eq!(same_origin_path(other, origin), None, "{other}");
        }
    }
}
