//! Settings › Records custodian: "Create a custodian key", shown once and
//! printed for the person the clinician names to keep the record; replaced
//! or revoked later. The vault does the work and audits it
//! ([`crate::vault::custodian`]); this screen never stores the key.

use leptos::prelude::*;
use zeroize::Zeroizing;

use crate::crypto::Passphrase;

use super::busy::{next_frame, Busy};
use super::clinical::common::focus_element;
use super::clock::{now_ms, today};
use super::download::download;
use super::outcome::Outcome;
use super::session_context::use_session;

/// The custodian key section of Settings.
#[component]
pub fn CustodianKeySettings() -> impl IntoView {
    let session = use_session();
    let changed = RwSignal::new(0u32);
    let exists = LocalResource::new(move || {
        changed.track();
        async move { session.vault().has_custodian_key().await }
    });
    let typed = RwSignal::new(String::new());
    // The key's groups while it is on screen; gone once the clinician is done.
    let shown = RwSignal::new(None::<String>);
    let kept = RwSignal::new(false);
    let custodian_name = RwSignal::new(String::new());
    let confirming_revoke = RwSignal::new(false);
    let status = RwSignal::new(None::<Result<String, String>>);
    let make = Action::new_local(move |passphrase: &Passphrase| {
        let passphrase = passphrase.clone();
        async move {
            next_frame().await;
            typed.set(String::new());
            match session
                .vault()
                .make_custodian_key(&passphrase, now_ms())
                .await
            {
                Ok(key) => {
                    let groups = Zeroizing::new(key.split('-').collect::<Vec<_>>().join(" "));
                    shown.set(Some(groups.to_string()));
                    kept.set(false);
                    request_animation_frame(|| focus_element("custodian-sheet-heading"));
                    changed.update(|n| *n += 1);
                }
                Err(e) => status.set(Some(Err(e.to_string()))),
            }
        }
    });
    let copy = Action::new_local(move |_: &()| async move {
        let vault = session.vault();
        let result = async {
            let file = vault
                .create_custodian_copy(now_ms(), &today().to_string())
                .await
                .map_err(|e| e.to_string())?;
            download(&file.bytes, &file.file_name, "application/octet-stream")?;
            Ok::<_, String>(format!(
                "Downloaded {} ({}). Give it to the custodian with the custodian key; it holds no psychotherapy note.",
                file.file_name,
                super::wording::count(file.records as u64, "record", "records")
            ))
        }
        .await;
        status.set(Some(result));
    });
    let revoke = Action::new_local(move |_: &()| async move {
        confirming_revoke.set(false);
        let result = session.vault().revoke_custodian_key(now_ms()).await;
        changed.update(|n| *n += 1);
        status.set(Some(match result {
            Ok(()) => Ok("Custodian key revoked. It no longer opens this vault; custodian's copies already given out still open with it.".into()),
            Err(e) => Err(e.to_string()),
        }));
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if make.pending().get_untracked() {
            return;
        }
        status.set(None);
        make.dispatch_local(Passphrase::for_unlock(typed.get_untracked()));
    };
    let done = move |_| {
        shown.set(None);
        kept.set(false);
        custodian_name.set(String::new());
        status.set(Some(Ok(
            "Custodian key made. Any earlier custodian key no longer opens this vault.".into(),
        )));
    };
    let clinician = move || session.settings.with(|s| s.clinician.signature_line());
    view! {
        <section class="card" aria-labelledby="custodian-heading">
            <h2 id="custodian-heading">"Records custodian"</h2>
            <p>
                "Name someone to keep your records if you close your practice, retire, or cannot go on: a colleague, an attorney or a records service. "
                "A custodian key opens the record (clients, progress notes, measures, plans and the clients' requests), read only, so they can answer a client's request for a copy. "
                "It never opens psychotherapy notes: their key is not in it."
            </p>
            <p class="field-hint">"How long records must be kept, and who may keep them, is set by state law and your licensing board."</p>
            {move || exists.get().map(|r| match r {
                Ok(true) => view! { <p class="status" role="status">"A custodian key opens this vault."</p> }.into_any(),
                Ok(false) => view! { <p>"No custodian key opens this vault."</p> }.into_any(),
                Err(e) => view! { <p class="alert" role="alert">{e.to_string()}</p> }.into_any(),
            })}
            {move || match shown.get() {
                None => view! {
                    <form on:submit=submit>
                        <label for="custodian-passphrase">"Your passphrase, to make the key"</label>
                        <input id="custodian-passphrase" type="password" autocomplete="current-password" required bind:value=typed />
                        <p class="field-hint">"Making a new key retires the one before at once."</p>
                        <div class="actions">
                            <button type="submit" disabled=move || make.pending().get()>"Create a custodian key"</button>
                        </div>
                        <Busy when=make.pending() label="Making a custodian key…" />
                    </form>
                    {move || (exists.get() == Some(Ok(true))).then(|| view! {
                        <p class="field-hint">
                            "A custodian's copy holds the record and nothing else: no psychotherapy note, draft or audit entry. "
                            "Give one to a custodian who will not have this device; it opens with the custodian key, and shows the record as it was when you made it."
                        </p>
                        <div class="actions">
                            <button type="button" class="secondary" disabled=move || copy.pending().get() on:click=move |_| { copy.dispatch_local(()); }>"Download a custodian's copy"</button>
                        </div>
                        <Show
                            when=move || confirming_revoke.get()
                            fallback=move || view! {
                                <button type="button" class="secondary" on:click=move |_| confirming_revoke.set(true)>"Revoke the custodian key"</button>
                            }
                        >
                            <div class="notice" role="group" aria-label="Revoke the custodian key">
                                <p>"Revoke it? The key will no longer open this vault, here or on any device synced with it. A custodian's copy already given out still opens with it: ask for it back."</p>
                                <div class="actions">
                                    <button type="button" disabled=move || revoke.pending().get() on:click=move |_| { revoke.dispatch_local(()); }>"Revoke"</button>
                                    <button type="button" class="secondary" on:click=move |_| confirming_revoke.set(false)>"Cancel"</button>
                                </div>
                            </div>
                        </Show>
                    })}
                }.into_any(),
                Some(groups) => view! {
                    <div class="custodian-sheet">
                        <h3 id="custodian-sheet-heading" tabindex="-1">"Psynotes custodian key"</h3>
                        <p>{move || format!("Made by {} on {}.", clinician(), today())}</p>
                        <p class="no-print">
                            <label for="custodian-name">"Custodian's name (printed only, not stored)"</label>
                            <input id="custodian-name" type="text" autocomplete="off" bind:value=custodian_name />
                        </p>
                        <p>{move || {
                            let name = custodian_name.get();
                            if name.trim().is_empty() { "For the records custodian.".to_owned() } else { format!("For {}, records custodian.", name.trim()) }
                        }}</p>
                        <p class="recovery-key" aria-label="Custodian key">{groups}</p>
                        <p>
                            "To open the record, choose "
                            <strong>"Open with a custodian key"</strong>
                            " and type this key (spaces and dashes do not matter): on the unlock screen of the device where the clinician's Psynotes is kept, or, with the custodian's copy the clinician gave you (a file ending in .psybak), on the first screen of Psynotes in a browser of your own. "
                            "It opens the record read only; it never opens psychotherapy notes. Keep it as safely as the record itself."
                        </p>
                    </div>
                    <div class="actions no-print">
                        <button type="button" class="secondary" on:click=move |_| { let _ = window().print(); }>"Print custodian key"</button>
                    </div>
                    <label class="row no-print">
                        <input type="checkbox" class="checkbox" bind:checked=kept />
                        <span>"I have printed it or written it down for the custodian"</span>
                    </label>
                    <div class="actions no-print">
                        <button type="button" disabled=move || !kept.get() on:click=done>"Done"</button>
                    </div>
                }.into_any(),
            }}
            <Outcome status=status />
        </section>
    }
}
