//! Government services (issue 19): the service catalog (事项清单 — the 便民服务一本通 an office
//! prints, the 最多跑一次 and 权力清单 lists drawn from it), the service case's life (办件: 一次性告知,
//! 受理, the item's steps, 暂停计时, 办结) and its clock against the item's promised and legal
//! limits, and the service figures. The store, the edge and the pages follow this core
//! (docs/ARCHITECTURE.md, "Add a new area").

pub mod appointment;
pub mod case;
pub mod catalog;
pub mod figures;
pub mod handbook;
pub mod limits;
pub mod online;
pub mod record;
pub mod sampling;
