//! The rules a rating keeps, as checks on facts the store loads in the rating's transaction: only
//! a done case is rated, once per channel (a double tap on the device makes one rating); the SMS
//! link rates once, within its days; a rating takes one follow-up comment (追评), within its days.

use super::level::{RatingChannel, comment};
use super::settings::RatingSettings;
use crate::error::{DomainError, Issue, Rule};
use crate::notice::{Notice, NoticeTemplate, Recipient};
use crate::service::case::ServiceCaseState;
use chrono::{Days, NaiveDate};

/// Whether a case in `case_state`, rated on the channels `rated` so far, may be rated on
/// `channel`: done (办结), and not rated on that channel yet.
pub fn check_rating(
    case_state: ServiceCaseState,
    channel: RatingChannel,
    rated: &[RatingChannel],
) -> Result<(), DomainError> {
    if case_state != ServiceCaseState::Done {
        return Err(DomainError::rule(Rule::RatingCaseNotDone, "service_case_id"));
    }
    if rated.contains(&channel) {
        return Err(DomainError::rule(Rule::RatingDuplicate, "service_case_id"));
    }
    Ok(())
}

/// The last day the SMS link sent on `sent_on` is valid.
pub fn link_valid_until(sent_on: NaiveDate, s: &RatingSettings) -> NaiveDate {
    sent_on.checked_add_days(Days::new(u64::from(s.link_days))).unwrap_or(NaiveDate::MAX)
}

/// Whether the SMS link sent on `sent_on` still rates `today`: unused and within its days.
pub fn check_link(sent_on: NaiveDate, used: bool, today: NaiveDate, s: &RatingSettings) -> Result<(), DomainError> {
    if used {
        return Err(DomainError::rule(Rule::RatingLinkUsed, "token"));
    }
    if today > link_valid_until(sent_on, s) {
        return Err(DomainError::rule(Rule::RatingLinkExpired, "token"));
    }
    Ok(())
}

/// The SMS asking the applicant to rate `item` at `link` (the store mints the link and adds the
/// tracking code).
pub fn link_notice(item: &str, link: &str, s: &RatingSettings) -> Notice {
    Notice::new(Recipient::Citizen, NoticeTemplate::RatingLink)
        .with("item", item)
        .with("link", link)
        .with("days", s.link_days)
}

/// The follow-up comment (追评) of a rating made on `rated_on`: its text, or the rule it breaks —
/// one per rating (`made`), within the days set.
pub fn check_added_comment(
    rated_on: NaiveDate,
    made: bool,
    today: NaiveDate,
    s: &RatingSettings,
    text: Option<&str>,
) -> Result<String, DomainError> {
    if made {
        return Err(DomainError::rule(Rule::AddedCommentMade, "comment"));
    }
    let last = rated_on.checked_add_days(Days::new(u64::from(s.added_comment_days))).unwrap_or(NaiveDate::MAX);
    if today > last {
        return Err(DomainError::rule(Rule::AddedCommentClosed, "comment"));
    }
    match comment("comment", text) {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(DomainError::field("comment", Issue::Required)),
        Err(e) => Err(DomainError::field(e.field, e.issue)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RatingChannel::{Online, Window};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn only_a_done_case_is_rated_and_once_a_channel() {
        assert_eq!(check_rating(ServiceCaseState::Done, Window, &[]), Ok(()));
        assert_eq!(check_rating(ServiceCaseState::Done, Online, &[Window]), Ok(()), "一次一评 and 一事一评 apart");
        for state in ServiceCaseState::ALL.into_iter().filter(|s| *s != ServiceCaseState::Done) {
            assert_eq!(
                check_rating(state, Window, &[]),
                Err(DomainError::rule(Rule::RatingCaseNotDone, "service_case_id")),
                "{state:?}"
            );
        }
        // The second of a double tap.
        assert_eq!(
            check_rating(ServiceCaseState::Done, Window, &[Window]),
            Err(DomainError::rule(Rule::RatingDuplicate, "service_case_id"))
        );
    }

    #[test]
    fn the_link_rates_once_within_its_days() {
        let s = RatingSettings::default();
        let sent = d("2026-11-02");
        assert_eq!(link_valid_until(sent, &s), d("2026-11-09"));
        assert_eq!(check_link(sent, false, d("2026-11-09"), &s), Ok(()));
        assert_eq!(
            check_link(sent, false, d("2026-11-10"), &s),
            Err(DomainError::rule(Rule::RatingLinkExpired, "token"))
        );
        assert_eq!(check_link(sent, true, sent, &s), Err(DomainError::rule(Rule::RatingLinkUsed, "token")));
        let n = link_notice("生育登记", "https://example.cn/r/abc", &s);
        assert_eq!(n.template, NoticeTemplate::RatingLink);
        assert_eq!(n.params[2], ("days", "7".to_owned()));
    }

    #[test]
    fn one_follow_up_comment_within_its_days() {
        let s = RatingSettings::default();
        let rated = d("2026-11-02");
        assert_eq!(check_added_comment(rated, false, d("2026-11-17"), &s, Some(" 已解决 ")), Ok("已解决".into()));
        assert_eq!(
            check_added_comment(rated, false, d("2026-11-18"), &s, Some("已解决")),
            Err(DomainError::rule(Rule::AddedCommentClosed, "comment"))
        );
        assert_eq!(
            check_added_comment(rated, true, rated, &s, Some("再评")),
            Err(DomainError::rule(Rule::AddedCommentMade, "comment"))
        );
        assert_eq!(check_added_comment(rated, false, rated, &s, Some(" ")).unwrap_err().fields(), ["comment"]);
    }
}
