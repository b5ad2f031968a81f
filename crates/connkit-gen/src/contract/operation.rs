//! One operation's effective settings: the analysis' facts with the overrides of
//! `connector.toml` merged in, the one merge the generator and `connkit call` both use.

use crate::hosts::HostPlan;
use crate::ir::OperationFacts;
use crate::manifest::{Manifest, OperationOverride, Pagination, RateLimit};

/// Where an operation sits in the connector.
#[derive(Debug, Clone, Copy)]
pub struct OperationPlace<'a> {
    /// Its spec's stem (`ordersV0`).
    pub stem: &'a str,
    /// Its spec's index in the manifest.
    pub spec_index: usize,
    /// Its index in its spec's operations.
    pub operation_index: usize,
    /// Whether the connector has several specs (its id is then qualified by the stem).
    pub multi_spec: bool,
}

/// An operation's effective entity, host, rate limit and pagination.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationContract {
    /// The id callers and `connector.toml` name it by: `{stem}.{id}` in a connector with
    /// several specs, else the id.
    pub qualified_id: String,
    /// The entity (service) it belongs to: `entity` of its override, else the analysis'.
    pub entity: String,
    /// The named host it goes to, `None` for the default host.
    pub host: Option<String>,
    /// Its rate limit: the override's, else the documented one.
    pub rate_limit: Option<RateLimit>,
    /// How it pages: `None` when `paginated = false`; the override's descriptor, else the
    /// analysis' one.
    pub pagination: Option<Pagination>,
    /// Why the pagination is a guess, if it is (the override's mark for an overridden one).
    pub pagination_guess: Option<String>,
    /// Why a pagination the spec documents could not become a descriptor (no override).
    pub pagination_dropped: Option<String>,
}

impl OperationContract {
    /// Merges the operation's override (looked up by its qualified id, then its bare id)
    /// into its facts.
    pub fn resolve(
        manifest: &Manifest,
        hosts: &HostPlan,
        place: OperationPlace<'_>,
        facts: &OperationFacts,
    ) -> OperationContract {
        let qualified_id = if place.multi_spec {
            format!("{}.{}", place.stem, facts.id)
        } else {
            facts.id.clone()
        };
        let overrides = manifest.operation(&format!("{}.{}", place.stem, facts.id), &facts.id);
        let host = hosts
            .host_of(
                place.spec_index,
                place.operation_index,
                overrides.and_then(|o| o.host.as_deref()),
            )
            .map(str::to_string);
        let mut contract = OperationContract {
            qualified_id,
            entity: overrides
                .and_then(|o| o.entity.clone())
                .unwrap_or_else(|| facts.entity.clone()),
            host,
            rate_limit: overrides.and_then(|o| o.rate_limit).or(facts.rate_limit),
            pagination: None,
            pagination_guess: None,
            pagination_dropped: None,
        };
        contract.merge_pagination(overrides, facts);
        contract
    }

    /// `paginated = false` turns paging off; a descriptor of the manifest is the user's
    /// unless the manifest still marks it as a guess.
    fn merge_pagination(&mut self, overrides: Option<&OperationOverride>, facts: &OperationFacts) {
        if overrides.and_then(|o| o.paginated) == Some(false) {
            return;
        }
        match overrides.and_then(|o| o.pagination.clone()) {
            Some(pagination) => {
                self.pagination = Some(pagination);
                self.pagination_guess = overrides.and_then(|o| o.pagination_guessed.clone());
            }
            None => {
                self.pagination = facts.pagination.clone();
                self.pagination_guess = facts.pagination_guess.clone();
                self.pagination_dropped = facts.pagination_dropped.clone();
            }
        }
    }
}
