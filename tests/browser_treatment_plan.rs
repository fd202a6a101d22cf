//! Treatment plans in a real browser: started from the client's goals without
//! loss, signed in frozen versions, revised with the history kept, a stale
//! screen refused, and signed versions never dropped by a merge.
#![cfg(target_arch = "wasm32")]

use psynotes::domain::treatment_plan::{
    ClientAgreement, Comparison, Intervention, Objective, ObjectiveMeasure, PlanContent, PlanError,
    ScoreTarget,
};
use psynotes::domain::{Client, Date, Goal, GoalStatus, Timestamp};
use psynotes::vault::audit::AuditAction;
use psynotes::vault::conflict::SaveError;
use psynotes::vault::open_vault::Vault;
use psynotes::vault::restore::RestoreSecret;
use psynotes::vault::store::{EncryptedStore, TreatmentPlans};
use psynotes::vault::VaultError;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// A client whose record holds two goals, one met and dated.
async fn client_with_goals(vault: &Vault, name: &str) -> Client {
    let handle = vault.new_client().unwrap();
    let mut client = handle.client();
    client.name = name.to_owned();
    let mut met = Goal::new("goal-sleep", "Sleep 7 hours on most nights");
    met.target_date = Some(day("2025-08-01"));
    met.status = GoalStatus::Met;
    client.goals = vec![Goal::new("goal-mood", "Fewer low days"), met];
    handle.save(&client, NOW).await.unwrap();
    handle.client()
}

fn objective(id: &str) -> Objective {
    Objective {
        id: id.into(),
        text: "Depressive symptoms fall to the mild range".into(),
        measure: ObjectiveMeasure::Score {
            measure_key: "phq-9".into(),
            baseline: Some(16),
            target: ScoreTarget {
                comparison: Comparison::Below,
                value: Some(10),
            },
        },
        target_date: Some(day("2025-09-01")),
        status: GoalStatus::Active,
    }
}

/// `content` (the migrated draft) completed so it can be signed on the day
/// of `NOW` (2025-06-15).
fn completed(mut content: PlanContent) -> PlanContent {
    let problem = &mut content.problems[0];
    problem.text = "Low mood since a job loss".into();
    let goal = &mut problem.goals[0];
    goal.objectives.push(objective("obj-1"));
    goal.interventions.push(Intervention {
        modality: "Cognitive behavioural therapy".into(),
        frequency: "Weekly, 50 minutes".into(),
        provider: "Jane Doe, LCSW".into(),
    });
    content.review_date = Some(day("2025-09-13"));
    content
}

fn draft_content(plan: &psynotes::domain::TreatmentPlan) -> PlanContent {
    plan.draft().unwrap().content.clone()
}

#[wasm_bindgen_test]
async fn a_plan_starts_from_the_clients_goals_without_loss() {
    let Created { name, vault, .. } = created("plan-goals").await;
    let client = client_with_goals(&vault, "Goals Kept").await;
    assert_eq!(
        vault.treatment_plan(client.id.as_str()).await.unwrap(),
        None
    );
    let handle = vault.edit_treatment_plan(client.id.as_str()).await.unwrap();
    assert!(handle.plan().is_none());
    let plan = handle.start(&client, Timestamp(NOW), NOW).await.unwrap();

    // Every goal, in order, with its id, text, target date and status.
    let draft = plan.draft().unwrap();
    assert_eq!(draft.version(), 1);
    assert_eq!(draft.content.legacy_goals(), client.goals);
    let ids: Vec<&str> = draft.content.goals().map(|(_, g)| g.id.as_str()).collect();
    assert_eq!(ids, ["goal-mood", "goal-sleep"]);
    assert_eq!(draft.content.review_date, Some(day("2025-09-13")));

    // Stored: a new session reads the same plan.
    vault.close();
    let vault = new_session(&name).await;
    let stored = vault
        .treatment_plan(client.id.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, plan);
    assert_eq!(
        readable(vault.treatment_plans().await.unwrap()),
        vec![plan.clone()]
    );
    let id = plan.id().as_str().to_owned();
    assert!(
        !id.contains(client.id.as_str()),
        "a record id says nothing about its client"
    );
    assert!(audited_about(&vault, &AuditAction::TreatmentPlanStarted, &id).await);

    // Starting again leaves the plan as it is.
    let again = vault
        .edit_treatment_plan(client.id.as_str())
        .await
        .unwrap()
        .start(&client, Timestamp(NOW + 5), NOW + 5)
        .await
        .unwrap();
    assert_eq!(again, plan);
    assert_eq!(audited(&vault, &AuditAction::TreatmentPlanStarted).await, 1);

    // Sealed like any record: no goal in the clear.
    let raw = raw_values(&name, TreatmentPlans::NAME).await;
    assert_eq!(raw.len(), 1);
    let text = js_sys::JSON::stringify(&raw[0])
        .unwrap()
        .as_string()
        .unwrap();
    assert!(!text.contains("Fewer low days") && !text.contains("goal-mood"));
}

#[wasm_bindgen_test]
async fn signing_freezes_version_1_and_a_revision_keeps_it() {
    let Created { name, vault, .. } = created("plan-sign").await;
    let client = client_with_goals(&vault, "Signed Plan").await;
    let handle = vault.edit_treatment_plan(client.id.as_str()).await.unwrap();
    let plan = handle.start(&client, Timestamp(NOW), NOW).await.unwrap();

    // Incomplete, then without a profile: refused, nothing written.
    let error = handle
        .sign(&draft_content(&plan), Timestamp(NOW), NOW)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, VaultError::Plan(PlanError::Incomplete(issues)) if issues.iter().any(|i| i.field == "Problem")),
        "{error:?}"
    );
    let content = completed(draft_content(&plan));
    assert_eq!(
        handle
            .sign(&content, Timestamp(NOW), NOW)
            .await
            .unwrap_err(),
        VaultError::Plan(PlanError::NoClinicianProfile)
    );
    assert_eq!(
        vault.treatment_plan(client.id.as_str()).await.unwrap(),
        Some(plan)
    );

    // The draft is saved as typed, then signed.
    handle
        .save_draft(&content, Timestamp(NOW + 1), NOW + 1)
        .await
        .unwrap();
    with_profile(&vault).await;
    let signed = handle
        .sign(&content, Timestamp(NOW + 2), NOW + 2)
        .await
        .unwrap();
    assert!(signed.draft().is_none());
    let v1 = signed.current().unwrap().clone();
    assert_eq!(v1.version(), 1);
    assert_eq!(v1.content(), &content);
    assert_eq!(v1.signature().signature_line(), "Jane Doe, LCSW");
    let id = signed.id().as_str().to_owned();
    assert!(
        audited_about(
            &vault,
            &AuditAction::TreatmentPlanSigned { version: 1 },
            &id
        )
        .await
    );
    // Frozen: there is no draft to save into.
    assert!(matches!(
        handle
            .save_draft(&content, Timestamp(NOW + 3), NOW + 3)
            .await,
        Err(SaveError::Failed(VaultError::Plan(PlanError::NoDraft)))
    ));

    // The client's agreement, once.
    let agreement = ClientAgreement::OnPaper {
        date: day("2025-06-15"),
    };
    handle
        .record_client_agreement(1, agreement.clone(), Timestamp(NOW + 3), NOW + 3)
        .await
        .unwrap();
    assert_eq!(
        handle
            .record_client_agreement(1, agreement.clone(), Timestamp(NOW + 3), NOW + 3)
            .await
            .unwrap_err(),
        VaultError::Plan(PlanError::AgreementAlreadyRecorded { version: 1 })
    );
    let v1 = handle.plan().unwrap().current().unwrap().clone();
    assert_eq!(v1.client_agreement().unwrap().agreement, agreement);

    // A revision is version 2's draft; version 1 stays in force and readable.
    let revising = handle.revise(Timestamp(NOW + 4), NOW + 4).await.unwrap();
    assert_eq!(revising.draft().unwrap().version(), 2);
    assert_eq!(revising.current(), Some(&v1));
    let mut next = draft_content(&revising);
    next.problems[0].goals[0].objectives[0].status = GoalStatus::Met;
    next.problems[0].goals[0]
        .objectives
        .push(objective("obj-2"));
    handle
        .save_draft(&next, Timestamp(NOW + 5), NOW + 5)
        .await
        .unwrap();
    let plan = handle
        .sign(&next, Timestamp(NOW + 6), NOW + 6)
        .await
        .unwrap();
    assert_eq!(plan.versions().len(), 2);
    assert_eq!(plan.version(1), Some(&v1), "version 1 unchanged");
    assert_eq!(plan.current().unwrap().content(), &next);

    // As stored, read in a new session.
    vault.close();
    let vault = new_session(&name).await;
    let stored = vault
        .treatment_plan(client.id.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, plan);
    assert!(stored.is_intact());
    assert!(audited_about(&vault, &AuditAction::TreatmentPlanRevised, &id).await);
    assert!(
        audited_about(
            &vault,
            &AuditAction::TreatmentPlanSigned { version: 2 },
            &id
        )
        .await
    );

    // A draft revision can be discarded; the signed versions stay.
    let handle = vault.edit_treatment_plan(client.id.as_str()).await.unwrap();
    handle.revise(Timestamp(NOW + 7), NOW + 7).await.unwrap();
    let after = handle.discard_draft(NOW + 8).await.unwrap();
    assert!(after.draft().is_none());
    assert_eq!(after.versions(), plan.versions());
}

#[wasm_bindgen_test]
async fn a_stale_screen_gets_a_conflict_and_nothing_is_written_over() {
    let Created { vault, .. } = created("plan-stale").await;
    with_profile(&vault).await;
    let client = client_with_goals(&vault, "Two Tabs").await;
    let first = vault.edit_treatment_plan(client.id.as_str()).await.unwrap();
    let plan = first.start(&client, Timestamp(NOW), NOW).await.unwrap();
    // A second tab opens the same plan.
    let second = vault.edit_treatment_plan(client.id.as_str()).await.unwrap();
    let mut a = draft_content(&plan);
    a.problems[0].text = "Written in the first tab".into();
    first
        .save_draft(&a, Timestamp(NOW + 1), NOW + 1)
        .await
        .unwrap();

    let mut b = draft_content(&plan);
    b.problems[0].text = "Written in the second tab".into();
    let Err(SaveError::Conflict(conflict)) =
        second.save_draft(&b, Timestamp(NOW + 2), NOW + 2).await
    else {
        panic!("expected a conflict");
    };
    assert_eq!(conflict.mine, b);
    assert_eq!(
        conflict
            .theirs
            .as_ref()
            .and_then(|p| p.draft())
            .map(|d| &d.content),
        Some(&a)
    );
    // Nor does the stale screen sign over the other tab's text.
    assert_eq!(
        second
            .sign(&completed(b.clone()), Timestamp(NOW + 3), NOW + 3)
            .await
            .unwrap_err(),
        VaultError::Conflict
    );
    let stored = vault
        .treatment_plan(client.id.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(draft_content(&stored), a);

    // The clinician keeps the second tab's text: written over the first's.
    second
        .keep_mine(&b, Timestamp(NOW + 4), NOW + 4)
        .await
        .unwrap();
    let stored = vault
        .treatment_plan(client.id.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(draft_content(&stored), b);
    // The first tab is stale now in turn, and can follow the stored version.
    assert!(first
        .save_draft(&a, Timestamp(NOW + 5), NOW + 5)
        .await
        .is_err_and(|e| e.conflict().is_some()));
    assert_eq!(first.reload().await.unwrap(), Some(stored));
}

#[wasm_bindgen_test]
async fn a_merge_never_drops_a_signed_version_and_devices_share_one_plan() {
    let Created { vault: a, .. } = created("plan-merge-a").await;
    with_profile(&a).await;
    let client = client_with_goals(&a, "Plan Travels").await;
    // A backup taken before any plan.
    let before = a.create_backup(NOW, "2025-06-15").await.unwrap();

    let handle = a.edit_treatment_plan(client.id.as_str()).await.unwrap();
    let plan = handle.start(&client, Timestamp(NOW), NOW).await.unwrap();
    let content = completed(draft_content(&plan));
    handle.sign(&content, Timestamp(NOW), NOW).await.unwrap();
    // A backup holding version 1 only.
    let old = a.create_backup(NOW, "2025-06-15").await.unwrap();
    handle.revise(Timestamp(NOW + 1), NOW + 1).await.unwrap();
    let signed = handle
        .sign(&content, Timestamp(NOW + 2), NOW + 2)
        .await
        .unwrap();
    assert_eq!(signed.versions().len(), 2);

    // Merging the older backup leaves version 2 standing.
    let report = a.merge_backup(&old.bytes, NOW + 3).await.unwrap();
    assert_eq!(report.damaged, 0, "{report:?}");
    let after = a.treatment_plan(client.id.as_str()).await.unwrap().unwrap();
    assert_eq!(after.versions(), signed.versions());

    // A device restored from the old backup starts a revision of its own;
    // taking in the newer plan keeps version 2 in force there too.
    let (_, door_b) = fresh_door("plan-merge-b").await;
    let b = expect_open(
        door_b
            .restore(&old.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    let on_b = b.edit_treatment_plan(client.id.as_str()).await.unwrap();
    assert_eq!(on_b.plan().unwrap().versions().len(), 1);
    on_b.revise(Timestamp(NOW + 4), NOW + 4).await.unwrap();
    let full = a.create_backup(NOW + 5, "2025-06-15").await.unwrap();
    b.merge_backup(&full.bytes, NOW + 5).await.unwrap();
    let merged = b.treatment_plan(client.id.as_str()).await.unwrap().unwrap();
    assert_eq!(merged.versions(), signed.versions());

    // Two devices that each start a plan for one client write one record.
    let (name_c, door_c) = fresh_door("plan-merge-c").await;
    let c = expect_open(
        door_c
            .restore(&before.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    assert_eq!(c.treatment_plan(client.id.as_str()).await.unwrap(), None);
    c.edit_treatment_plan(client.id.as_str())
        .await
        .unwrap()
        .start(&client, Timestamp(NOW + 6), NOW + 6)
        .await
        .unwrap();
    c.merge_backup(&full.bytes, NOW + 7).await.unwrap();
    assert_eq!(raw_values(&name_c, TreatmentPlans::NAME).await.len(), 1);
    let on_c = c.treatment_plan(client.id.as_str()).await.unwrap().unwrap();
    assert_eq!(
        on_c.versions(),
        signed.versions(),
        "the signed plan shows before the other device's draft"
    );
}

#[wasm_bindgen_test]
async fn a_plan_edited_on_two_devices_is_listed_and_settled_without_losing_a_signed_version() {
    use psynotes::vault::audit::RecordKind;
    use psynotes::vault::conflicts::ConflictSides;

    // A signs version 1; B restores a backup of it. A then signs version 2
    // while B drafts a revision with words of its own.
    let Created { vault: a, .. } = created("plan-conflict-a").await;
    with_profile(&a).await;
    let client = client_with_goals(&a, "Plan Conflict").await;
    let handle = a.edit_treatment_plan(client.id.as_str()).await.unwrap();
    let plan = handle.start(&client, Timestamp(NOW), NOW).await.unwrap();
    let content = completed(draft_content(&plan));
    handle.sign(&content, Timestamp(NOW), NOW).await.unwrap();
    let base = a.create_backup(NOW, "2025-06-15").await.unwrap();
    handle.revise(Timestamp(NOW + 1), NOW + 1).await.unwrap();
    let signed = handle
        .sign(&content, Timestamp(NOW + 2), NOW + 2)
        .await
        .unwrap();

    let (_, door_b) = fresh_door("plan-conflict-b").await;
    let b = expect_open(
        door_b
            .restore(&base.bytes, RestoreSecret::Passphrase(pass(PASS)), NOW)
            .await,
    );
    let on_b = b.edit_treatment_plan(client.id.as_str()).await.unwrap();
    let revision = on_b.revise(Timestamp(NOW + 3), NOW + 3).await.unwrap();
    let mut words = draft_content(&revision);
    words.problems[0].text = "B's wording of the problem".into();
    on_b.save_draft(&words, Timestamp(NOW + 4), NOW + 4)
        .await
        .unwrap();
    let b_file = b.create_backup(NOW + 5, "2025-06-15").await.unwrap();

    // Merged into A: version 2 stays in force, B's draft is kept beside it,
    // and the Conflicts list names the plan.
    a.merge_backup(&b_file.bytes, NOW + 6).await.unwrap();
    let shown = a.treatment_plan(client.id.as_str()).await.unwrap().unwrap();
    assert_eq!(shown.versions(), signed.versions());
    let again = a.edit_treatment_plan(client.id.as_str()).await.unwrap();
    assert!(again.versions_to_settle().await.unwrap());
    let conflicts = a.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].kind, RecordKind::TreatmentPlan);
    assert_eq!(conflicts[0].client_id, client.id.as_str());

    let open = a.open_conflict(&conflicts[0], NOW + 7).await.unwrap();
    assert!(!open.may_keep_both(), "a client has one plan");
    let ConflictSides::TreatmentPlan(sides) = open.sides() else {
        panic!("a plan's versions")
    };
    assert_eq!(sides.len(), 2);
    let a_side = sides
        .iter()
        .position(|s| s.value.as_ref().is_some_and(|p| p.versions().len() == 2))
        .unwrap();
    let b_side = 1 - a_side;
    assert_eq!(
        sides[b_side]
            .value
            .as_ref()
            .and_then(|p| p.draft())
            .map(|d| d.content.problems[0].text.as_str()),
        Some("B's wording of the problem"),
        "B's words are there to compare"
    );
    // Keeping B's would set A's signed version 2 aside: not offered.
    assert!(sides[a_side].may_keep);
    assert!(!sides[b_side].may_keep);
    assert_eq!(open.keep(b_side, NOW + 8).await, Err(VaultError::NotFound));

    open.keep(a_side, NOW + 8).await.unwrap();
    assert!(a.conflicts().await.unwrap().is_empty());
    let settled = a.treatment_plan(client.id.as_str()).await.unwrap().unwrap();
    assert_eq!(settled.versions(), signed.versions());
    assert!(!again.versions_to_settle().await.unwrap());
    assert!(
        audited_about(
            &a,
            &AuditAction::SettledConflict(RecordKind::TreatmentPlan),
            shown.id().as_str()
        )
        .await
    );
    // Merging B's side again brings nothing back.
    let report = a.merge_backup(&b_file.bytes, NOW + 9).await.unwrap();
    assert_eq!(report.conflicts, 0, "{report:?}");
}
