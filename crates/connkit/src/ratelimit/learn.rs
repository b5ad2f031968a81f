//! Reading the server's rate-limit headers: `X-RateLimit-*`, IETF `RateLimit` /
//! `RateLimit-Policy` (drafts 03 to 10), Amazon's `x-amzn-RateLimit-Limit`.

use std::time::Duration;

use http::HeaderMap;

/// What a response says about the server's limits.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[non_exhaustive]
pub struct ServerLimits {
    /// Requests left in the current window.
    pub remaining: Option<u64>,
    /// Time until the window resets.
    pub reset: Option<Duration>,
    /// A sustained rate in requests per second the server announced
    /// (`x-amzn-RateLimit-Limit`, or quota / window of `RateLimit-Policy`).
    pub rate: Option<f64>,
    /// The requests allowed per window, when announced (used as the burst).
    pub window_quota: Option<u64>,
}

impl ServerLimits {
    /// True when the server says no request is left and when it resets.
    pub fn exhausted_for(&self) -> Option<Duration> {
        match (self.remaining, self.reset) {
            (Some(0), Some(reset)) => Some(reset),
            _ => None,
        }
    }
}

/// Reads the limit headers of a response; `now_epoch_secs` converts `X-RateLimit-Reset` given
/// as a Unix timestamp into a wait (passed in so tests are exact).
pub fn read_server_limits(headers: &HeaderMap, now_epoch_secs: f64) -> ServerLimits {
    let mut limits = ServerLimits::default();
    for name in ["x-ratelimit-remaining", "x-rate-limit-remaining", "ratelimit-remaining"] {
        if let Some(v) = number(headers, name) {
            limits.remaining = Some(v.max(0.0) as u64);
            break;
        }
    }
    for name in ["x-ratelimit-reset", "x-rate-limit-reset", "ratelimit-reset"] {
        if let Some(v) = number(headers, name) {
            limits.reset = Some(reset_wait(v, now_epoch_secs));
            break;
        }
    }
    if let Some(value) = text(headers, "ratelimit") {
        let params = structured_params(value);
        if let Some(r) = min_param(&params, &["r", "remaining"]) {
            limits.remaining = Some(r.max(0.0) as u64);
        }
        if let Some(t) = max_param(&params, &["t", "reset"]) {
            limits.reset = Some(Duration::from_secs_f64(t.max(0.0)));
        }
    }
    if let Some(value) = text(headers, "ratelimit-policy") {
        let params = structured_params(value);
        let quota = min_param(&params, &["q", "limit", ""]);
        let window = max_param(&params, &["w", "window"]);
        if let (Some(q), Some(w)) = (quota, window)
            && q > 0.0
            && w > 0.0
        {
            limits.rate = Some(q / w);
            limits.window_quota = Some(q as u64);
        }
    }
    if let Some(rate) = number(headers, "x-amzn-ratelimit-limit")
        && rate > 0.0
    {
        limits.rate = Some(rate);
    }
    limits
}

/// A reset given as delta seconds, or as a Unix timestamp (seconds or milliseconds).
fn reset_wait(value: f64, now_epoch_secs: f64) -> Duration {
    let secs = if value >= 1e12 {
        value / 1000.0 - now_epoch_secs
    } else if value >= 1e9 {
        value - now_epoch_secs
    } else {
        value
    };
    Duration::from_secs_f64(secs.clamp(0.0, 86_400.0))
}

fn text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn number(headers: &HeaderMap, name: &str) -> Option<f64> {
    // Several values (a list) count by their first entry.
    let value = text(headers, name)?.split(',').next()?.trim();
    value.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Every `key=value` of a structured header, in any of its draft shapes:
/// `limit=100, remaining=0, reset=30`, `"default";r=0;t=30`, `100;w=60`, `"p";q=100;w=60`.
/// A bare number (the first member of `100;w=60`) is keyed by "".
fn structured_params(value: &str) -> Vec<(String, f64)> {
    let mut params = Vec::new();
    for member in value.split(',') {
        for token in member.split(';') {
            let token = token.trim();
            let (key, raw) = match token.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_lowercase(), v.trim()),
                None => (String::new(), token),
            };
            if let Ok(number) = raw.trim_matches('"').parse::<f64>()
                && number.is_finite()
            {
                params.push((key, number));
            }
        }
    }
    params
}

fn min_param(params: &[(String, f64)], keys: &[&str]) -> Option<f64> {
    params.iter().filter(|(k, _)| keys.contains(&k.as_str())).map(|(_, v)| *v).reduce(f64::min)
}

fn max_param(params: &[(String, f64)], keys: &[&str]) -> Option<f64> {
    params.iter().filter(|(k, _)| keys.contains(&k.as_str())).map(|(_, v)| *v).reduce(f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&'static str, &str)]) -> ServerLimits {
        let mut headers = HeaderMap::new();
        for (k, v) in pairs {
            headers.insert(*k, v.parse().unwrap());
        }
        read_server_limits(&headers, 1_700_000_000.0)
    }

    #[test]
    fn x_ratelimit_delta_and_epoch() {
        let l = read(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "7")]);
        assert_eq!(l.exhausted_for(), Some(Duration::from_secs(7)));
        let l = read(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1700000012")]);
        assert_eq!(l.exhausted_for(), Some(Duration::from_secs(12)));
        let l = read(&[("x-ratelimit-remaining", "3"), ("x-ratelimit-reset", "7")]);
        assert_eq!(l.exhausted_for(), None);
    }

    #[test]
    fn ietf_drafts() {
        let l = read(&[("ratelimit", "limit=100, remaining=0, reset=30")]);
        assert_eq!(l.exhausted_for(), Some(Duration::from_secs(30)));
        let l = read(&[
            ("ratelimit", "\"default\";r=0;t=12"),
            ("ratelimit-policy", "\"default\";q=100;w=60"),
        ]);
        assert_eq!(l.exhausted_for(), Some(Duration::from_secs(12)));
        assert!((l.rate.unwrap() - 100.0 / 60.0).abs() < 1e-9);
        assert_eq!(l.window_quota, Some(100));
        let l = read(&[
            ("ratelimit-policy", "10;w=1"),
            ("ratelimit-remaining", "0"),
            ("ratelimit-reset", "2"),
        ]);
        assert_eq!(l.rate, Some(10.0));
        assert_eq!(l.exhausted_for(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn amazon_rate() {
        let l = read(&[("x-amzn-RateLimit-Limit", "0.0167")]);
        assert_eq!(l.rate, Some(0.0167));
        assert_eq!(read(&[("x-amzn-RateLimit-Limit", "nope")]).rate, None);
    }
}
