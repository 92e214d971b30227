//! The domain core of Rectify (整改通): the vocabulary, rules and arithmetic of rectification
//! campaigns, with no I/O. The store persists these types; the edges show them.

pub mod account;
pub mod accountability;
pub mod actor;
pub mod attachment;
pub mod audit;
pub mod bulletin;
pub mod calendar;
pub mod campaign;
pub mod case;
pub mod category;
pub mod error;
pub mod exchange;
pub mod extension;
pub mod figures;
pub mod history;
pub mod ids;
pub mod immediate;
pub mod inspection;
pub mod light;
pub mod login;
pub mod machine;
pub mod notice;
pub mod patch;
pub mod person;
pub mod personal_plan;
pub mod privacy;
pub mod problem;
pub mod rating;
pub mod reply_quality;
pub mod search;
pub mod service;
pub mod text;
pub mod time;
pub mod todo;
pub mod transparency;
pub mod unit;
pub mod visibility;
pub mod wire;

pub use error::{Denial, DomainError, DomainResult, Entity, Expected, FieldError, FileMeasure, Issue, JsonType, Rule};
