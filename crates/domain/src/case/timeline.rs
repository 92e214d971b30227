//! The public timeline of a case: what the citizen may see on the tracking page — received,
//! accepted or declined (with the reason), assigned to which unit, replied (with the answer),
//! closed — and nothing else: no staff notes, no names or phones, no internal steps.

use super::CaseAction;
use crate::time::Timestamp;
use serde::Serialize;

/// One recorded step of a case (the store keeps these in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub at: Timestamp,
    /// `received`, or a case action name (`assign`, `visit`, …), or `rated`.
    pub event: String,
    /// Text the citizen may see (a decline reason, the answer); staff notes are not here.
    pub public_text: Option<String>,
    /// The unit's name for `assign`.
    pub unit_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicEvent {
    pub at: Timestamp,
    /// `received`, `accepted`, `declined`, `assigned`, `extension` (asked or decided, with the
    /// date), `merged` (taken into the ledger), `replied`, `rated`, `reopened`, `closed`.
    pub event: String,
    /// The step in a sentence (Chinese).
    pub text: String,
    /// The unit a case was assigned to (`assigned`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// What the office or unit wrote for the citizen: the reason (`declined`), the answer
    /// (`replied`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The citizen's view of the recorded steps.
pub fn public_timeline(events: &[CaseEvent]) -> Vec<PublicEvent> {
    events
        .iter()
        .filter_map(|e| {
            let (event, text) = match e.event.as_str() {
                "received" => ("received", "您的诉求已登记".to_owned()),
                "accept" => ("accepted", "已受理".to_owned()),
                "decline" => ("declined", format!("不予受理：{}", e.public_text.clone().unwrap_or_default())),
                "assign" => {
                    ("assigned", format!("已转交{}办理", e.unit_name.clone().unwrap_or_else(|| "承办单位".into())))
                }
                "reply" => ("replied", e.public_text.clone().unwrap_or_default()),
                "extend" => ("extension", e.public_text.clone().unwrap_or_default()),
                "linked" => ("merged", e.public_text.clone().unwrap_or_else(|| "已纳入整改台账".to_owned())),
                "rated" => ("rated", "感谢您的评价".to_owned()),
                "reopen" => ("reopened", "已重新办理".to_owned()),
                "close" => ("closed", "已办结".to_owned()),
                _ => return None,
            };
            let unit = if event == "assigned" { e.unit_name.clone() } else { None };
            let detail = if matches!(event, "declined" | "replied" | "extension" | "merged") {
                e.public_text.clone()
            } else {
                None
            };
            Some(PublicEvent { at: e.at, event: event.into(), text, unit, detail })
        })
        .collect()
}

/// Whether an action shows on the public timeline (the store records `public_text` only for
/// these).
pub fn is_public(action: CaseAction) -> bool {
    matches!(
        action,
        CaseAction::Accept
            | CaseAction::Decline
            | CaseAction::Assign
            | CaseAction::Extend
            | CaseAction::Reply
            | CaseAction::Reopen
            | CaseAction::Close
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_steps_stay_hidden() {
        let at = Timestamp::from_utc(chrono::Utc::now());
        let ev = |event: &str, text: Option<&str>| CaseEvent {
            at,
            event: event.into(),
            public_text: text.map(Into::into),
            unit_name: Some("区城管局".into()),
        };
        let t = public_timeline(&[
            ev("received", None),
            ev("accept", None),
            ev("assign", None),
            ev("sign", None),
            ev("send_back", None),
            ev("extend", Some("延期申请已批准，答复期限延至2026-03-31")),
            ev("linked", Some("已纳入整改台账（问题 9），整改进展见公示栏 /board/9")),
            ev("reply", Some("路灯已修复")),
            ev("visit", None),
        ]);
        let kinds: Vec<&str> = t.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(kinds, ["received", "accepted", "assigned", "extension", "merged", "replied"]);
        assert_eq!(t[2].text, "已转交区城管局办理");
        assert_eq!(t[3].text, "延期申请已批准，答复期限延至2026-03-31");
        assert!(t[4].text.contains("/board/9"));
        assert_eq!(t[5].text, "路灯已修复");
    }
}
