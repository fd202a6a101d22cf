//! The sync server's address as a clinician types it, checked to be on the
//! app's own origin: the Content-Security-Policy (`connect-src 'self'`)
//! allows no other, and the recommended deployment proxies CouchDB under a
//! path of the same origin (`/couchdb/`).

/// The server's address as typed, made a path on this origin; `None` if it
/// points elsewhere.
pub fn same_origin_path(address: &str, origin: &str) -> Option<String> {
    let address = address.trim().trim_end_matches('/');
    let path = if let Some(rest) = address.strip_prefix(origin) {
        rest
    } else if address.starts_with('/') && !address.starts_with("//") {
        address
    } else {
        return None;
    };
    (path.starts_with('/') && path.len() > 1 && !path.contains(['?', '#', '\\']))
        .then(|| path.to_owned())
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
        for other in [
            "https://evil.example/couchdb/psynotes",
            "//evil.example/db",
            "couchdb/psynotes",
            "/",
            "",
            "/db?x=1",
            "https://notes.clinic.example.evil.example/db",
        ] {
            assert_eq!(same_origin_path(other, origin), None, "{other}");
        }
    }
}
