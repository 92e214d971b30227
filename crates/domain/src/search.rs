//! Full-text search: what can be searched and what a bad query is. The index is `crates/search`;
//! who may see a hit is `visibility`, as for the lists.

crate::wire_enum! {
    /// The kinds of records the search index holds. A new kind is a variant here, its label in
    /// the catalog, and its document in the store's search module.
    pub enum SearchKind: "search_kind" {
        /// 诉求件.
        Case = "case",
        /// 台账问题.
        Problem = "problem",
        /// 整改通报: a published issue is everyone's, a draft the office's.
        Bulletin = "bulletin",
    }
}

crate::wire_enum! {
    /// Why a query cannot be searched (refused naming `q` or `cursor`). The default is only
    /// there for listing every `Expected` (`strum::EnumIter`).
    #[derive(Default)]
    pub enum SearchIssue: "search_issue" {
        /// A `"` without its partner.
        #[default]
        UnbalancedQuotes = "unbalanced_quotes",
        /// Control characters (other than spaces) in the query.
        ControlCharacters = "control_characters",
        /// Only exclusions (`-噪音`): nothing to look for.
        OnlyExclusions = "only_exclusions",
        /// A cursor given by another query.
        ForeignCursor = "foreign_cursor",
    }
}

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 2000;
/// The most hits one page holds.
pub const MAX_LIMIT: usize = 100;
/// The default page size.
pub const DEFAULT_LIMIT: usize = 20;
/// How deep paging goes (offset + limit): past it a narrower query is the answer.
pub const MAX_DEPTH: usize = 10_000;

impl SearchIssue {
    /// The English words the API sends (the catalog words it for pages in both languages).
    pub fn english(self) -> &'static str {
        match self {
            SearchIssue::UnbalancedQuotes => "a query whose quotes come in pairs",
            SearchIssue::ControlCharacters => "a query without control characters",
            SearchIssue::OnlyExclusions => "at least one word to look for besides the -exclusions",
            SearchIssue::ForeignCursor => "the cursor this same query gave",
        }
    }
}
