//! Government services (issue 19): the service catalog (事项清单 — the 便民服务一本通 an office
//! prints, the 最多跑一次 and 权力清单 lists drawn from it) and the clock of a service case (办件)
//! against its item's promised and legal limits. The service ledger, the online hall and the
//! store, edge and pages follow this core (docs/ARCHITECTURE.md, "Add a new area").

pub mod catalog;
pub mod limits;
