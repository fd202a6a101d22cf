//! The record check's panel beside a note editor: each sentence that may
//! belong in the other kind of note, why (citing 45 CFR 164.501), and what the
//! clinician can do about it.
//!
//! Advice only: it never blocks saving or signing, a finding can be dismissed
//! for its sentence (kept with the note), and the whole check can be turned
//! off in Settings. It runs [`check`] over text already on screen; nothing is
//! sent anywhere, and the sentence is shown as text nodes, never as HTML.

use leptos::prelude::*;

use crate::domain::record_check::{check, Category, Dismissals, Finding, NoteKind, Span};
use crate::ui::session_context::use_session;

use super::search::highlighted;

/// One text the check reads: a section of a progress note, or the whole of a
/// psychotherapy note.
#[derive(Clone, PartialEq)]
pub struct CheckedText {
    /// The field's label ("Assessment"); `None` for a note with one text.
    pub label: Option<String>,
    pub text: String,
}

/// What the move button hands over: the sentence's place and why it was
/// flagged.
#[derive(Clone, Copy)]
pub struct MoveRequest {
    pub sentence: Span,
    pub category: Category,
}

/// A finding with the text it was found in.
#[derive(Clone, PartialEq)]
struct Shown {
    label: Option<String>,
    text: String,
    finding: Finding,
}

/// The "Record check" region. Renders nothing when the check is off.
#[component]
pub fn RecordCheckPanel(
    /// Which kind of note the texts are in.
    kind: NoteKind,
    /// The note's texts, as on screen.
    #[prop(into)]
    texts: Signal<Vec<CheckedText>>,
    /// The note's dismissals; the panel updates it.
    dismissed: RwSignal<Dismissals>,
    /// Called after a dismissal changed, so the note saves it.
    on_change: Callback<()>,
    /// Offered for findings in a psychotherapy note: move the sentence to
    /// that day's progress note.
    #[prop(optional)]
    on_move: Option<Callback<MoveRequest>>,
    /// The result of the last move, in words (`Err` for a refusal).
    #[prop(optional, into)]
    moved: Option<Signal<Option<Result<String, String>>>>,
) -> impl IntoView {
    let session = use_session();
    let enabled = move || session.settings.with(|s| s.record_check);
    let findings = Memo::new(move |_| {
        if !enabled() {
            return Vec::new();
        }
        texts.with(|texts| {
            texts
                .iter()
                .flat_map(|t| {
                    check(&t.text, kind).into_iter().map(|finding| Shown {
                        label: t.label.clone(),
                        text: t.text.clone(),
                        finding,
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    let visible = move || {
        let shown = findings.get();
        dismissed.with(|d| {
            shown
                .into_iter()
                .filter(|s| !d.is_dismissed(&s.finding))
                .collect::<Vec<_>>()
        })
    };
    let dismissed_here = move || {
        findings.with(|shown| {
            dismissed.with(|d| shown.iter().filter(|s| d.is_dismissed(&s.finding)).count())
        })
    };
    let show_again = move |_| {
        findings.with_untracked(|shown| {
            dismissed.update(|d| {
                for s in shown {
                    d.restore(&s.finding);
                }
            })
        });
        on_change.run(());
    };
    let intro = match kind {
        NoteKind::PsychotherapyNote => "Sentences that may belong in the progress note, the official record. Advice only: it never stops you saving.",
        NoteKind::ProgressNote => "Sentences that may belong in a psychotherapy note, which stays private. Advice only: it never stops you saving or signing.",
    };

    move || {
        enabled().then(|| {
            view! {
                <section class="card record-check" role="region" aria-label="Record check">
                    <h2>"Record check"</h2>
                    <p class="muted">{intro}</p>
                    {move || {
                        let items = visible();
                        if items.is_empty() {
                            view! { <p class="record-check__none">"Nothing to point out."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="record-check__list">
                                    {items
                                        .into_iter()
                                        .map(|shown| view! {
                                            <FindingItem shown=shown dismissed=dismissed on_change=on_change on_move=on_move />
                                        })
                                        .collect_view()}
                                </ul>
                            }
                            .into_any()
                        }
                    }}
                    {move || moved.and_then(|m| m.get()).map(|m| match m {
                        Ok(m) => view! { <p class="status" role="status">{m}</p> }.into_any(),
                        Err(m) => view! { <p class="alert" role="alert">{m}</p> }.into_any(),
                    })}
                    {move || {
                        let n = dismissed_here();
                        (n > 0).then(|| view! {
                            <div class="actions">
                                <span class="muted">{if n == 1 { "1 finding dismissed.".to_owned() } else { format!("{n} findings dismissed.") }}</span>
                                <button type="button" class="secondary" on:click=show_again>"Show dismissed findings"</button>
                            </div>
                        })
                    }}
                    <p class="field-hint">"Turn the record check off in Settings. It reads only this screen and sends nothing anywhere."</p>
                </section>
            }
        })
    }
}

/// One flagged sentence, with the reason and the rule.
#[component]
fn FindingItem(
    shown: Shown,
    dismissed: RwSignal<Dismissals>,
    on_change: Callback<()>,
    on_move: Option<Callback<MoveRequest>>,
) -> impl IntoView {
    let Shown {
        label,
        text,
        finding,
    } = shown;
    let sentence = finding.sentence.of(&text).to_owned();
    // The cue, relative to the sentence, to highlight what the check reacted to.
    let cue: Vec<(usize, usize)> = finding
        .cue
        .start
        .checked_sub(finding.sentence.start)
        .map(|start| {
            (
                start,
                start + finding.cue.end.saturating_sub(finding.cue.start),
            )
        })
        .into_iter()
        .collect();
    let heading = match label {
        Some(label) => format!("{} (in {label})", finding.category.label()),
        None => finding.category.label().to_owned(),
    };
    let request = MoveRequest {
        sentence: finding.sentence,
        category: finding.category,
    };
    let offers_move = finding.belongs_in() == NoteKind::ProgressNote;
    let finding = StoredValue::new(finding);
    let dismiss = move |_| {
        finding.with_value(|f| dismissed.update(|d| d.dismiss(f)));
        on_change.run(());
    };
    view! {
        <li class="record-check__item">
            <h3>{heading}</h3>
            <blockquote class="text">{highlighted(&sentence, &cue)}</blockquote>
            <p>{finding.with_value(|f| f.why())}</p>
            <p class="muted"><cite>{finding.with_value(|f| f.rule())}</cite></p>
            <div class="actions">
                {on_move.filter(|_| offers_move).map(|on_move| view! {
                    <button type="button" class="secondary" on:click=move |_| on_move.run(request)>"Move to progress note"</button>
                })}
                <button type="button" class="secondary" on:click=dismiss>"Dismiss"</button>
            </div>
        </li>
    }
}

/// The record check of a progress note being written: every section of its
/// template, with the dismissals kept in the draft.
#[component]
pub fn ProgressNoteCheck(form: super::note_form::NoteForm) -> impl IntoView {
    let dismissed = RwSignal::new(
        form.draft
            .with_untracked(|d| d.record_check_dismissed.clone()),
    );
    let texts = Signal::derive(move || {
        form.draft.with(|d| {
            d.template_sections()
                .iter()
                .map(|s| CheckedText {
                    label: Some(s.label.to_string()),
                    text: d.section(&s.key).to_owned(),
                })
                .collect::<Vec<_>>()
        })
    });
    let on_change = Callback::new(move |()| {
        let mut kept = dismissed.get_untracked();
        let findings: Vec<Finding> = texts
            .get_untracked()
            .iter()
            .flat_map(|t| check(&t.text, NoteKind::ProgressNote))
            .collect();
        kept.prune(&findings);
        form.edit(|d| d.record_check_dismissed = kept);
    });
    view! { <RecordCheckPanel kind=NoteKind::ProgressNote texts=texts dismissed=dismissed on_change=on_change /> }
}
