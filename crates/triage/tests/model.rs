//! The model's promises, on a small set a person can read.

use rectify_triage::{Example, Model, Options, Taxonomy, TaxonomyRow, Text, TrainError};

const TOPICS: [(&str, [&str; 4]); 3] = [
    ("环境保护", ["工厂排放废气", "搅拌站噪音扰民", "河道污水发臭", "垃圾焚烧污染"]),
    ("交通运输", ["公交线路调整", "出租车拒载", "道路拥堵严重", "地铁站换乘不便"]),
    ("教育文体", ["学校乱收费", "学生午餐质量", "幼儿园入学难", "教师补课收费"]),
];
const PLACES: [&str; 4] = ["西湖街道", "丽发新城", "东塘小区", "河西新区"];

fn examples() -> Vec<Example> {
    let mut out = Vec::new();
    for (category, phrases) in TOPICS {
        for (i, phrase) in phrases.iter().enumerate() {
            for place in PLACES {
                out.push(Example {
                    title: format!("{place}{phrase}"),
                    content: format!(
                        "我住在{place}，{phrase}的问题已经很久了，{}，请相关部门处理。",
                        phrases[(i + 1) % 4]
                    ),
                    category: category.to_owned(),
                });
            }
        }
    }
    out
}

fn taxonomy() -> Taxonomy {
    let row = |a: &str, b: &str, c: &str| TaxonomyRow { first: a.into(), second: b.into(), third: c.into() };
    Taxonomy {
        rows: vec![
            row("环境保护", "环境污染", "噪音污染"),
            row("交通运输", "公路运输", "出租车管理"),
            row("教育文体", "教育管理", "学校收费"),
        ],
    }
}

fn model() -> Model {
    Model::train(&examples(), &taxonomy(), &Options::default()).unwrap()
}

#[test]
fn learns_a_separable_set() {
    let m = model();
    for (title, content, want) in [
        ("化工厂排放废气", "晚上气味很大", "环境保护"),
        ("公交车太少", "每天道路拥堵，公交线路应该调整", "交通运输"),
        ("学校收费不合理", "学生家长反映乱收费", "教育文体"),
    ] {
        let s = m.suggest(title, content);
        assert_eq!(s.category, want, "{title}: {s:?}");
    }
    let held_out = m.held_out().expect("48 examples are enough to hold some out");
    assert!(held_out.accuracy > 0.9, "{held_out:?}");
    assert!(m.is_calibrated());
}

#[test]
fn confidences_are_probabilities_and_alternatives_sorted() {
    let m = model();
    let s = m.suggest("噪音扰民", "工地晚上施工");
    assert!((0.0..=1.0).contains(&s.confidence));
    assert_eq!(s.alternatives.len(), 2);
    let mut last = s.confidence;
    for a in &s.alternatives {
        assert!((0.0..=1.0).contains(&a.confidence));
        assert!(a.confidence <= last, "{s:?}");
        last = a.confidence;
    }
    let sum: f64 = s.confidence + s.alternatives.iter().map(|a| a.confidence).sum::<f64>();
    assert!((sum - 1.0).abs() < 1e-9);
}

#[test]
fn serialization_round_trips() {
    let m = model();
    let json = serde_json::to_string(&m).unwrap();
    let back: Model = serde_json::from_str(&json).unwrap();
    for (t, c) in [("搅拌站噪音", "扰民"), ("", "学校"), ("出租车", "")] {
        assert_eq!(m.suggest(t, c), back.suggest(t, c));
    }
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
}

#[test]
fn a_model_of_another_format_is_refused() {
    let mut v: serde_json::Value = serde_json::to_value(model()).unwrap();
    v["format"] = 999.into();
    let err = serde_json::from_value::<Model>(v).unwrap_err();
    assert!(err.to_string().contains("999"), "{err}");
}

#[test]
fn a_damaged_model_is_refused() {
    let good: serde_json::Value = serde_json::to_value(model()).unwrap();
    for (field, value) in [("weights", "AAAA"), ("keys", "not base64!"), ("idf", "")] {
        let mut v = good.clone();
        v[field] = value.into();
        assert!(serde_json::from_value::<Model>(v).is_err(), "{field}");
    }
}

#[test]
fn same_input_same_suggestion() {
    let a = model();
    let b = model();
    let s = a.suggest("道路拥堵", "早高峰公交线路绕行");
    assert_eq!(s, a.suggest("道路拥堵", "早高峰公交线路绕行"));
    // Retraining on the same data gives the same model, bit for bit.
    assert_eq!(s, b.suggest("道路拥堵", "早高峰公交线路绕行"));
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
}

#[test]
fn an_empty_text_gets_a_low_confidence_answer() {
    let m = model();
    for (t, c) in [("", ""), ("   ", "\n\t"), ("？！", "12345"), ("", "完全陌生的词语组合")] {
        let s = m.suggest(t, c);
        assert!(s.confidence < 0.5, "{t:?} {c:?}: {s:?}");
    }
    assert_eq!(m.suggest("", "").known_features, 0);
}

#[test]
fn the_taxonomy_alone_makes_a_seed_model() {
    let m = Model::train(&[], &taxonomy(), &Options::default()).unwrap();
    assert!(!m.is_calibrated());
    assert!(m.held_out().is_none());
    assert_eq!(m.suggest("出租车", "出租车拒载").category, "交通运输");
    assert_eq!(m.trained_on().taxonomy_rows, 3);
}

#[test]
fn unlabelled_texts_only_count_for_the_idf() {
    let plain = model();
    let texts = vec![Text { title: "小区".into(), content: "小区门口".into() }; 5];
    let with = Model::train_with_texts(&examples(), &texts, &taxonomy(), &Options::default()).unwrap();
    assert_eq!(with.trained_on().unlabelled, 5);
    assert_eq!(plain.categories(), with.categories());
}

#[test]
fn bad_training_input_is_named() {
    let mut ex = examples();
    ex[3].category = " ".into();
    assert_eq!(Model::train(&ex, &taxonomy(), &Options::default()).unwrap_err(), TrainError::EmptyCategory(3));
    let one = Taxonomy {
        rows: vec![TaxonomyRow { first: "环境保护".into(), second: String::new(), third: String::new() }],
    };
    assert_eq!(Model::train(&[], &one, &Options::default()).unwrap_err(), TrainError::TooFewCategories);
}

#[test]
fn an_example_outside_the_taxonomy_adds_its_category() {
    let mut ex = examples();
    ex.push(Example {
        title: "社保卡补办".into(), content: "社保卡丢失".into(), category: "劳动和社会保障".into()
    });
    let m = Model::train(&ex, &taxonomy(), &Options::default()).unwrap();
    assert_eq!(m.categories().last().map(String::as_str), Some("劳动和社会保障"));
}
