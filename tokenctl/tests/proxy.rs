//! Proxies from the environment, end to end through `tokenctl` and the runtime's default
//! transport: with `HTTP_PROXY` and `ALL_PROXY` pointing at a local listener, a token request
//! to a loopback `http://` server (credentials in it) goes straight to the server; plain http
//! is never handed to a proxy, where it would travel in clear.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// Accepts connections on a thread, records the first line of each and answers it with
/// `answer` (or closes it, when `None`).
fn listener(answer: Option<&'static str>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            record
                .lock()
                .expect("not poisoned")
                .push(first.trim_end().to_owned());
            let Some(body) = answer else { continue };
            // The rest of the head, then the body it announces.
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut request_body = vec![0; length];
            let _ = reader.read_exact(&mut request_body);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (format!("127.0.0.1:{}", addr.port()), seen)
}

#[test]
fn a_loopback_http_request_ignores_http_proxy_and_all_proxy() {
    let (proxy, proxied) = listener(None);
    let (server, served) = listener(Some(
        r#"{"access_token":"direct-token","token_type":"Bearer","expires_in":3600}"#,
    ));
    let proxy_url = format!("http://{proxy}");
    let mut command = Command::new(env!("CARGO_BIN_EXE_tokenctl"));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("TOKENSPEC_") || name.to_ascii_lowercase().ends_with("_proxy") {
            command.env_remove(&name);
        }
    }
    let output = command
        .args([
            "token",
            "learnlink",
            "--set",
            "tenant_id=tenant",
            "--set",
            "client_secret=proxy-test-secret",
            "--base-url",
            &format!("http://{server}"),
        ])
        .env("HTTP_PROXY", &proxy_url)
        .env("http_proxy", &proxy_url)
        .env("ALL_PROXY", &proxy_url)
        .env("all_proxy", &proxy_url)
        .output()
        .expect("run tokenctl");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "tokenctl failed: {stderr}");
    assert_eq!(
        proxied.lock().expect("not poisoned").as_slice(),
        &[] as &[String],
        "plain http went to the proxy"
    );
    let served = served.lock().expect("not poisoned").clone();
    assert_eq!(served, ["POST /oauth2/token/tenant HTTP/1.1"], "{stderr}");
}
