//! The spec analysis (`connkit_spec::analyze`) turned into what the generator consumes:
//! operation facts, the runtime's pagination descriptors, rate limits, and the auth table.

use connkit::paginate::{PageSize, PageStyle, ParamLocation, TokenSource};
use connkit_spec::analyze::{self, Analysis, PaginationStyle, RequestLocation};
use connkit_spec::model::{Api, ParameterLocation};

use super::OperationFacts;
use crate::manifest::{AuthConfig, AuthKind, KeyLocation, Pagination, RateLimit};

/// The facts of every operation of spec `spec_index` (as many as `api.operations`, in order):
/// the analysis' ids, entities, paginations and rate limits. An analysis that does not hold
/// every operation of `api` (one made of other specs) is replaced by the analysis of `api`
/// alone, so ids and entities still come from `connkit_spec` only.
pub fn facts_for_spec(analysis: &Analysis, spec_index: usize, api: &Api) -> Vec<OperationFacts> {
    let mut found: Vec<Option<OperationFacts>> = vec![None; api.operations.len()];
    for op in analysis.operations.iter().filter(|op| op.spec_index == spec_index) {
        if let Some(slot) = found.get_mut(op.operation_index) {
            *slot = Some(facts_of(op));
        }
    }
    match found.into_iter().collect::<Option<Vec<_>>>() {
        Some(facts) => facts,
        None => analyze::analyze_apis(&[api]).operations.iter().map(facts_of).collect(),
    }
}

/// The facts of one analysed operation.
fn facts_of(op: &analyze::AnalyzedOperation) -> OperationFacts {
    let mut facts = OperationFacts {
        id: op.operation_id.clone(),
        entity: op.entity.clone(),
        pagination: None,
        pagination_guess: None,
        pagination_dropped: None,
        rate_limit: op.rate_limit.as_ref().and_then(rate_limit),
        idempotency_header: op.idempotency_header.clone(),
    };
    match op.pagination.as_ref().map(pagination) {
        Some(Ok(descriptor)) => {
            facts.pagination = Some(descriptor);
            facts.pagination_guess = op.pagination.as_ref().and_then(|p| p.guessed.clone());
        }
        Some(Err(why)) => facts.pagination_dropped = Some(why),
        None => {}
    }
    facts
}

/// The runtime descriptor for a detected pagination (its parameters in the query, the JSON
/// body or a request header), or why it cannot be expressed (a style without the field it
/// needs, a descriptor the runtime rejects).
///
/// # Errors
///
/// A sentence saying what the runtime cannot do with this pagination (for the diagnostics of
/// `connkit new` and `sync`: a pagination is never dropped in silence).
pub fn pagination(found: &analyze::Pagination) -> Result<Pagination, String> {
    let param_in = match found.request_location {
        Some(RequestLocation::Body) => ParamLocation::Body,
        Some(RequestLocation::Header) => ParamLocation::Header,
        Some(RequestLocation::Query) | None => ParamLocation::Query,
    };
    let source = || match (&found.response_path, &found.header) {
        (Some(path), _) if !path.is_empty() => Ok(TokenSource::Body(path.clone())),
        (_, Some(header)) => Ok(TokenSource::Header(header.clone())),
        _ => Err("the answer carries no next value (no body field, no header)".to_string()),
    };
    let param = || {
        found
            .request_param
            .clone()
            .ok_or_else(|| "no request parameter carries the position".to_string())
    };
    let style = match found.style {
        PaginationStyle::NextToken => {
            PageStyle::NextToken { request_param: param()?, source: source()?, param_in }
        }
        PaginationStyle::Cursor => {
            PageStyle::Cursor { request_param: param()?, source: source()?, param_in }
        }
        PaginationStyle::Keyset => PageStyle::Keyset {
            request_param: param()?,
            item_field: found.item_field.clone().unwrap_or_else(|| "id".to_string()),
            param_in,
        },
        PaginationStyle::Offset => PageStyle::Offset {
            offset_param: param()?,
            limit_param: found.limit_param.clone(),
            limit: found.limit_param.as_ref().and(found.page_size),
            param_in,
        },
        PaginationStyle::Page => PageStyle::Page {
            page_param: param()?,
            first_page: found.first_page.unwrap_or(1),
            size_param: found.limit_param.clone(),
            size: found.limit_param.as_ref().and(found.page_size),
            param_in,
        },
        PaginationStyle::LinkHeader => PageStyle::LinkHeader,
        PaginationStyle::NextUrl => PageStyle::NextUrl { source: source()? },
    };
    let mut descriptor = Pagination::new(style);
    if let Some(path) = found.items_path.as_ref().filter(|p| !p.is_empty()) {
        descriptor = descriptor.with_items_path(path.clone());
    }
    if let (Some(param), Some(size)) = (&found.limit_param, found.page_size)
        && !matches!(found.style, PaginationStyle::Offset | PaginationStyle::Page)
    {
        descriptor.page_size = Some(PageSize { param: param.clone(), size });
    }
    descriptor.has_more = found.has_more.clone();
    descriptor.total_items = found.total_items.clone();
    descriptor.total_pages = found.total_pages.clone();
    descriptor
        .validate()
        .map_err(|err| format!("the detected pagination is inconsistent: {err}"))?;
    Ok(descriptor)
}

/// A documented rate limit with a rate (the burst defaults to 1).
pub fn rate_limit(found: &analyze::RateLimit) -> Option<RateLimit> {
    let rate = found.rate.filter(|r| r.is_finite() && *r > 0.0)?;
    Some(RateLimit { rate, burst: found.burst.unwrap_or(1).max(1) })
}

/// The auth table for the first auth kind the analysis found that the runtime supports.
pub fn auth_from_analysis(analysis: &Analysis) -> AuthConfig {
    auth_of_kind(analysis, None).unwrap_or_else(|| AuthConfig::new(AuthKind::None))
}

/// The auth table for the first scheme of the analysis the connector does as `wanted` (any
/// kind the runtime supports when `None`), with what the spec says about it (key name and
/// place, token URL, scopes).
pub fn auth_of_kind(analysis: &Analysis, wanted: Option<AuthKind>) -> Option<AuthConfig> {
    for kind in &analysis.auth {
        let config = match kind {
            analyze::AuthKind::ApiKey { location, name, .. } => {
                let key_in = match location {
                    ParameterLocation::Query => KeyLocation::Query,
                    _ => KeyLocation::Header,
                };
                AuthConfig {
                    key_name: Some(name.clone()),
                    key_in: Some(key_in),
                    ..AuthConfig::new(AuthKind::ApiKey)
                }
            }
            analyze::AuthKind::HttpBasic { .. } => AuthConfig::new(AuthKind::Basic),
            analyze::AuthKind::HttpBearer { .. } => AuthConfig::new(AuthKind::Bearer),
            analyze::AuthKind::Oauth2ClientCredentials { token_url, scopes, .. } => AuthConfig {
                token_url: token_url.clone(),
                scopes: scopes.clone(),
                ..AuthConfig::new(AuthKind::OAuth2ClientCredentials)
            },
            analyze::AuthKind::Oauth2AuthorizationCode { token_url, scopes, .. }
            | analyze::AuthKind::Oauth2RefreshToken { token_url, scopes, .. }
            | analyze::AuthKind::Oauth2Password { token_url, scopes, .. } => AuthConfig {
                token_url: token_url.clone(),
                scopes: scopes.clone(),
                ..AuthConfig::new(AuthKind::OAuth2RefreshToken)
            },
            analyze::AuthKind::OpenidConnect { .. } => {
                AuthConfig::new(AuthKind::OAuth2RefreshToken)
            }
            _ => continue,
        };
        if wanted.is_none_or(|wanted| wanted == config.kind) {
            return Some(config);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_take_the_analysis_ids_even_from_an_analysis_of_other_specs() {
        let spec = connkit_spec::load_str(
            "t.json",
            r#"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{
              "/orders/{orderId}/items":{"get":{"responses":{"200":{"description":"ok"}}}},
              "/v1/pets":{"get":{"operationId":"x","responses":{"200":{"description":"ok"}}},
                          "post":{"operationId":"x","responses":{"200":{"description":"ok"}}}}}}"#,
        )
        .unwrap();
        let analysis = analyze::analyze_apis(&[&spec.api]);
        let expected: Vec<(String, String)> = analysis
            .operations
            .iter()
            .map(|op| (op.operation_id.clone(), op.entity.clone()))
            .collect();
        let ids = |facts: Vec<OperationFacts>| -> Vec<(String, String)> {
            facts.into_iter().map(|f| (f.id, f.entity)).collect()
        };
        assert_eq!(ids(facts_for_spec(&analysis, 0, &spec.api)), expected);
        assert_eq!(expected[0].0, "get_orders_by_order_id_items");
        assert_eq!(expected[1].1, "pets");
        let unrelated = analyze::analyze_apis(&[]);
        assert_eq!(ids(facts_for_spec(&unrelated, 0, &spec.api)), expected);
    }
}
