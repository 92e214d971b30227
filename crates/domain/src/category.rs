//! 问题分类: the subject taxonomy cases are filed under, up to three levels (一级分类, 二级分类,
//! 三级分类). A category's key is its path of names (`城乡建设/安全生产/事故处理`): third-level
//! names repeat under different parents (其他, 事故处理), a path does not, and a file's row, an
//! export's cell and a filter all read the same. The default is the first level of the message
//! board's taxonomy; an office imports its own (`POST /api/v1/imports/categories`).

use crate::error::{DomainError, Entity, Issue};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Levels a taxonomy has at most.
pub const LEVELS: usize = 3;
/// The longest name of a category, in characters.
pub const NAME_MAX: usize = 40;
/// The longest key: three names and their separators.
pub const CATEGORY_KEY_MAX: usize = LEVELS * (NAME_MAX + 1);
/// Between the names of a key.
pub const SEPARATOR: char = '/';

crate::wire_enum! {
    /// How a case's category was set.
    pub enum CategorySource: "category_source" {
        /// Set or confirmed by staff (a training example for the suggestions).
        Staff = "staff",
        /// Routed by the model above the office's threshold.
        Model = "model",
        /// Read from an imported file.
        Import = "import",
    }
}

/// The first level of the Teddy Cup message board's taxonomy, which the sample messages are
/// labelled with: the taxonomy until an office imports its own.
pub const FIRST_LEVEL: [&str; 7] =
    ["城乡建设", "环境保护", "交通运输", "教育文体", "劳动和社会保障", "商贸旅游", "卫生计生"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    /// The path of names from the first level, joined by `/`.
    pub key: String,
    pub name: String,
    /// 1, 2 or 3.
    pub level: u8,
    /// The key of the category above; none at the first level.
    pub parent: Option<String>,
    /// The office's own code of the category (分类编码), when its file has one.
    pub code: Option<String>,
}

impl Category {
    /// The categories a path names, from the first level down.
    pub fn along(path: &[String], code: Option<&str>) -> Vec<Category> {
        (1..=path.len())
            .map(|n| Category {
                key: path[..n].join("/"),
                name: path[n - 1].clone(),
                level: n as u8,
                parent: (n > 1).then(|| path[..n - 1].join("/")),
                // The code belongs to the row's own (deepest) category.
                code: if n == path.len() { code.map(str::to_owned) } else { None },
            })
            .collect()
    }
}

/// Body of `POST /api/v1/triage/suggest`: a message to file.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SuggestRequest {
    pub title: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub content: Option<String>,
}

impl SuggestRequest {
    /// The title (may be blank) and the content (required), each within a message's length.
    pub fn texts(&self) -> Result<(String, String), DomainError> {
        let mut p = crate::error::Problems::new();
        let title = p.take(crate::text::optional("title", self.title.as_deref(), crate::text::SHORT_MAX));
        let content = p.take(crate::text::required("content", self.content.as_deref(), crate::text::MESSAGE_MAX));
        match (title, content) {
            (Some(t), Some(c)) if p.is_empty() => Ok((t.unwrap_or_default(), c)),
            _ => Err(p.into_error()),
        }
    }
}

/// The first-level key of a category key (what figures group by).
pub fn top(key: &str) -> &str {
    key.split(SEPARATOR).next().unwrap_or(key)
}

/// Checks the levels of one row top down: no gap (a third level needs a second), names without
/// the separator. Answers the path, or the level (0-based) that is wrong and why.
pub fn path(levels: [Option<String>; LEVELS]) -> Result<Vec<String>, (usize, Issue)> {
    let mut out = Vec::new();
    let deepest = levels.iter().rposition(Option::is_some);
    for (i, level) in levels.into_iter().enumerate() {
        match level {
            Some(name) if name.contains(SEPARATOR) => {
                return Err((i, Issue::Malformed { expected: crate::Expected::CategoryName }));
            }
            Some(name) => out.push(name),
            None if deepest.is_some_and(|d| d > i) || i == 0 => return Err((i, Issue::Required)),
            None => break,
        }
    }
    Ok(out)
}

/// The taxonomy as loaded: every category by key, in the order they were added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taxonomy {
    by_key: BTreeMap<String, Category>,
    order: Vec<String>,
}

impl Taxonomy {
    pub fn new(categories: impl IntoIterator<Item = Category>) -> Taxonomy {
        let mut t = Taxonomy::default();
        for c in categories {
            t.insert(c);
        }
        t
    }

    /// The first level of the message board's taxonomy.
    pub fn first_level() -> Taxonomy {
        Taxonomy::new(FIRST_LEVEL.iter().flat_map(|n| Category::along(&[(*n).to_owned()], None)))
    }

    fn insert(&mut self, c: Category) {
        if !self.by_key.contains_key(&c.key) {
            self.order.push(c.key.clone());
        }
        self.by_key.insert(c.key.clone(), c);
    }

    pub fn get(&self, key: &str) -> Option<&Category> {
        self.by_key.get(key)
    }

    /// In the order they were added (a file's order).
    pub fn categories(&self) -> impl Iterator<Item = &Category> {
        self.order.iter().filter_map(|k| self.by_key.get(k))
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The category `key` names, or a refusal of `field`.
    pub fn require(&self, key: &str, field: &str) -> Result<&Category, DomainError> {
        self.get(key.trim()).ok_or_else(|| DomainError::unknown(field, Entity::Category))
    }

    /// A category by its key, its code, or its last name when only one category has it (a
    /// person types 事故处理, not the path).
    pub fn find(&self, text: &str) -> Option<&Category> {
        let text = text.trim();
        if let Some(c) = self.get(text) {
            return Some(c);
        }
        let mut named = self.categories().filter(|c| c.code.as_deref() == Some(text) || c.name == text);
        match (named.next(), named.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }

    /// The first-level categories, in order.
    pub fn tops(&self) -> impl Iterator<Item = &Category> {
        self.categories().filter(|c| c.level == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[test]
    fn a_row_is_a_path_without_gaps() {
        assert_eq!(
            path([s("城乡建设"), s("安全生产"), s("事故处理")]),
            Ok(vec!["城乡建设".to_owned(), "安全生产".to_owned(), "事故处理".to_owned()])
        );
        assert_eq!(path([s("城乡建设"), None, None]).map(|p| p.len()), Ok(1));
        assert_eq!(path([s("城乡建设"), None, s("事故处理")]), Err((1, Issue::Required)));
        assert_eq!(path([None, s("安全生产"), None]), Err((0, Issue::Required)));
        assert!(matches!(path([s("城乡/建设"), None, None]), Err((0, Issue::Malformed { .. }))));
    }

    #[test]
    fn names_repeat_under_other_parents_and_are_found_by_path_or_alone_when_unique() {
        let t = Taxonomy::new(
            [["城乡建设", "安全生产", "其他"], ["城乡建设", "城市管理", "其他"], ["城乡建设", "城市管理", "违章建筑"]]
                .iter()
                .flat_map(|p| Category::along(&p.map(str::to_owned), None)),
        );
        assert_eq!(t.len(), 6, "the shared levels once each");
        assert_eq!(t.find("城乡建设/城市管理/其他").map(|c| c.level), Some(3));
        assert_eq!(t.find("违章建筑").map(|c| c.key.as_str()), Some("城乡建设/城市管理/违章建筑"));
        assert_eq!(t.find("其他"), None, "ambiguous");
        assert_eq!(top("城乡建设/城市管理/其他"), "城乡建设");
        assert_eq!(t.tops().count(), 1);
        assert!(t.require("环境保护", "category").is_err());
    }

    #[test]
    fn the_default_is_the_boards_first_level() {
        let t = Taxonomy::first_level();
        assert_eq!(t.tops().map(|c| c.name.as_str()).collect::<Vec<_>>(), FIRST_LEVEL);
    }
}
