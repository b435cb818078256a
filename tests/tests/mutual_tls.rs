//! Wire tests of mutual TLS client authentication (spec format 1.2; RFC 8705 section 2,
//! docs/spec-format.md 6.8): the module generated from `generator/tests/fixtures/
//! tls_client_auth.yaml` (kept fresh by `generator/tests/mutual_tls.rs`) against a local
//! rustls server on loopback that requires a client certificate issued by a test CA
//! (`WebPkiClientVerifier`). The server records the certificate each connection presented and
//! every request; the tests check that
//!
//! - the client presents exactly the certificate of its inputs, and the body names the client
//!   (`grant_type=client_credentials&client_id=...`, RFC 8705 section 2) and holds nothing of
//!   the PEM;
//! - a client with another certificate gets another connection presenting that one, and a
//!   token source caches per certificate;
//! - a certificate the server does not trust, or none, fails the handshake: a typed transport
//!   error, no request read;
//! - PEM that cannot be read is an invalid-input error naming the input, quoting none of it;
//! - a transport given with `set_transport` is refused unless it says it presents the
//!   certificate.
//!
//! Every key and certificate is made in the test with `rcgen`; none is committed.

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/tls_client_auth_generated.rs"]
mod tls_client_auth;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokenspec_runtime::{
    BoxFuture, Error, HttpOptions, RetryPolicy, Secret, Transport, TransportError,
    TransportErrorKind,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CLIENT_ID: &str = "svc-payments";

/// A certificate authority made for one test.
struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("CA key");
        Ca {
            issuer: CertifiedIssuer::self_signed(params, key).expect("CA certificate"),
        }
    }

    fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A leaf certificate for `names` with `usage`, and its key.
    fn issue(&self, subject: &str, names: &[&str], usage: ExtendedKeyUsagePurpose) -> Leaf {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(names).expect("leaf params");
        params.distinguished_name.push(DnType::CommonName, subject);
        params.extended_key_usages = vec![usage];
        let key = KeyPair::generate().expect("leaf key");
        let cert = params
            .signed_by(&key, &*self.issuer)
            .expect("leaf certificate");
        Leaf {
            der: cert.der().clone(),
            pem: cert.pem(),
            key_pem: key.serialize_pem(),
            key_der: key.serialize_der(),
        }
    }

    /// A client certificate (TLS client authentication, RFC 5280 4.2.1.12).
    fn client(&self, subject: &str) -> Leaf {
        self.issue(subject, &[], ExtendedKeyUsagePurpose::ClientAuth)
    }
}

/// A certificate and its private key (PKCS#8).
struct Leaf {
    der: CertificateDer<'static>,
    pem: String,
    key_pem: String,
    key_der: Vec<u8>,
}

/// What the server saw: per connection the client certificate presented, per request its
/// method, target and body.
#[derive(Default)]
struct Seen {
    certificates: Vec<Vec<u8>>,
    requests: Vec<(String, String, String)>,
    failed_handshakes: usize,
}

/// A TLS server on 127.0.0.1 that requires a client certificate issued by `trusted` and
/// answers every request with a token whose name counts the requests.
struct MtlsServer {
    port: u16,
    ca_pem: String,
    seen: Arc<Mutex<Seen>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MtlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MtlsServer {
    async fn start(trusted: &Ca) -> Self {
        let server_ca = Ca::new("tokenspec test server CA");
        let leaf = server_ca.issue(
            "localhost",
            &["127.0.0.1", "localhost"],
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(trusted.issuer.der().clone())
            .expect("the client CA is a root");
        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
            Arc::new(roots),
            provider.clone(),
        )
        .build()
        .expect("client verifier");
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_client_cert_verifier(verifier)
            .with_single_cert(
                vec![leaf.der.clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf.key_der.clone())),
            )
            .expect("server certificate");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("loopback port");
        let port = listener.local_addr().expect("address").port();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let state = seen.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let acceptor = acceptor.clone();
                let state = state.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        lock(&state).failed_handshakes += 1;
                        return;
                    };
                    let presented = tls
                        .get_ref()
                        .1
                        .peer_certificates()
                        .and_then(|chain| chain.first())
                        .map(|leaf| leaf.as_ref().to_vec())
                        .unwrap_or_default();
                    lock(&state).certificates.push(presented);
                    while let Some((head, body)) = read_request(&mut tls).await {
                        let mut line = head.lines().next().unwrap_or("").split(' ');
                        let method = line.next().unwrap_or("").to_owned();
                        let target = line.next().unwrap_or("").to_owned();
                        let count = {
                            let mut seen = lock(&state);
                            seen.requests.push((method, target, body));
                            seen.requests.len()
                        };
                        let json = format!(
                            r#"{{"access_token":"mtls-access-{count}","token_type":"Bearer","expires_in":3600}}"#
                        );
                        let reply = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{json}",
                            json.len()
                        );
                        if tls.write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        MtlsServer {
            port,
            ca_pem: server_ca.pem(),
            seen,
            task,
        }
    }

    fn base_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// Options that trust the server's CA and try once (a refused handshake is not retried).
    fn options(&self) -> HttpOptions {
        HttpOptions {
            root_certificates: vec![self.ca_pem.clone()],
            timeout: Duration::from_secs(10),
            retry: RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            },
            ..HttpOptions::default()
        }
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        lock(&self.seen)
    }
}

fn lock(seen: &Mutex<Seen>) -> std::sync::MutexGuard<'_, Seen> {
    seen.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One HTTP/1.1 request (head and a `Content-Length` body), or `None` when the connection ends.
async fn read_request(
    stream: &mut (impl tokio::io::AsyncRead + Unpin),
) -> Option<(String, String)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buffer.len() > 64 * 1024 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buffer[head_end..head_end + length]).into_owned();
    Some((head, body))
}

fn client(server: &MtlsServer, leaf: &Leaf) -> tls_client_auth::Client {
    tls_client_auth::Client::builder(tls_client_auth::Inputs {
        client_id: CLIENT_ID.into(),
        client_certificate: Secret::new(leaf.pem.clone()),
        client_key: Secret::new(leaf.key_pem.clone()),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .http_options(server.options())
    .build()
    .expect("client")
}

#[tokio::test]
async fn the_client_presents_its_certificate_and_names_itself_in_the_body() {
    let ca = Ca::new("tokenspec test client CA");
    let leaf = ca.client("svc-payments.clients.example");
    let server = MtlsServer::start(&ca).await;
    let client = client(&server, &leaf);
    let token = client.fetch_token().await.expect("token");
    assert_eq!(token.access_token.expose(), "mtls-access-1");
    // The same identity reuses its connection.
    client.fetch_token().await.expect("token");

    let seen = server.seen();
    assert_eq!(
        seen.certificates,
        [leaf.der.as_ref().to_vec()],
        "one connection, presenting exactly the client's certificate"
    );
    assert_eq!(seen.requests.len(), 2);
    let (method, target, body) = &seen.requests[0];
    assert_eq!(
        (method.as_str(), target.as_str()),
        ("POST", "/oauth2/token")
    );
    // RFC 8705 section 2: authenticated by the certificate, named by client_id; nothing else.
    assert_eq!(body, "grant_type=client_credentials&client_id=svc-payments");
    assert_eq!(seen.failed_handshakes, 0);
}

#[tokio::test]
async fn a_self_signed_placement_sends_the_same_request() {
    let ca = Ca::new("tokenspec test client CA");
    let leaf = ca.client("svc-payments");
    let server = MtlsServer::start(&ca).await;
    let client = tls_client_auth::Client::builder(tls_client_auth::Inputs {
        client_id: CLIENT_ID.into(),
        client_certificate: Secret::new(leaf.pem.clone()),
        client_key: Secret::new(leaf.key_pem.clone()),
    })
    .credential_placement(tls_client_auth::CredentialPlacement::SelfSignedTlsClientAuth)
    .base_url(&server.base_url())
    .expect("base URL")
    .http_options(server.options())
    .input(tls_client_auth::OptionalInput::Scope, "payments:write")
    .build()
    .expect("client");
    client.fetch_token().await.expect("token");
    let seen = server.seen();
    assert_eq!(seen.certificates, [leaf.der.as_ref().to_vec()]);
    assert_eq!(
        seen.requests[0].2,
        "grant_type=client_credentials&scope=payments%3Awrite&client_id=svc-payments"
    );
}

#[tokio::test]
async fn another_certificate_gets_another_connection_and_another_cache_entry() {
    let ca = Ca::new("tokenspec test client CA");
    let (first, second) = (ca.client("tenant-a"), ca.client("tenant-b"));
    let server = MtlsServer::start(&ca).await;
    let a = client(&server, &first);
    let b = client(&server, &second);
    // A token source's cache key covers the certificate (a secret input, stretched, never
    // stored): two certificates, two tokens.
    let (source_a, source_b) = (a.token_source(), b.token_source());
    let token_a = source_a.access_token().await.expect("token a");
    let token_b = source_b.access_token().await.expect("token b");
    assert_ne!(token_a.expose(), token_b.expose());
    assert_eq!(
        source_a.access_token().await.expect("cached").expose(),
        token_a.expose()
    );
    let (key_a, key_b) = (source_a.key().expect("key"), source_b.key().expect("key"));
    assert_ne!(key_a, key_b);
    assert!(!key_a.contains(&first.pem[30..60]));

    // A runtime client whose certificate changes presents the new one on a new connection.
    let mut runtime = a.runtime().clone();
    runtime
        .set::<()>("client_certificate", second.pem.clone())
        .expect("set");
    runtime
        .set::<()>("client_key", second.key_pem.clone())
        .expect("set");
    runtime
        .fetch(tokenspec_runtime::GrantKind::ClientCredentials, &[])
        .await
        .expect("token with the second certificate");
    let seen = server.seen();
    assert_eq!(
        seen.certificates,
        [
            first.der.as_ref().to_vec(),
            second.der.as_ref().to_vec(),
            second.der.as_ref().to_vec()
        ]
    );
    assert_eq!(seen.requests.len(), 3);
}

#[tokio::test]
async fn a_certificate_the_server_does_not_trust_fails_the_handshake() {
    let trusted = Ca::new("tokenspec test client CA");
    let other = Ca::new("someone else's CA");
    let server = MtlsServer::start(&trusted).await;
    let leaf = other.client("svc-payments");
    let error = client(&server, &leaf)
        .fetch_token()
        .await
        .expect_err("refused handshake");
    let Error::Transport(e) = &error else {
        panic!("a transport error, got {error:?}");
    };
    assert_eq!(e.kind, TransportErrorKind::Connect, "{e}");
    let text = format!("{error} {error:?}");
    assert!(!text.contains(&leaf.key_pem[30..60]), "{text}");
    assert!(server.wait_for_failed_handshake().await);
    assert!(server.seen().requests.is_empty());
}

impl MtlsServer {
    async fn wait_for_failed_handshake(&self) -> bool {
        for _ in 0..100 {
            if self.seen().failed_handshakes > 0 {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }
}

/// A transport that claims to present the certificate but is a plain reqwest client: what a
/// caller's transport that forgot the certificate looks like to the server.
struct WithoutCertificate(tokenspec_runtime::ReqwestTransport);

impl Transport for WithoutCertificate {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        self.0.send(request)
    }

    fn presents_client_certificate(&self) -> bool {
        true
    }
}

/// A transport that does not say it presents the certificate (the trait's default).
struct Plain(tokenspec_runtime::ReqwestTransport);

impl Transport for Plain {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        self.0.send(request)
    }
}

#[tokio::test]
async fn a_caller_transport_must_say_it_presents_the_certificate() {
    let ca = Ca::new("tokenspec test client CA");
    let leaf = ca.client("svc-payments");
    let server = MtlsServer::start(&ca).await;
    let reqwest = tokenspec_runtime::ReqwestTransport::with_options(&server.options())
        .expect("transport trusting the server CA");
    let build = |transport: Arc<dyn Transport>| {
        tls_client_auth::Client::builder(tls_client_auth::Inputs {
            client_id: CLIENT_ID.into(),
            client_certificate: Secret::new(leaf.pem.clone()),
            client_key: Secret::new(leaf.key_pem.clone()),
        })
        .base_url(&server.base_url())
        .expect("base URL")
        .http_options(server.options())
        .transport(transport)
        .build()
        .expect("client")
    };

    // Refused before anything is sent: the runtime cannot add a certificate to it.
    let error = build(Arc::new(Plain(reqwest.clone())))
        .fetch_token()
        .await
        .expect_err("refused");
    let Error::Transport(e) = &error else {
        panic!("a transport error, got {error:?}");
    };
    assert_eq!(e.kind, TransportErrorKind::Other);
    assert!(e.message.contains("presents_client_certificate"), "{e}");
    assert_eq!(server.seen().certificates.len(), 0);
    assert_eq!(server.seen().failed_handshakes, 0);

    // Trusted to present it, it does not: the server refuses a handshake without one.
    let error = build(Arc::new(WithoutCertificate(reqwest)))
        .fetch_token()
        .await
        .expect_err("no certificate");
    let Error::Transport(e) = &error else {
        panic!("a transport error, got {error:?}");
    };
    assert_eq!(e.kind, TransportErrorKind::Connect, "{e}");
    assert!(server.wait_for_failed_handshake().await);
    assert!(server.seen().requests.is_empty());
}

#[tokio::test]
async fn unreadable_pem_is_an_input_error_naming_the_input() {
    let ca = Ca::new("tokenspec test client CA");
    let leaf = ca.client("svc-payments");
    let other = ca.client("someone-else");
    let server = MtlsServer::start(&ca).await;
    let not_pem = "MIIB-not-a-pem-document-3f9a";
    let cases = [
        // (certificate, key, input named)
        (
            not_pem.to_owned(),
            leaf.key_pem.clone(),
            "client_certificate",
        ),
        (leaf.pem.clone(), not_pem.to_owned(), "client_key"),
        // A key pasted where the certificate goes.
        (
            leaf.key_pem.clone(),
            leaf.key_pem.clone(),
            "client_certificate",
        ),
        // A key that is not the certificate's (rustls checks they match).
        (leaf.pem.clone(), other.key_pem.clone(), "client_key"),
    ];
    for (certificate, key, named) in cases {
        let client = tls_client_auth::Client::builder(tls_client_auth::Inputs {
            client_id: CLIENT_ID.into(),
            client_certificate: Secret::new(certificate.clone()),
            client_key: Secret::new(key.clone()),
        })
        .base_url(&server.base_url())
        .expect("base URL")
        .http_options(server.options())
        .build()
        .expect("any text builds: PEM is read when the transport is");
        let error = client.fetch_token().await.expect_err("unreadable");
        let Error::InvalidInput(e) = &error else {
            panic!("{named}: an input error, got {error:?}");
        };
        assert_eq!(e.input, named, "{e}");
        let text = format!("{error} {error:?}");
        for secret in [&certificate, &key] {
            let quoted = &secret[..secret.len().min(24)];
            assert!(!text.contains(quoted), "{named}: {text}");
        }
    }
    assert_eq!(server.seen().certificates.len(), 0);
}

#[tokio::test]
async fn a_certificate_given_per_call_is_refused_not_silently_ignored() {
    // The transport presents the client's certificate; a per-call one would be checked and
    // sent in no handshake, so a token bound to another certificate (RFC 8705 section 3)
    // could be fetched without anyone noticing.
    let ca = Ca::new("tokenspec test client CA");
    let leaf = ca.client("svc-payments");
    let other = ca.client("someone-else");
    let server = MtlsServer::start(&ca).await;
    let client = client(&server, &leaf);
    for (input, value) in [
        ("client_certificate", other.pem.clone()),
        ("client_key", other.key_pem.clone()),
    ] {
        let error = client
            .runtime()
            .fetch(
                tokenspec_runtime::GrantKind::ClientCredentials,
                &[(input, &value)],
            )
            .await
            .expect_err("refused");
        let Error::InvalidInput(e) = &error else {
            panic!("{input}: an input error, got {error:?}");
        };
        assert_eq!(e.input, input, "{e}");
        assert!(!format!("{error:?}").contains(&value[..40]), "{error:?}");
    }
    assert!(server.seen().requests.is_empty());
    assert_eq!(server.seen().certificates.len(), 0);
}

/// The exact request (as `request()` builds it; the certificate is not in it, it is presented
/// in the handshake).
#[test]
fn wire_request_tls_client_auth() {
    let ca = Ca::new("tokenspec test client CA");
    let leaf = ca.client("svc-payments");
    let request = tls_client_auth::Client::builder(tls_client_auth::Inputs {
        client_id: CLIENT_ID.into(),
        client_certificate: Secret::new(leaf.pem.clone()),
        client_key: Secret::new(leaf.key_pem.clone()),
    })
    .input(tls_client_auth::OptionalInput::Scope, "payments:read")
    .build()
    .expect("client")
    .fetch_token()
    .request()
    .expect("request");
    let mut text = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        text.push_str(&format!("{name}: {}\n", value.to_str().expect("ASCII")));
    }
    text.push('\n');
    text.push_str(std::str::from_utf8(request.body()).expect("form body"));
    assert!(!text.contains("BEGIN"), "{text}");
    insta::assert_snapshot!(text);
}
