//! One named handle per area of the store, so a reader finds a use case by its domain word
//! (`store.cases().transition_case(…)`, `store.inspections().draw_round(…)`) and a new area adds a
//! handle here and an `impl` block in its own module, not methods on [`Store`].
//!
//! A handle is a borrowed, copyable view of the store: it dereferences to [`Store`] so an area's
//! code reaches the database, the clock and the vault as before, and reaches another area through
//! that area's handle.

use std::ops::Deref;

use crate::Store;

macro_rules! areas {
    ($($(#[$doc:meta])* $handle:ident => $Area:ident;)*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy)]
            pub struct $Area<'s>(&'s Store);

            impl Deref for $Area<'_> {
                type Target = Store;
                fn deref(&self) -> &Store {
                    self.0
                }
            }
        )*

        impl Store {
            $(
                $(#[$doc])*
                pub fn $handle(&self) -> $Area<'_> {
                    $Area(self)
                }
            )*
        }
    };
}

areas! {
    /// Citizens' cases (诉求): intake, the case loop, tracking and ratings, contacts, figures.
    cases => Cases;
    /// The rectification ledger (问题整改台账): problems, measures, progress, figures.
    ledger => Ledger;
    /// Campaigns, their batches and the immediate-rectification list (立改清单).
    campaigns => Campaigns;
    /// Inspections (明察暗访): plans, rounds, findings, re-inspections, their bulletins.
    inspections => Inspections;
    /// Accountability (问责): action records, points, proposals.
    accountability => Accountability;
    /// Campaign bulletins (简报).
    bulletins => Bulletins;
    /// Units and people.
    directory => Directory;
    /// Accounts, sessions and API tokens.
    accounts => Accounts;
    /// Reference data: the working-day calendar and the settings.
    reference => Reference;
    /// Spreadsheet imports and exports.
    exchange => Exchange;
    /// The notice outbox the notifier drains.
    outbox => Outbox;
    /// The vault's keys: re-sealing and usage.
    keys => Keys;
    /// The audit chain.
    audit => Audit;
    /// The public portal: its figures and the transparency record.
    portal => Portal;
    /// Attachments (files of problems and cases).
    files => Files;
    /// Full-text search over cases and problems, and the index's change feed.
    search => Search;
    /// Triage (分类与分派): the taxonomy of categories.
    triage => Triage;
    /// Government services: the service catalog (事项清单).
    services => Services;
}
