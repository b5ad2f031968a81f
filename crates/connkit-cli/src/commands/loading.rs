//! The one place commands get their async runtime and load specs, so that every command
//! reports a spec that does not load the same way (`spec_unreadable`, `spec_too_large`).

use connkit_spec::{LoadError, LoadedSpec, Loader};

use crate::exit::CommandError;

/// A current-thread runtime for the commands that only load specs and write files.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CommandError> {
    build(tokio::runtime::Builder::new_current_thread())
}

/// A runtime with two workers for `connkit call`, whose requests, token refreshes and rate
/// limit waits run concurrently.
pub(crate) fn request_runtime() -> Result<tokio::runtime::Runtime, CommandError> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.worker_threads(2);
    build(builder)
}

fn build(mut builder: tokio::runtime::Builder) -> Result<tokio::runtime::Runtime, CommandError> {
    builder
        .enable_all()
        .build()
        .map_err(|err| CommandError::failure(miette::miette!("cannot start the runtime: {err}")))
}

/// The spec loader every command uses (one configuration for files and URLs).
pub(crate) fn loader() -> Loader {
    Loader::new()
}

/// Loads every location (paths as given, or URLs) at once, in order; the first that does not
/// load is a usage error with `help` and a stable code.
pub(crate) fn load_specs(
    runtime: &tokio::runtime::Runtime,
    locations: &[String],
    help: &str,
) -> Result<Vec<LoadedSpec>, CommandError> {
    let loader = loader();
    let loaded = runtime.block_on(async {
        futures::future::join_all(locations.iter().map(|location| loader.load(location))).await
    });
    loaded.into_iter().map(|result| result.map_err(|err| load_error(&err, help))).collect()
}

/// Loads one location.
pub(crate) fn load_spec(
    runtime: &tokio::runtime::Runtime,
    location: &str,
    help: &str,
) -> Result<LoadedSpec, CommandError> {
    runtime.block_on(loader().load(location)).map_err(|err| load_error(&err, help))
}

fn load_error(err: &LoadError, help: &str) -> CommandError {
    let code = match err {
        LoadError::Limit { .. } => "spec_too_large",
        _ => "spec_unreadable",
    };
    CommandError::usage(miette::miette!(help = help.to_string(), "{err}")).with_code(code)
}
