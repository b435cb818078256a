//! Synchronous use, for programs without an async runtime (feature `blocking`).
//!
//! Generated clients get `*_blocking` twins of their async methods; each runs the async
//! method to completion on a small runtime owned by the calling thread, so timers, retries and
//! the reqwest transport work unchanged.
//!
//! A reqwest connection is driven by a task of the runtime that opened it, and a thread's
//! current-thread runtime runs only while that thread is inside a blocking call (and is gone
//! once the thread ends). A pool shared with other runtimes would hand such a connection to
//! another thread, whose request would then wait for a runtime nobody drives until it timed
//! out. So the default transport is never shared across these runtimes: each thread's runtime
//! has reqwest clients of its own, dropped with it.

use crate::Error;
use crate::error::{TransportError, TransportErrorKind};
use crate::transport::{HttpOptions, Transport};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::sync::Arc;

/// A thread's runtime and the transports whose connections it drives. Fields drop in order:
/// the transports (and their pools) before the runtime.
struct ThreadRuntime {
    /// One transport per set of connection options used on this thread (a handful at most).
    #[cfg_attr(not(feature = "reqwest"), allow(dead_code))]
    transports: RefCell<Vec<(HttpOptions, Arc<dyn Transport>)>>,
    runtime: tokio::runtime::Runtime,
}

/// More distinct option sets than this on one thread are not cached (a program that builds
/// clients with ever new options would otherwise grow the list without bound).
#[cfg(feature = "reqwest")]
const MAX_TRANSPORTS: usize = 8;

thread_local! {
    static RUNTIME: Result<ThreadRuntime, String> =
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|runtime| ThreadRuntime { transports: RefCell::new(Vec::new()), runtime })
            .map_err(|e| e.to_string());
    /// Whether this thread is inside [`block_on`], running on its `RUNTIME`.
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is inside [`block_on`]: a transport built now must not outlive the
/// call (its connections are driven by this thread's runtime).
pub(crate) fn inside() -> bool {
    INSIDE.with(Cell::get)
}

/// Clears `INSIDE` however `block_on` ends (a panicking future included).
struct Inside;

impl Drop for Inside {
    fn drop(&mut self) {
        INSIDE.with(|inside| inside.set(false));
    }
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
        Ok(thread) => {
            INSIDE.with(|inside| inside.set(true));
            let _inside = Inside;
            thread.runtime.block_on(future)
        }
        Err(message) => Err(Error::from(TransportError::new(
            TransportErrorKind::Other,
            format!("cannot start a runtime for a blocking call: {message}"),
        ))),
    })
}

/// The reqwest transport for `options` that belongs to this thread's blocking runtime, when
/// called from inside [`block_on`]; `None` elsewhere (async callers share one pool, driven by
/// their own long-lived runtime).
#[cfg(feature = "reqwest")]
pub(crate) fn thread_transport(
    options: &HttpOptions,
) -> Option<Result<Arc<dyn Transport>, TransportError>> {
    if !INSIDE.with(Cell::get) {
        return None;
    }
    RUNTIME.with(|runtime| {
        let thread = runtime.as_ref().ok()?;
        let mut transports = thread.transports.borrow_mut();
        if let Some((_, transport)) = transports.iter().find(|(o, _)| o.same_transport(options)) {
            return Some(Ok(transport.clone()));
        }
        let transport: Arc<dyn Transport> = match crate::ReqwestTransport::with_options(options) {
            Ok(transport) => Arc::new(transport),
            Err(e) => return Some(Err(e)),
        };
        if transports.len() < MAX_TRANSPORTS {
            transports.push((options.clone(), transport.clone()));
        }
        Some(Ok(transport))
    })
}

/// Without reqwest there is no default transport to give each runtime.
#[cfg(not(feature = "reqwest"))]
pub(crate) fn thread_transport(
    _: &HttpOptions,
) -> Option<Result<Arc<dyn Transport>, TransportError>> {
    None
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

    #[cfg(feature = "reqwest")]
    #[test]
    fn each_thread_gets_its_own_transport_only_inside_block_on() {
        let options = HttpOptions::default();
        assert!(thread_transport(&options).is_none(), "outside block_on");
        let here = || {
            block_on::<_, ()>(async { Ok(thread_transport(&HttpOptions::default())) })
                .ok()
                .flatten()
                .and_then(Result::ok)
                .expect("a transport inside block_on")
        };
        let (first, again) = (here(), here());
        assert!(
            Arc::ptr_eq(&first, &again),
            "one transport per thread and options"
        );
        let theirs = std::thread::spawn(move || {
            let theirs = here();
            // Compared while both are alive, so an address cannot have been reused.
            Arc::ptr_eq(&theirs, &first)
        })
        .join()
        .expect("thread");
        assert!(!theirs, "another thread has another transport");
        assert!(
            thread_transport(&options).is_none(),
            "outside block_on again"
        );
    }
}
