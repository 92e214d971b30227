//! Revealing a citizen's contact details, and the case's text as they wrote it when the text
//! shown masks something in it: the office only, with a stated reason recorded in the audit chain
//! in the same transaction as the reveal.

use super::visible_row;
use crate::areas::Cases;
use crate::error::StoreResult;
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::ids::CaseId;
use rectify_domain::privacy::{Contact, RevealRequest};

impl Cases<'_> {
    /// A case's contact details in full, and its text as written when the text shown masks a
    /// phone, e-mail or ID number in it, for the office, with the stated reason recorded in the
    /// audit chain in the same transaction (no record, no reveal).
    pub async fn reveal_contact(&self, actor: &Actor, id: CaseId, req: &RevealRequest) -> StoreResult<Contact> {
        let reason = req.reason()?;
        authorize(actor, Permission::RevealContact, Party::Other)?;
        let (actor, now, vault) = (actor.clone(), self.now(), self.vault.clone());
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let r = visible_row(&mut c, &actor, id).await?;
                    let mut contact = r.sealed_contact().open(&vault)?;
                    contact.content = crate::pii::open(&vault, crate::pii::CONTENT, r.sealed_content.as_deref())?;
                    let shown: Vec<&str> = [
                        ("name", contact.name.is_some()),
                        ("phone", contact.phone.is_some()),
                        ("email", contact.email.is_some()),
                        ("location", contact.location.is_some()),
                        ("content", contact.content.is_some()),
                    ]
                    .into_iter()
                    .filter_map(|(f, present)| present.then_some(f))
                    .collect();
                    let event = crate::audit::Event {
                        actor: &actor.username,
                        kind: "reveal",
                        subject: format!("case:{id}"),
                        action: "reveal_contact",
                        payload: serde_json::json!({ "reason": reason, "fields": shown }),
                    };
                    crate::audit::append(&mut c, now, event).await?;
                    Ok(contact)
                })
            })
            .await
    }
}
