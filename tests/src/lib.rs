//! Test support for tokenspec: a local HTTP/1.1 server that records every request it receives
//! and answers from a script.
//!
//! [`TestServer`] listens on `127.0.0.1` on a random port, on a thread and Tokio runtime of its
//! own, so it serves sync and async tests alike and keeps answering while the test's runtime is
//! blocked. Point a generated client at it with `.base_url(&server.base_url())`.
//!
//! Every request is recorded *before* it is answered ([`RecordedRequest`]: method, target,
//! headers with lower-cased names, body bytes), so a test can assert what reached the wire even
//! when the reply is a dropped connection. Replies ([`Reply`]) are scripted:
//!
//! - a queue ([`TestServer::start`]): the n-th request gets the n-th reply; once the queue is
//!   empty every request gets `500` with a text body saying so, which fails any test that did not
//!   expect the extra request;
//! - one reply for every request ([`TestServer::always`]), for endpoints that a client may call
//!   again (retries of `5xx`);
//! - a closure ([`TestServer::with_handler`]) that sees each request (with its arrival index).
//!
//! A reply is a status, headers and a body, optionally after a delay, or a fault: close the
//! connection without answering ([`Reply::close`]), never answer ([`Reply::hang`]), or send only
//! the first bytes of the body and close ([`Reply::truncate_body`]).
//!
//! ```no_run
//! use tokenspec_tests::{Reply, TestServer};
//! use std::time::Duration;
//!
//! let server = TestServer::start([
//!     Reply::text(503, "text/plain", "busy").header("Retry-After", "1"),
//!     Reply::json(200, &serde_json::json!({"access_token": "t", "expires_in": 60}))
//!         .delay(Duration::from_millis(50)),
//! ]);
//! // ... point a client at server.base_url() and fetch ...
//! assert_eq!(server.request_count(), 2);
//! let first = &server.requests()[0];
//! assert_eq!(first.method, "POST");
//! ```

use base64::Engine as _;
use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, oneshot};

pub mod redis;
pub use redis::RedisServer;

/// Largest request head (request line and headers) the server reads.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body the server reads.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// One request as the server received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Arrival order, from 0, across all connections.
    pub index: usize,
    /// When the request (head and body) had been read.
    pub received_at: Instant,
    /// Method as sent (`POST`).
    pub method: String,
    /// Request target as sent: path and query (`/oauth/token?grant_type=...`).
    pub target: String,
    /// Headers in the order sent, names lower-cased, values as sent (lossy UTF-8).
    pub headers: Vec<(String, String)>,
    /// Body bytes (chunked bodies de-chunked).
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The raw query string (after `?`), if the target has one.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The query decoded as `application/x-www-form-urlencoded` pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        decode_form(self.query().unwrap_or("").as_bytes())
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).into_iter().next()
    }

    /// Every value of header `name` (any case), in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as text (lossy UTF-8).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body decoded as `application/x-www-form-urlencoded` pairs, in order.
    pub fn form(&self) -> Vec<(String, String)> {
        decode_form(&self.body)
    }

    /// The body parsed as JSON, if it is.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// `Authorization: Basic` decoded into user and password (split at the first `:`), if the
    /// request has such a header with valid base64 of UTF-8.
    pub fn basic_auth(&self) -> Option<(String, String)> {
        let value = self.header("authorization")?;
        let (scheme, encoded) = value.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (user, password) = text.split_once(':')?;
        Some((user.to_owned(), password.to_owned()))
    }
}

/// Decodes `application/x-www-form-urlencoded` bytes into pairs, in order.
pub fn decode_form(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `pairs` as owned pairs, sorted: for comparing parameter sets whatever their order.
pub fn sorted_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
        .collect();
    out.sort();
    out
}

/// An unsigned JWT (`header.payload.signature`, base64url without padding) whose payload is
/// `claims`: what a provider's access token looks like to a client that reads claims without
/// verifying them.
pub fn unsigned_jwt(claims: &serde_json::Value) -> String {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    format!(
        "{}.{}.{}",
        b64(br#"{"alg":"RS256","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes()),
        b64(b"not-a-real-signature"),
    )
}

/// What the server does with a request once it is recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Action {
    /// Status line, headers, body.
    Answer,
    /// Close the connection without writing anything.
    Close,
    /// Keep the connection open and never answer.
    Hang,
    /// Status line and headers (announcing the whole body), the first `n` body bytes, close.
    Truncate(usize),
}

/// A scripted answer: status, headers, body, an optional delay, or a fault.
///
/// `Content-Length` is added unless the reply sets it itself (to lie on purpose). The
/// connection is kept alive after an answer unless the reply has `Connection: close`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
    action: Action,
}

impl Reply {
    /// `status` with no headers and an empty body.
    pub fn new(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            action: Action::Answer,
        }
    }

    /// `status` with `body` as `application/json`.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Reply::new(status)
            .header("Content-Type", "application/json")
            .body(body.to_string())
    }

    /// `status` with `body` of `content_type`.
    pub fn text(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Reply::new(status)
            .header("Content-Type", content_type)
            .body(body)
    }

    /// Closes the connection as soon as the request is read, without answering.
    pub fn close() -> Self {
        Reply {
            action: Action::Close,
            ..Reply::new(0)
        }
    }

    /// Never answers; the connection stays open until the server is dropped.
    pub fn hang() -> Self {
        Reply {
            action: Action::Hang,
            ..Reply::new(0)
        }
    }

    /// Adds a header (sent as given).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Waits `delay` after reading the request before acting (answering, closing, ...).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Sends status and headers announcing the whole body, then only its first `bytes` bytes,
    /// then closes the connection.
    pub fn truncate_body(mut self, bytes: usize) -> Self {
        self.action = Action::Truncate(bytes);
        self
    }

    /// `status` with `body` sent `Transfer-Encoding: chunked` in chunks of `chunk` bytes, so
    /// the client learns the length only by reading.
    pub fn chunked(status: u16, content_type: &str, body: &[u8], chunk: usize) -> Self {
        let mut encoded = Vec::with_capacity(body.len() + body.len() / chunk.max(1) * 12 + 5);
        for piece in body.chunks(chunk.max(1)) {
            encoded.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
            encoded.extend_from_slice(piece);
            encoded.extend_from_slice(b"\r\n");
        }
        encoded.extend_from_slice(b"0\r\n\r\n");
        Reply::new(status)
            .header("Content-Type", content_type)
            .header("Transfer-Encoding", "chunked")
            .body(encoded)
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    fn head(&self) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        // A reply that sets its own length or a transfer coding frames its body itself.
        if !self.has_header("content-length") && !self.has_header("transfer-encoding") {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        head.push_str("\r\n");
        head.into_bytes()
    }

    fn closes_connection(&self) -> bool {
        self.headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"))
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

type Handler = Box<dyn FnMut(&RecordedRequest) -> Reply + Send>;

enum Script {
    Queue(VecDeque<Reply>),
    Always(Reply),
    Handler(Handler),
}

impl Script {
    fn next(&mut self, request: &RecordedRequest) -> Reply {
        match self {
            Script::Queue(queue) => queue.pop_front().unwrap_or_else(|| {
                Reply::text(
                    500,
                    "text/plain",
                    format!(
                        "tokenspec test server: no scripted reply left for request #{}",
                        request.index
                    ),
                )
            }),
            Script::Always(reply) => reply.clone(),
            Script::Handler(handler) => handler(request),
        }
    }
}

struct State {
    requests: Mutex<Vec<RecordedRequest>>,
    script: Mutex<Script>,
    connections: Mutex<usize>,
    arrived: Notify,
}

impl State {
    fn lock_requests(&self) -> std::sync::MutexGuard<'_, Vec<RecordedRequest>> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A local HTTP/1.1 server on `127.0.0.1:<random port>` that records requests and answers from
/// a script. Dropping it stops it and drops every open connection.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for TestServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .field("requests", &self.request_count())
            .finish_non_exhaustive()
    }
}

impl TestServer {
    /// A server answering the n-th request with the n-th reply, then `500` once they run out.
    ///
    /// # Panics
    /// If no loopback port can be bound or the server thread cannot start.
    pub fn start(replies: impl IntoIterator<Item = Reply>) -> Self {
        Self::spawn(Script::Queue(replies.into_iter().collect()))
    }

    /// A server answering every request with `reply`.
    ///
    /// # Panics
    /// As [`TestServer::start`].
    pub fn always(reply: Reply) -> Self {
        Self::spawn(Script::Always(reply))
    }

    /// A server answering each request with what `handler` returns for it (called in arrival
    /// order, one at a time; [`RecordedRequest::index`] counts from 0).
    ///
    /// # Panics
    /// As [`TestServer::start`].
    pub fn with_handler(handler: impl FnMut(&RecordedRequest) -> Reply + Send + 'static) -> Self {
        Self::spawn(Script::Handler(Box::new(handler)))
    }

    fn spawn(script: Script) -> Self {
        let listener =
            std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port for tests");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(State {
            requests: Mutex::new(Vec::new()),
            script: Mutex::new(script),
            connections: Mutex::new(0),
            arrived: Notify::new(),
        });
        let (shutdown, mut stop) = oneshot::channel::<()>();
        let thread_state = state.clone();
        let thread = std::thread::Builder::new()
            .name(format!("test-server-{}", addr.port()))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("test server runtime");
                runtime.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    loop {
                        tokio::select! {
                            _ = &mut stop => break,
                            accepted = listener.accept() => {
                                let Ok((stream, _)) = accepted else { continue };
                                *thread_state
                                    .connections
                                    .lock()
                                    .unwrap_or_else(PoisonError::into_inner) += 1;
                                tokio::spawn(serve(stream, thread_state.clone()));
                            }
                        }
                    }
                });
                // Dropping the runtime drops every connection task: hanging replies end here.
                drop(runtime);
            })
            .expect("spawn the test server thread");
        TestServer {
            addr,
            state,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:<port>`, for a client's `base_url`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `base_url` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.lock_requests().clone()
    }

    /// How many requests have been received.
    pub fn request_count(&self) -> usize {
        self.state.lock_requests().len()
    }

    /// The one request received.
    ///
    /// # Panics
    /// Unless exactly one request was received.
    pub fn only_request(&self) -> RecordedRequest {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request, got {}: {requests:#?}",
            requests.len()
        );
        requests.into_iter().next().expect("one request")
    }

    /// How many TCP connections were accepted.
    pub fn connection_count(&self) -> usize {
        *self
            .state
            .connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds replies to the end of a queue script (see [`TestServer::start`]).
    ///
    /// # Panics
    /// If the server was not started with a queue.
    pub fn push(&self, reply: Reply) {
        match &mut *self
            .state
            .script
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
        {
            Script::Queue(queue) => queue.push_back(reply),
            _ => panic!("push needs a server started with TestServer::start"),
        }
    }

    /// Waits until at least `count` requests were received, at most `timeout`; whether they
    /// were. Works on any async runtime.
    pub async fn wait_for_requests(&self, count: usize, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let arrived = self.state.arrived.notified();
            if self.request_count() >= count {
                return true;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return self.request_count() >= count;
            }
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves one connection: request after request (keep-alive) until the client closes it, a
/// reply closes it, or a request cannot be read.
async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let mut buffer: Vec<u8> = Vec::new();
    loop {
        let Some(mut request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        {
            // Index and record under one lock, so indexes follow the order of `requests()`.
            let mut requests = state.lock_requests();
            request.index = requests.len();
            requests.push(request.clone());
        }
        state.arrived.notify_waiters();
        let reply = {
            let mut script = state.script.lock().unwrap_or_else(PoisonError::into_inner);
            script.next(&request)
        };

        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        match reply.action {
            Action::Close => return,
            Action::Hang => std::future::pending::<()>().await,
            Action::Truncate(n) => {
                let _ = stream.write_all(&reply.head()).await;
                let _ = stream
                    .write_all(&reply.body[..n.min(reply.body.len())])
                    .await;
                let _ = stream.flush().await;
                return;
            }
            Action::Answer => {
                let mut bytes = reply.head();
                bytes.extend_from_slice(&reply.body);
                if stream.write_all(&bytes).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
                if reply.closes_connection() {
                    let _ = stream.shutdown().await;
                    return;
                }
            }
        }
    }
}

/// Reads more bytes into `buffer`; `false` at end of stream or on error.
async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            true
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads one request (head, then a `Content-Length` or chunked body) from `stream`; bytes
/// after it stay in `buffer` for the next request on the connection.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<RecordedRequest> {
    let head_end = loop {
        if let Some(i) = find(buffer, b"\r\n\r\n") {
            break i + 4;
        }
        if buffer.len() > MAX_HEAD || !fill(stream, buffer).await {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end - 4]).into_owned();
    buffer.drain(..head_end);
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let get = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };

    if get("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        stream
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .await
            .ok()?;
    }
    let chunked =
        get("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(stream, buffer).await?
    } else {
        let length: usize = match get("content-length") {
            Some(v) => v.parse().ok()?,
            None => 0,
        };
        if length > MAX_BODY {
            return None;
        }
        while buffer.len() < length {
            if !fill(stream, buffer).await {
                return None;
            }
        }
        buffer.drain(..length).collect()
    };
    Some(RecordedRequest {
        index: 0,
        received_at: Instant::now(),
        method,
        target,
        headers,
        body,
    })
}

async fn read_chunked(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(i) = find(buffer, b"\r\n") {
                break i;
            }
            if !fill(stream, buffer).await {
                return None;
            }
        };
        let size_text = String::from_utf8_lossy(&buffer[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        buffer.drain(..line_end + 2);
        if size == 0 {
            // Trailers, if any, end with an empty line.
            loop {
                if let Some(i) = find(buffer, b"\r\n") {
                    let empty = i == 0;
                    buffer.drain(..i + 2);
                    if empty {
                        return Some(body);
                    }
                } else if !fill(stream, buffer).await {
                    return None;
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return None;
        }
        while buffer.len() < size + 2 {
            if !fill(stream, buffer).await {
                return None;
            }
        }
        body.extend(buffer.drain(..size));
        buffer.drain(..2);
    }
}

/// Compile-time checks of the generated client API, as doctests (`cargo test -p
/// tokenspec-tests --doc`). A client's required inputs are the fields of its `Inputs` struct,
/// so a literal that has every one builds a client:
///
/// ```
/// use tokenspec_provider_brainysoft as brainysoft;
///
/// let client = brainysoft::Client::builder(brainysoft::Inputs {
///     customer_key: "acme".into(),
///     client_id: "id".into(),
///     client_secret: "secret".into(),
/// })
/// .build();
/// assert!(client.is_ok());
/// ```
///
/// and the same literal without `client_secret` does not compile (E0063 names the missing
/// field). Stable rustdoc does not check a `compile_fail` block's error code, so the block
/// above, which differs from this one by that field only, shows it fails for that reason:
///
/// ```compile_fail
/// use tokenspec_provider_brainysoft as brainysoft;
///
/// let client = brainysoft::Client::builder(brainysoft::Inputs {
///     customer_key: "acme".into(),
///     client_id: "id".into(),
/// })
/// .build();
/// assert!(client.is_ok());
/// ```
pub mod compile_checks {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn connect(server: &TestServer) -> std::net::TcpStream {
        let stream = std::net::TcpStream::connect(server.addr()).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        stream
    }

    /// Reads one response: head, then `Content-Length` bytes (or to end of stream).
    fn read_response(stream: &mut std::net::TcpStream) -> (String, Vec<u8>) {
        let mut bytes = Vec::new();
        let mut byte = [0u8; 1];
        while find(&bytes, b"\r\n\r\n").is_none() {
            match stream.read(&mut byte) {
                Ok(1) => bytes.push(byte[0]),
                _ => return (String::from_utf8_lossy(&bytes).into_owned(), Vec::new()),
            }
        }
        let head = String::from_utf8_lossy(&bytes).into_owned();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        let mut body = Vec::new();
        while body.len() < length {
            match stream.read(&mut byte) {
                Ok(1) => body.push(byte[0]),
                _ => break,
            }
        }
        (head, body)
    }

    #[test]
    fn records_requests_on_a_kept_alive_connection_and_answers_in_order() {
        let server = TestServer::start([
            Reply::json(200, &serde_json::json!({"n": 1})),
            Reply::text(201, "text/plain", "second").header("X-Test", "yes"),
        ]);
        let mut stream = connect(&server);
        stream
            .write_all(
                b"POST /a/b?x=1&y=%2F HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: Basic dXNlcjpwYTpzcw==\r\nContent-Length: 14\r\n\r\ngrant_type=c+d",
            )
            .expect("write");
        let (head, body) = read_response(&mut stream);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(
            head.contains("Content-Type: application/json\r\n"),
            "{head}"
        );
        assert_eq!(body, br#"{"n":1}"#);

        stream
            .write_all(
                b"PUT /chunked HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;ext=1\r\nefg\r\n0\r\n\r\n",
            )
            .expect("write");
        let (head, body) = read_response(&mut stream);
        assert!(head.starts_with("HTTP/1.1 201 Created\r\n"), "{head}");
        assert!(head.contains("X-Test: yes\r\n"), "{head}");
        assert_eq!(body, b"second");

        let requests = server.requests();
        assert_eq!(server.request_count(), 2);
        assert_eq!(server.connection_count(), 1);
        let first = &requests[0];
        assert_eq!(first.index, 0);
        assert_eq!(first.method, "POST");
        assert_eq!(first.path(), "/a/b");
        assert_eq!(first.query(), Some("x=1&y=%2F"));
        assert_eq!(
            first.query_pairs(),
            [("x".into(), "1".into()), ("y".into(), "/".into())]
        );
        assert_eq!(
            first.header("CONTENT-TYPE"),
            Some("application/x-www-form-urlencoded")
        );
        assert!(
            first
                .headers
                .iter()
                .all(|(n, _)| *n == n.to_ascii_lowercase())
        );
        assert_eq!(first.form(), [("grant_type".into(), "c d".into())]);
        assert_eq!(first.basic_auth(), Some(("user".into(), "pa:ss".into())));
        let second = &requests[1];
        assert_eq!(second.index, 1);
        assert_eq!(second.method, "PUT");
        assert_eq!(second.body, b"abcdefg");
    }

    #[test]
    fn an_empty_queue_answers_500_and_says_so() {
        let server = TestServer::start([]);
        let mut stream = connect(&server);
        stream.write_all(b"GET / HTTP/1.1\r\n\r\n").expect("write");
        let (head, body) = read_response(&mut stream);
        assert!(head.starts_with("HTTP/1.1 500 "), "{head}");
        assert!(String::from_utf8_lossy(&body).contains("no scripted reply left for request #0"));
        server.push(Reply::new(204));
        stream.write_all(b"GET / HTTP/1.1\r\n\r\n").expect("write");
        let (head, _) = read_response(&mut stream);
        assert!(head.starts_with("HTTP/1.1 204 "), "{head}");
    }

    #[test]
    fn handler_sees_each_request() {
        let server = TestServer::with_handler(|request| {
            Reply::text(
                200,
                "text/plain",
                format!("{} {}", request.index, request.target),
            )
        });
        for i in 0..3 {
            let mut stream = connect(&server);
            stream
                .write_all(format!("GET /r{i} HTTP/1.1\r\n\r\n").as_bytes())
                .expect("write");
            let (_, body) = read_response(&mut stream);
            assert_eq!(body, format!("{i} /r{i}").as_bytes());
        }
        assert_eq!(server.connection_count(), 3);
    }

    #[test]
    fn faults_close_truncate_hang_and_delay() {
        let server = TestServer::start([
            Reply::close(),
            Reply::text(200, "text/plain", "0123456789").truncate_body(3),
            Reply::hang(),
        ]);
        // Close: end of stream, nothing written; the request is recorded all the same.
        let mut stream = connect(&server);
        stream
            .write_all(b"POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi")
            .expect("write");
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).expect("read");
        assert!(rest.is_empty());
        assert_eq!(server.requests()[0].body, b"hi");

        // Truncate: the whole length announced, three bytes sent, then end of stream.
        let mut stream = connect(&server);
        stream.write_all(b"GET / HTTP/1.1\r\n\r\n").expect("write");
        let mut all = Vec::new();
        stream.read_to_end(&mut all).expect("read");
        let text = String::from_utf8_lossy(&all);
        assert!(text.contains("Content-Length: 10\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\n012"), "{text}");

        // Hang: no answer within the read timeout.
        let mut stream = connect(&server);
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        stream.write_all(b"GET / HTTP/1.1\r\n\r\n").expect("write");
        let mut byte = [0u8; 1];
        let error = stream.read(&mut byte).expect_err("no answer");
        assert!(
            matches!(
                error.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "{error:?}"
        );
        assert_eq!(server.request_count(), 3);

        // Delay.
        let server = TestServer::always(Reply::new(200).delay(Duration::from_millis(150)));
        let mut stream = connect(&server);
        let started = Instant::now();
        stream.write_all(b"GET / HTTP/1.1\r\n\r\n").expect("write");
        let (head, _) = read_response(&mut stream);
        assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
        assert!(started.elapsed() >= Duration::from_millis(150));
    }

    #[tokio::test]
    async fn wait_for_requests_wakes_on_arrival() {
        let server = TestServer::always(Reply::new(200));
        let addr = server.addr();
        assert!(!server.wait_for_requests(1, Duration::from_millis(50)).await);
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            let mut stream = std::net::TcpStream::connect(addr).expect("connect");
            stream.write_all(b"GET / HTTP/1.1\r\n\r\n").expect("write");
            let mut byte = [0u8; 1];
            let _ = stream.read(&mut byte);
        });
        assert!(server.wait_for_requests(1, Duration::from_secs(5)).await);
        writer.join().expect("writer");
    }

    #[test]
    fn unsigned_jwt_has_three_base64url_parts() {
        let jwt = unsigned_jwt(&serde_json::json!({"sub": "x?>"}));
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .expect("base64url");
        assert_eq!(payload, br#"{"sub":"x?>"}"#);
    }
}
