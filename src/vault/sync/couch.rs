//! The CouchDB replication protocol, as far as this app speaks it: the calls,
//! over `fetch`, on the app's own origin (the Content-Security-Policy allows
//! no other), with the clinic's CouchDB user and password.
//!
//! Every call has a deadline and can be cancelled; every failure says what
//! happened in words a clinician can act on ([`SyncError`]).

use std::cell::RefCell;
use std::rc::Rc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCache, RequestCredentials, RequestInit, Response};
use zeroize::Zeroizing;

pub use super::error::SyncError;

/// How long an ordinary call may take.
const CALL_TIMEOUT_MS: u32 = 30_000;

/// Where and as whom to sync.
#[derive(Clone)]
pub struct Server {
    /// The database's address: a path on this origin (`/couchdb/psynotes`).
    base: String,
    /// The `Authorization` header's value, wiped when dropped.
    auth: Zeroizing<String>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// A cancellation shared by the calls of one sync run.
#[derive(Clone, Default)]
pub struct Cancel {
    controllers: Rc<RefCell<Vec<AbortController>>>,
    cancelled: Rc<std::cell::Cell<bool>>,
    /// Narrower cancellations that end with this one.
    linked: Rc<RefCell<Vec<Cancel>>>,
}

impl Cancel {
    /// Cancels every call in flight, and every later one.
    pub fn cancel(&self) {
        self.cancelled.set(true);
        for c in self.controllers.borrow_mut().drain(..) {
            c.abort();
        }
        for inner in self.linked.borrow_mut().drain(..) {
            inner.cancel();
        }
    }

    /// Makes `inner` end when this one does.
    pub fn link(&self, inner: &Cancel) {
        if self.is_cancelled() {
            inner.cancel();
            return;
        }
        let mut linked = self.linked.borrow_mut();
        linked.retain(|c| !c.is_cancelled());
        linked.push(inner.clone());
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.get()
    }
}

/// What `_changes` returned.
pub struct Changes {
    /// Each changed document's id and its leaf revisions.
    pub rows: Vec<(String, Vec<String>)>,
    /// Where to start next time.
    pub last_seq: Value,
    /// Whether more changes wait (the limit was reached).
    pub more: bool,
}

impl Server {
    /// A server at `path` on this origin, signed in as `user`.
    pub fn new(path: String, user: &str, password: &str) -> Server {
        let credentials = Zeroizing::new(format!("{user}:{password}"));
        Server {
            base: path,
            auth: Zeroizing::new(format!("Basic {}", STANDARD.encode(credentials.as_bytes()))),
        }
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        timeout_ms: u32,
        cancel: &Cancel,
    ) -> Result<(u16, Value), SyncError> {
        if cancel.is_cancelled() {
            return Err(SyncError::Cancelled);
        }
        let controller = AbortController::new().map_err(|_| SyncError::Unreachable)?;
        cancel.controllers.borrow_mut().push(controller.clone());
        let headers = Headers::new().map_err(|_| SyncError::Unreachable)?;
        let _ = headers.set("Authorization", &self.auth);
        let _ = headers.set("Accept", "application/json");
        let init = RequestInit::new();
        init.set_method(method);
        init.set_headers(&headers);
        // The credentials are in the header; no cookie is sent, nothing cached.
        init.set_credentials(RequestCredentials::Omit);
        init.set_cache(RequestCache::NoStore);
        init.set_signal(Some(&controller.signal()));
        if let Some(body) = body {
            let _ = headers.set("Content-Type", "application/json");
            init.set_body(&JsValue::from_str(&body.to_string()));
        }
        let url = format!("{}{}", self.base, path);
        let window = web_sys::window().ok_or(SyncError::Unreachable)?;
        let timed_out = Rc::new(std::cell::Cell::new(false));
        let timer = {
            let controller = controller.clone();
            let timed_out = timed_out.clone();
            gloo::timers::callback::Timeout::new(timeout_ms, move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        let fetched = JsFuture::from(window.fetch_with_str_and_init(&url, &init)).await;
        let outcome = match fetched {
            Err(_) if timed_out.get() => Err(SyncError::Timeout),
            Err(_) if cancel.is_cancelled() => Err(SyncError::Cancelled),
            Err(_) => Err(SyncError::Unreachable),
            Ok(response) => {
                let response: Response = response.unchecked_into();
                let status = response.status();
                let text = match response.text() {
                    Ok(p) => JsFuture::from(p).await,
                    Err(e) => Err(e),
                };
                match text {
                    Err(_) if timed_out.get() => Err(SyncError::Timeout),
                    Err(_) if cancel.is_cancelled() => Err(SyncError::Cancelled),
                    Err(_) => Err(SyncError::Unreachable),
                    Ok(text) => {
                        let text = text.as_string().unwrap_or_default();
                        let value = serde_json::from_str(&text).unwrap_or(Value::Null);
                        Ok((status, value))
                    }
                }
            }
        };
        timer.cancel();
        cancel
            .controllers
            .borrow_mut()
            .retain(|c| !js_sys::Object::is(c, &controller));
        let (status, value) = outcome?;
        match status {
            200..=299 => Ok((status, value)),
            401 => Err(SyncError::Unauthorized),
            403 => Err(SyncError::Forbidden),
            404 => Ok((404, value)),
            409 | 412 => Ok((status, value)),
            s if s >= 500 => Err(SyncError::Server(s)),
            s => Err(SyncError::BadResponse(format!("status {s}"))),
        }
    }

    /// Checks the database is there and reachable with these credentials.
    /// It is never created from here: on CouchDB only an administrator may,
    /// and the clinic decides where its vaults live.
    pub async fn open(&self, cancel: &Cancel) -> Result<(), SyncError> {
        match self.call("GET", "", None, CALL_TIMEOUT_MS, cancel).await? {
            (404, _) => Err(SyncError::NoDatabase),
            (_, info) if info.get("db_name").is_some() || info.get("update_seq").is_some() => {
                Ok(())
            }
            _ => Err(SyncError::BadResponse("not a CouchDB database".into())),
        }
    }

    /// How many documents the database holds (for a progress bar).
    pub async fn doc_count(&self, cancel: &Cancel) -> Result<u64, SyncError> {
        let (_, info) = self.call("GET", "", None, CALL_TIMEOUT_MS, cancel).await?;
        Ok(info.get("doc_count").and_then(Value::as_u64).unwrap_or(0))
    }

    /// One document, or `None`.
    pub async fn get(&self, id: &str, cancel: &Cancel) -> Result<Option<Value>, SyncError> {
        let path = format!("/{}", encode_id(id));
        match self
            .call("GET", &path, None, CALL_TIMEOUT_MS, cancel)
            .await?
        {
            (404, _) => Ok(None),
            (_, doc) => Ok(Some(doc)),
        }
    }

    /// Writes one document as an ordinary edit (the header, a checkpoint).
    pub async fn put(&self, id: &str, doc: &Value, cancel: &Cancel) -> Result<(), SyncError> {
        let path = format!("/{}", encode_id(id));
        match self
            .call("PUT", &path, Some(doc), CALL_TIMEOUT_MS, cancel)
            .await?
        {
            (404, _) => Err(SyncError::NoDatabase),
            (409, _) => Err(SyncError::Rejected(
                "it changed on the server meanwhile".into(),
            )),
            _ => Ok(()),
        }
    }

    /// `_revs_diff`: of these revisions, the ones the server lacks, by id.
    pub async fn revs_diff(
        &self,
        revs: &serde_json::Map<String, Value>,
        cancel: &Cancel,
    ) -> Result<Vec<(String, Vec<String>)>, SyncError> {
        let body = Value::Object(revs.clone());
        let (status, answer) = self
            .call("POST", "/_revs_diff", Some(&body), CALL_TIMEOUT_MS, cancel)
            .await?;
        if status == 404 {
            return Err(SyncError::NoDatabase);
        }
        let map = answer
            .as_object()
            .ok_or_else(|| SyncError::BadResponse("_revs_diff".into()))?;
        Ok(map
            .iter()
            .map(|(id, v)| {
                let missing = v
                    .get("missing")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|r| r.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                (id.clone(), missing)
            })
            .collect())
    }

    /// `_bulk_docs` with `new_edits: false`: the revisions as they are, their
    /// histories merged into the server's trees.
    pub async fn bulk_docs(&self, docs: Vec<Value>, cancel: &Cancel) -> Result<(), SyncError> {
        let body = json!({ "docs": docs, "new_edits": false });
        let (status, answer) = self
            .call("POST", "/_bulk_docs", Some(&body), CALL_TIMEOUT_MS, cancel)
            .await?;
        if status == 404 {
            return Err(SyncError::NoDatabase);
        }
        // With new_edits false a rejected document is listed with an error.
        if let Some(rejected) = answer
            .as_array()
            .and_then(|a| a.iter().find(|r| r.get("error").is_some()))
        {
            let reason = rejected
                .get("reason")
                .or_else(|| rejected.get("error"))
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            return Err(SyncError::Rejected(reason.chars().take(120).collect()));
        }
        Ok(())
    }

    /// `_changes` since `since`, every leaf of each document
    /// (`style=all_docs`); waits up to `wait_ms` for one when there is none
    /// (`feed=longpoll`), if given.
    pub async fn changes(
        &self,
        since: &Value,
        limit: u32,
        wait_ms: Option<u32>,
        cancel: &Cancel,
    ) -> Result<Changes, SyncError> {
        let since = match since {
            Value::String(s) => s.clone(),
            Value::Null => "0".to_owned(),
            other => other.to_string(),
        };
        let mut path = format!(
            "/_changes?style=all_docs&limit={limit}&since={}",
            js_sys::encode_uri_component(&since)
        );
        let timeout = match wait_ms {
            Some(ms) => {
                path.push_str(&format!("&feed=longpoll&timeout={ms}"));
                // Some servers (PouchDB Server) never end an empty long-poll;
                // the caller takes a timeout here for "nothing new".
                ms + 5_000
            }
            None => CALL_TIMEOUT_MS,
        };
        let (status, answer) = self.call("GET", &path, None, timeout, cancel).await?;
        if status == 404 {
            return Err(SyncError::NoDatabase);
        }
        let results = answer
            .get("results")
            .and_then(Value::as_array)
            .ok_or_else(|| SyncError::BadResponse("_changes".into()))?;
        let rows: Vec<(String, Vec<String>)> = results
            .iter()
            .filter_map(|r| {
                let id = r.get("id")?.as_str()?.to_owned();
                let revs = r
                    .get("changes")?
                    .as_array()?
                    .iter()
                    .filter_map(|c| c.get("rev")?.as_str().map(str::to_owned))
                    .collect();
                Some((id, revs))
            })
            .collect();
        Ok(Changes {
            more: rows.len() as u32 >= limit,
            rows,
            last_seq: answer.get("last_seq").cloned().unwrap_or(Value::Null),
        })
    }

    /// `_bulk_get?revs=true`: these revisions with their histories. A
    /// revision the server could not give is left out.
    pub async fn bulk_get(
        &self,
        wanted: &[(String, String)],
        cancel: &Cancel,
    ) -> Result<Vec<Value>, SyncError> {
        let docs: Vec<Value> = wanted
            .iter()
            .map(|(id, rev)| json!({ "id": id, "rev": rev }))
            .collect();
        let body = json!({ "docs": docs });
        let (status, answer) = self
            .call(
                "POST",
                "/_bulk_get?revs=true",
                Some(&body),
                CALL_TIMEOUT_MS,
                cancel,
            )
            .await?;
        if status == 404 {
            return Err(SyncError::NoDatabase);
        }
        let results = answer
            .get("results")
            .and_then(Value::as_array)
            .ok_or_else(|| SyncError::BadResponse("_bulk_get".into()))?;
        Ok(results
            .iter()
            .filter_map(|r| r.get("docs")?.as_array().cloned())
            .flatten()
            .filter_map(|d| d.get("ok").cloned())
            .collect())
    }
}

/// A document id in a URL path: `_local/` stays a path, the rest is encoded.
fn encode_id(id: &str) -> String {
    match id.strip_prefix("_local/") {
        Some(rest) => format!("_local/{}", js_sys::encode_uri_component(rest)),
        None => String::from(js_sys::encode_uri_component(id)),
    }
}
