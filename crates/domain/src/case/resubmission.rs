//! Near-identical resubmissions (重复提交): a citizen who sends the same message again — from the
//! same phone or the same device, the text differing only in punctuation, spacing, full-width
//! forms or a few characters — is answered with their first case instead of opening a new one,
//! so one complaint is counted and handled once. Comparing is a pure question of two texts; who
//! counts as the same sender is the store's lookup.

/// How far back a resubmission is looked for. Longer, and a citizen writing again about a new
/// occurrence of the same nuisance would be folded into a case that may be closed by then.
pub const RESUBMISSION_WINDOW_HOURS: i64 = 72;

/// The text as compared: letters and digits only, full-width forms folded to half-width,
/// lower-case. Punctuation, spaces and line breaks carry no meaning for this question.
fn comparable(text: &str) -> Vec<char> {
    text.chars()
        .map(|c| match c {
            // Full-width ASCII (Ａ, ３) is the same letter or digit.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `a` and `b` say the same thing: equal once punctuation and forms are ignored, or
/// differing in at most one character in twenty (at least two, so a typo fixed in a short message
/// counts). Very short texts ("噪音") must match exactly: two different short complaints are too
/// easily a few characters apart.
pub fn near_identical(a: &str, b: &str) -> bool {
    let (a, b) = (comparable(a), comparable(b));
    if a == b {
        return !a.is_empty();
    }
    let shorter = a.len().min(b.len());
    if shorter < 8 {
        return false;
    }
    let allowed = (a.len().max(b.len()) / 20).max(2);
    if a.len().abs_diff(b.len()) > allowed {
        return false;
    }
    strsim::generic_levenshtein(&a, &b) <= allowed
}

#[cfg(test)]
mod tests {
    use super::near_identical;

    #[test]
    fn punctuation_spacing_and_full_width_do_not_make_a_new_message() {
        assert!(near_identical("丽发新城搅拌站晚上施工，噪音很大！", "丽发新城搅拌站晚上施工 噪音很大"));
        assert!(near_identical("３号楼电梯坏了，ABC物业不修。", "3号楼电梯坏了 abc物业不修"));
        assert!(!near_identical("", "  ，。 "), "nothing said twice is nothing");
    }

    #[test]
    fn a_few_characters_changed_are_the_same_message_more_are_not() {
        let first = "学院路口暴雨后积水严重，行人无法通过，请尽快处理";
        assert!(near_identical(first, "学院路口暴雨后积水很严重，行人无法通行，请尽快处理"));
        assert!(!near_identical(first, "学院路口路灯不亮，晚上行人看不清路，请尽快处理"));
    }

    #[test]
    fn short_messages_must_match_exactly() {
        assert!(near_identical("噪音扰民", "噪音扰民。"));
        assert!(!near_identical("噪音扰民", "灯光扰民"));
    }
}
