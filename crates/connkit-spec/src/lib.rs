//! OpenAPI 2.0 / 3.0 / 3.1 loading, `$ref` resolution, one normalised model, and the
//! connector guideline's analysis (tier and reasons).
