//! Reporter protection: how citizens' contact details are shown (masked), the details a citizen
//! writes into free text (found and masked by [`mask_text`]), and what a request to see them in
//! full (a reveal) must carry. Who may reveal is the permission table's
//! `RevealContact`; the store records every reveal in the audit chain.

use crate::error::{DomainError, FieldError};
use serde::{Deserialize, Serialize};

mod text;
pub use text::{Found, Span, find, id_number_is_valid, mask_text};

/// A citizen's contact details in full: only ever the answer to a recorded reveal.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The place of the problem, as the citizen wrote it (sealed at rest with the contact
    /// details, but not one of them: see [`Contact::masked`]).
    pub location: Option<String>,
    /// The case's text as the citizen wrote it, when the text shown everywhere else hides a
    /// phone, e-mail or ID number written in it (see [`mask_text`]); otherwise absent.
    #[serde(default)]
    pub content: Option<String>,
}

impl Contact {
    /// The same details masked for everyday display: `张*`, `138****5678`, `z***@qq.com`. The
    /// location is the place of the problem, which staff must see to handle it: it is shown as
    /// written, only a phone, e-mail or ID number typed into it masked like the text's
    /// ([`mask_text`]). A citizen's own address is a contact detail and would be masked with
    /// [`mask_location`].
    pub fn masked(&self) -> Contact {
        Contact {
            name: self.name.as_deref().map(mask_name),
            phone: self.phone.as_deref().map(mask_phone),
            email: self.email.as_deref().map(mask_email),
            location: self.location.as_deref().map(mask_text),
            content: self.content.as_deref().map(mask_text),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.phone.is_none()
            && self.email.is_none()
            && self.location.is_none()
            && self.content.is_none()
    }
}

/// Keeps the first character, and one `*` per hidden character up to two, so the mask does not
/// tell how long the name is: `张三` → `张*`, `王小明` → `王**`, `欧阳娜娜` → `欧**`.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) if chars.clone().next().is_some() => format!("{first}{}", "*".repeat(chars.count().min(2))),
        _ => "*".into(),
    }
}

/// Keeps the carrier prefix and the last four digits: `13812345678` → `138****5678`; anything
/// too short to hide part of is hidden whole.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len().max(1));
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// Keeps the first letter and the domain: `zhangsan@qq.com` → `z***@qq.com`.
pub fn mask_email(email: &str) -> String {
    match email.trim().split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// Keeps the region (the first six digits) and the last four of a resident ID number:
/// `110105194910010029` → `110105********0029`.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    if chars.len() < 12 {
        return "*".repeat(chars.len().max(1));
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// Keeps the start of an address (the county, the street) and hides the rest, where the house is.
pub fn mask_location(location: &str) -> String {
    let chars: Vec<char> = location.trim().chars().collect();
    let keep = (chars.len() / 2).min(6);
    let head: String = chars[..keep].iter().collect();
    format!("{head}****")
}

/// Body of a reveal: why the details are needed (recorded in the audit chain).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RevealRequest {
    /// Why the full contact details are needed, e.g. "电话回访".
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub reason: Option<String>,
}

impl RevealRequest {
    /// The stated reason, required.
    pub fn reason(&self) -> Result<String, DomainError> {
        crate::text::required("reason", self.reason.as_deref(), crate::text::SHORT_MAX)
            .map_err(|e: FieldError| DomainError::Invalid(vec![e]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_enough_to_recognise_and_hide_the_rest() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("王小明"), "王**");
        assert_eq!(mask_name("欧阳娜娜"), "欧**", "one star per hidden character, at most two");
        assert_eq!(mask_name("爱新觉罗·玄烨"), "爱**");
        assert_eq!(mask_name(" 李四 "), "李*");
        assert_eq!(mask_name("王"), "*");
        assert_eq!(mask_id_number("110105194910010029"), "110105********0029");
        assert_eq!(mask_id_number("11010519491001002X"), "110105********002X");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("0574-65512345"), "057****2345");
        assert_eq!(mask_phone("12345"), "*****");
        assert_eq!(mask_email("zhangsan@qq.com"), "z***@qq.com");
        assert_eq!(mask_email("nonsense"), "***");
        assert_eq!(mask_location("宁波市宁海县跃龙街道桃源小区3幢201室"), "宁波市宁海县****");
        assert_eq!(mask_location("东门"), "东****");
    }

    #[test]
    fn a_masked_contact_contains_no_full_value() {
        let c = Contact {
            name: Some("李四".into()),
            phone: Some("13900001111".into()),
            email: Some("lisi@example.com".into()),
            location: Some("宁海县桃源街道金水路88号".into()),
            content: Some("我的电话13900001111".into()),
        };
        let m = c.masked();
        for (full, shown) in [(&c.name, &m.name), (&c.phone, &m.phone), (&c.email, &m.email), (&c.content, &m.content)]
        {
            assert_ne!(full, shown);
        }
    }

    #[test]
    fn the_place_of_the_problem_is_shown_but_a_phone_in_it_is_not() {
        let c = Contact { location: Some("区实验小学南门".into()), ..Contact::default() };
        assert_eq!(c.masked().location.as_deref(), Some("区实验小学南门"), "a place, not an address to hide");
        let c = Contact { location: Some("金水路88号（联系13900001111）".into()), ..Contact::default() };
        assert_eq!(c.masked().location.as_deref(), Some("金水路88号（联系139****1111）"));
    }

    #[test]
    fn a_reveal_needs_a_reason() {
        assert!(RevealRequest { reason: Some("  ".into()) }.reason().is_err());
        assert_eq!(RevealRequest { reason: Some(" 电话回访 ".into()) }.reason().unwrap(), "电话回访");
    }
}
