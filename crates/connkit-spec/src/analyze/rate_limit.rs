//! Rate limits per operation: usage-plan tables in descriptions (Amazon's
//! "Rate (requests per second) | Burst"), `x-ratelimit`-style vendor extensions, and documented
//! rate-limit response headers (which say a limit exists, never what it is).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Api, Extensions, Operation};

/// Where a rate limit was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateLimitSource {
    /// A usage-plan table in the operation's description.
    Description,
    /// A vendor extension on the operation (or the document).
    Extension,
    /// Only a documented rate-limit response header: a limit exists, its numbers are unknown.
    Header,
}

/// The rate limit of one operation. Numbers are only ever copied from the spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Sustained requests per second, when the spec gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// Requests allowed in a burst, when the spec gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<u32>,
    /// Where it was found.
    pub source: RateLimitSource,
    /// The documented rate-limit response header, if any (`x-amzn-RateLimit-Limit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
}

/// Detects the rate limit of `operation`.
pub(crate) fn detect(api: &Api, operation: &Operation) -> Option<RateLimit> {
    let header = rate_limit_header(operation);
    if let Some((rate, burst)) = operation.description.as_deref().and_then(usage_plan) {
        return Some(RateLimit { rate, burst, source: RateLimitSource::Description, header });
    }
    if let Some((rate, burst)) =
        from_extensions(&operation.extensions).or_else(|| from_extensions(&api.extensions))
    {
        return Some(RateLimit { rate, burst, source: RateLimitSource::Extension, header });
    }
    header.map(|header| RateLimit {
        rate: None,
        burst: None,
        source: RateLimitSource::Header,
        header: Some(header),
    })
}

/// The first documented response header that reports rate limits.
fn rate_limit_header(operation: &Operation) -> Option<String> {
    operation
        .responses
        .iter()
        .flat_map(|r| &r.headers)
        .map(|h| &h.name)
        .find(|name| {
            let n = name.to_ascii_lowercase();
            n.starts_with("x-ratelimit")
                || n.starts_with("x-rate-limit")
                || n.starts_with("ratelimit")
                || n.starts_with("x-amzn-ratelimit")
        })
        .cloned()
}

/// Reads the first data row of a Markdown table whose header names a rate ("requests per
/// second") and a burst column. A table whose cells are not numbers (Amazon writes `n | n`
/// for limits it does not publish) is found, without numbers.
pub(crate) fn usage_plan(description: &str) -> Option<(Option<f64>, Option<u32>)> {
    // Some descriptions carry escaped line breaks (a literal `\n`).
    let unescaped;
    let description = if description.contains("\\n") {
        unescaped = description.replace("\\n", "\n");
        unescaped.as_str()
    } else {
        description
    };
    let lines: Vec<&str> = description.lines().map(str::trim).collect();
    for (index, line) in lines.iter().enumerate() {
        if !line.contains('|') {
            continue;
        }
        let header = cells(line);
        let lower: Vec<String> = header.iter().map(|c| c.to_ascii_lowercase()).collect();
        let Some(rate_col) = lower.iter().position(|c| c.contains("rate")) else { continue };
        let per_second = lower.iter().any(|c| c.contains("per second") || c.contains("/s"));
        if !per_second && !lower.iter().any(|c| c.contains("burst")) {
            continue;
        }
        let burst_col = lower.iter().position(|c| c.contains("burst"));
        let data = lines[index + 1..]
            .iter()
            .take_while(|l| l.contains('|'))
            .find(|l| !cells(l).iter().all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' '))));
        let Some(data) = data else { continue };
        let row = cells(data);
        let rate = row.get(rate_col).and_then(|c| number(c));
        let burst = burst_col
            .and_then(|col| row.get(col))
            .and_then(|c| number(c))
            .map(|b| b.round() as u32);
        return Some((rate, burst));
    }
    None
}

fn cells(line: &str) -> Vec<String> {
    let trimmed = line.trim().trim_start_matches('|').trim_end_matches('|');
    trimmed.split('|').map(|c| c.trim().to_string()).collect()
}

fn number(cell: &str) -> Option<f64> {
    let cleaned: String = cell.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
    let value: f64 = cleaned.parse().ok()?;
    value.is_finite().then_some(value)
}

/// `x-ratelimit` style extensions: an object with a rate (or a limit over a period) and a
/// burst, under any `x-` key that mentions a rate limit or throttling; or flat keys
/// (`x-ratelimit-rate: 5`, `x-ratelimit-burst: 10`, `x-rate-limit-limit` + `-period`).
fn from_extensions(extensions: &Extensions) -> Option<(Option<f64>, Option<u32>)> {
    let mut flat = serde_json::Map::new();
    for (key, value) in extensions {
        let k = key.to_ascii_lowercase().replace(['-', '_'], "");
        let marker = ["ratelimit", "throttling", "throttle"].into_iter().find(|m| k.contains(m));
        let Some(marker) = marker else { continue };
        if value.is_object() {
            if let Some(found) = numbers(value) {
                return Some(found);
            }
        } else if let Some(at) = k.find(marker) {
            let suffix = &k[at + marker.len()..];
            if !suffix.is_empty() {
                flat.insert(suffix.to_string(), value.clone());
            }
        }
    }
    numbers(&Value::Object(flat))
}

fn numbers(value: &Value) -> Option<(Option<f64>, Option<u32>)> {
    let object = value.as_object()?;
    let get = |names: &[&str]| {
        object.iter().find_map(|(k, v)| {
            let k = k.to_ascii_lowercase().replace(['-', '_'], "");
            if names.contains(&k.as_str()) { as_number(v) } else { None }
        })
    };
    let burst = get(&["burst", "burstlimit", "burstsize", "bucketsize"]).map(|b| b.round() as u32);
    let rate = get(&["rate", "ratelimit", "requestspersecond", "rps", "persecond"]).or_else(|| {
        let limit = get(&["limit", "requests", "count", "max", "calls"])?;
        let period = object.iter().find_map(|(k, v)| {
            let k = k.to_ascii_lowercase();
            if ["period", "interval", "window", "per", "unit"].contains(&k.as_str()) {
                seconds(v)
            } else {
                None
            }
        })?;
        (period > 0.0).then(|| limit / period)
    });
    if rate.is_none() && burst.is_none() {
        return None;
    }
    Some((rate, burst))
}

fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => number(s),
        _ => None,
    }
}

/// A period in seconds: a number of seconds, or `second`/`minute`/`hour`/`day`, or `60s`/`1m`.
fn seconds(value: &Value) -> Option<f64> {
    if let Some(n) = value.as_f64() {
        return Some(n);
    }
    let text = value.as_str()?.trim().to_ascii_lowercase();
    let unit = |word: &str| match word {
        "s" | "sec" | "second" | "seconds" => Some(1.0),
        "m" | "min" | "minute" | "minutes" => Some(60.0),
        "h" | "hour" | "hours" => Some(3600.0),
        "d" | "day" | "days" => Some(86_400.0),
        _ => None,
    };
    if let Some(factor) = unit(&text) {
        return Some(factor);
    }
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let amount: f64 = text[..split].parse().ok()?;
    Some(amount * unit(text[split..].trim())?)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_amazon_usage_plan_tables() {
        let text = "Returns orders.\n\n**Usage Plan:**\n\n| Rate (requests per second) | Burst |\n| ---- | ---- |\n| 0.0167 | 20 |\n\nThe header...";
        assert_eq!(usage_plan(text), Some((Some(0.0167), Some(20))));
        let escaped =
            "Lists.\\n\\n| Rate (requests per second) | Burst |\\n| ---- | ---- |\\n| 2 | 6 |\\n";
        assert_eq!(usage_plan(escaped), Some((Some(2.0), Some(6))));
    }

    #[test]
    fn unpublished_numbers_give_a_table_without_numbers() {
        let text = "| Rate (requests per second) | Burst |\n| ---- | ---- |\n| n | n |\n";
        assert_eq!(usage_plan(text), Some((None, None)));
    }

    #[test]
    fn ignores_tables_without_a_rate_column() {
        assert_eq!(usage_plan("| Name | Value |\n|---|---|\n| a | 1 |"), None);
        assert_eq!(usage_plan("no table here"), None);
    }

    #[test]
    fn reads_vendor_extensions_with_rate_or_limit_over_period() {
        let mut ext = Extensions::new();
        ext.insert("x-ratelimit".into(), json!({"rate": 5, "burst": 10}));
        assert_eq!(from_extensions(&ext), Some((Some(5.0), Some(10))));
        let mut ext = Extensions::new();
        ext.insert("x-rate-limit".into(), json!({"limit": 120, "period": "minute"}));
        assert_eq!(from_extensions(&ext), Some((Some(2.0), None)));
        let mut ext = Extensions::new();
        ext.insert("x-throttling".into(), json!({"requests": 10, "window": "10s"}));
        assert_eq!(from_extensions(&ext), Some((Some(1.0), None)));
        let mut ext = Extensions::new();
        ext.insert("x-ratelimit-rate".into(), json!(5));
        ext.insert("x-ratelimit-burst".into(), json!("10"));
        assert_eq!(from_extensions(&ext), Some((Some(5.0), Some(10))));
        let mut ext = Extensions::new();
        ext.insert("x-rate-limit-limit".into(), json!(600));
        ext.insert("x-rate-limit-period".into(), json!(60));
        assert_eq!(from_extensions(&ext), Some((Some(10.0), None)));
        assert_eq!(from_extensions(&Extensions::new()), None);
    }
}
