//! The caller's language at the HTTP edge; the words themselves are in `rectify-i18n`.

use axum::http::HeaderMap;
pub use rectify_i18n::{
    Lang, correct_these, denial, entity, field_sentence, issue, not_found, not_permitted, rule, state_conflict,
};

/// From `Accept-Language`: Chinese when the caller prefers it, English otherwise.
pub fn lang_from_headers(headers: &HeaderMap) -> Lang {
    let Some(v) = headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
        return Lang::En;
    };
    let mut best: Option<(f32, Lang)> = None;
    for part in v.split(',') {
        let mut it = part.split(';');
        let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = it.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        let lang = if tag.starts_with("zh") {
            Lang::Zh
        } else if tag.starts_with("en") {
            Lang::En
        } else {
            continue;
        };
        if best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l).unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn accept_language_picks_the_preferred_of_zh_and_en() {
        let mut h = HeaderMap::new();
        assert_eq!(lang_from_headers(&h), Lang::En);
        h.insert("accept-language", HeaderValue::from_static("zh-CN,zh;q=0.9,en;q=0.8"));
        assert_eq!(lang_from_headers(&h), Lang::Zh);
        h.insert("accept-language", HeaderValue::from_static("fr, en;q=0.5, zh;q=0.4"));
        assert_eq!(lang_from_headers(&h), Lang::En);
    }
}
