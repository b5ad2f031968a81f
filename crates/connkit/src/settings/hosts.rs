//! The base-URL rule every connector follows: `BASE_URL` when set, else the sandbox host
//! (with `SANDBOX=on`), else the region's host, else the default host. Generated settings and
//! `connkit call` both ask [`HostTable::base_url`], so the order lives in one place.

/// A connector's hosts: the default one, by region, and the sandboxes by region.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HostTable<'a> {
    /// The default host's base URL (`None` when the API has none and `BASE_URL` is required).
    pub default: Option<&'a str>,
    /// Production hosts by region, in the manifest's order.
    pub regions: &'a [(&'a str, &'a str)],
    /// Sandbox hosts by region (or `default`), in the manifest's order.
    pub sandbox: &'a [(&'a str, &'a str)],
}

/// The key of a sandbox host that serves every region.
const ANY_REGION: &str = "default";

impl HostTable<'_> {
    /// The base URL calls go to: `base_url` (the `BASE_URL` setting) when set; else, with
    /// `sandbox` on, the sandbox host of `region` (or the `default` one); else the host of
    /// `region`; else the default host, or the first region's. `None` only for a table
    /// without any host and no `base_url`.
    pub fn base_url(
        &self,
        base_url: Option<&url::Url>,
        sandbox: bool,
        region: Option<&str>,
    ) -> Option<String> {
        if let Some(url) = base_url {
            return Some(url.to_string());
        }
        let find = |table: &[(&str, &str)], key: &str| {
            table.iter().find(|(name, _)| *name == key).map(|(_, host)| (*host).to_string())
        };
        if sandbox {
            let host = region
                .and_then(|region| find(self.sandbox, region))
                .or_else(|| find(self.sandbox, ANY_REGION));
            if host.is_some() {
                return host;
            }
        }
        if let Some(host) = region.and_then(|region| find(self.regions, region)) {
            return Some(host);
        }
        self.default
            .map(str::to_string)
            .or_else(|| self.regions.first().map(|(_, host)| (*host).to_string()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const REGIONS: &[(&str, &str)] = &[("na", "https://na"), ("eu", "https://eu")];
    const SANDBOX: &[(&str, &str)] =
        &[("default", "https://sandbox"), ("eu", "https://sandbox-eu")];

    #[test]
    fn base_url_then_sandbox_then_region_then_default() {
        let table = HostTable { default: Some("https://api"), regions: REGIONS, sandbox: SANDBOX };
        let set = url::Url::parse("http://127.0.0.1:9/x").unwrap();
        assert_eq!(table.base_url(Some(&set), true, Some("eu")).unwrap(), "http://127.0.0.1:9/x");
        // The region's own sandbox wins over the `default` one listed before it.
        assert_eq!(table.base_url(None, true, Some("eu")).unwrap(), "https://sandbox-eu");
        assert_eq!(table.base_url(None, true, Some("na")).unwrap(), "https://sandbox");
        assert_eq!(table.base_url(None, false, Some("eu")).unwrap(), "https://eu");
        assert_eq!(table.base_url(None, false, None).unwrap(), "https://api");
        let regions_only = HostTable { regions: REGIONS, ..HostTable::default() };
        assert_eq!(regions_only.base_url(None, false, None).unwrap(), "https://na");
        assert_eq!(HostTable::default().base_url(None, true, None), None);
    }
}
