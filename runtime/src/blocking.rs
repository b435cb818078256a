//! Synchronous use, for programs without an async runtime (feature `blocking`).
//!
//! Generated clients get `*_blocking` twins of their async methods; each runs the async
//! method to completion on a small runtime owned by the calling thread, so timers, retries and
//! the reqwest transport work unchanged.

use crate::Error;
use crate::error::{TransportError, TransportErrorKind};
use std::future::Future;

thread_local! {
    static RUNTIME: Result<tokio::runtime::Runtime, String> =
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string());
}

/// Runs `future` to completion on this thread.
///
/// # Errors
/// A transport error, without running `future`, when called from inside an async runtime
/// (where blocking would stall it: use the async method there) or when no runtime can be
/// created; otherwise what `future` returns.
pub fn block_on<T, B>(future: impl Future<Output = Result<T, Error<B>>>) -> Result<T, Error<B>> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::from(TransportError::new(
            TransportErrorKind::Other,
            "a blocking call inside an async runtime; use the async method there",
        )));
    }
    RUNTIME.with(|runtime| match runtime {
        Ok(runtime) => runtime.block_on(future),
        Err(message) => Err(Error::from(TransportError::new(
            TransportErrorKind::Other,
            format!("cannot start a runtime for a blocking call: {message}"),
        ))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_a_future_and_refuses_inside_a_runtime() {
        let value: Result<u8, Error> = block_on(async { Ok(7) });
        assert_eq!(value.ok(), Some(7));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let nested: Result<u8, Error> = runtime.block_on(async { block_on(async { Ok(7) }) });
        assert!(matches!(nested, Err(Error::Transport(e)) if e.message.contains("async runtime")));
    }
}
