//! Idempotency keys: one per call, reused on every attempt.

/// The header used when a request carries a key but its operation declares none.
pub const DEFAULT_IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// A fresh idempotency key (a random UUID v4).
pub fn generate_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// True when a header or parameter name denotes an idempotency key (`Idempotency-Key`,
/// `x-amzn-IdempotencyKey`, ...): the generator uses it to declare the header of an operation.
pub fn is_idempotency_header(name: &str) -> bool {
    name.to_ascii_lowercase().contains("idempotency")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_names_and_generates_distinct_keys() {
        assert!(is_idempotency_header("x-amzn-IdempotencyKey"));
        assert!(is_idempotency_header("Idempotency-Key"));
        assert!(!is_idempotency_header("x-request-id"));
        assert_ne!(generate_key(), generate_key());
    }
}
