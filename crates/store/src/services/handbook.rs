//! What the 便民服务一本通 of an area prints, read for anyone (it is a public document): the
//! area's live units and their published items in one snapshot, the supervising office's name and
//! phone from the settings. Which units make chapters, and in which order, is the domain's
//! (`rectify_domain::service::handbook`).

use super::{COLUMNS, ItemRow};
use crate::areas::Services;
use crate::db::{Q, record};
use crate::error::StoreResult;
use crate::units;
use rectify_domain::ids::UnitId;
use rectify_domain::service::handbook::{self, Area, Handbook};
use std::collections::HashMap;

impl Services<'_> {
    /// The handbook of `area` (a live unit, else a field error naming `unit`): the unit and every
    /// unit below it with their published items, as of today.
    pub async fn handbook(&self, area: UnitId) -> StoreResult<Handbook> {
        let settings = self.reference().settings().await?;
        let printed_on = self.today();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let root = units::require_live(&mut c, area, "unit").await?;
                    let all = units::all_live(&mut c).await?;
                    // The items of the units below the area: the subtree as the database walks it
                    // (the domain then keeps the live units reached through live parents).
                    let rows: Vec<ItemRow> = c
                        .fetch_all(
                            Q::new(format!(
                                "WITH RECURSIVE down(id, depth) AS ( \
                                   SELECT id, 0 FROM units WHERE id = $1 \
                                   UNION ALL SELECT u.id, down.depth + 1 FROM units u JOIN down ON u.parent_id = down.id \
                                   WHERE down.depth < 64) \
                                 SELECT {COLUMNS} FROM service_items \
                                 WHERE published = $2 AND unit_id IN (SELECT id FROM down) ORDER BY id"
                            ))
                            .bind(area)
                            .bind(true),
                        )
                        .await?;
                    let items = rows.into_iter().map(ItemRow::into_item).collect::<StoreResult<Vec<_>>>()?;
                    Ok(Handbook {
                        area_id: root.id,
                        area: root.name,
                        printed_on,
                        office: settings.office_name,
                        complaint_phone: settings.complaint_phone,
                        stations: handbook::stations(area, &all, items),
                    })
                })
            })
            .await
    }

    /// The areas a resident may print a handbook of: every live unit with published items in it
    /// or below it, in tree order.
    pub async fn handbook_areas(&self) -> StoreResult<Vec<Area>> {
        record! {
            struct Count {
                unit_id: UnitId as i64,
                n: i64,
            }
        }
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let all = units::all_live(&mut c).await?;
                    let counts: Vec<Count> = c
                        .fetch_all(
                            Q::new("SELECT unit_id, COUNT(*) AS n FROM service_items WHERE published = $1 GROUP BY unit_id")
                                .bind(true),
                        )
                        .await?;
                    let counts: HashMap<UnitId, u64> =
                        counts.into_iter().map(|r| (r.unit_id, u64::try_from(r.n).unwrap_or(0))).collect();
                    Ok(handbook::areas(&all, &counts))
                })
            })
            .await
    }
}
