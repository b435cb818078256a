//! `tokenctl token` and `tokenctl authorize-url`.

use crate::mask::{self, Redactor};
use crate::{Failure, Report, inputs};
use serde_json::{Map, Value, json};
use std::time::Duration;
use tokenspec_runtime::{
    Client, DynResult, Error, FieldType, GrantKind, GrantSpec, HttpOptions, InvalidInput,
    JsonErrorBody, ProviderError, ProviderSpec, RetryPolicy, TransportError, TransportErrorKind,
};

/// Most retries `--retries` accepts: with the runtime's backoff (at most 5 s between attempts)
/// and a timeout per attempt, more would only keep a terminal waiting.
const MAX_RETRIES: i64 = 100;

/// `--timeout` when not given: the runtime's timeout per attempt.
fn default_timeout() -> f64 {
    HttpOptions::default().timeout.as_secs_f64()
}

/// `--retries` when not given: the runtime's attempts minus the first.
fn default_retries() -> u32 {
    RetryPolicy::default().max_attempts.saturating_sub(1)
}

/// Arguments of `tokenctl token`.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// Provider name (see `tokenctl providers`).
    pub provider: String,
    /// Environment (default: the spec's default environment).
    #[arg(long = "env", value_name = "NAME")]
    pub env: Option<String>,
    /// Grant: none, client_credentials, authorization_code or refresh_token (default: the
    /// provider's first).
    #[arg(long, value_name = "GRANT")]
    pub grant: Option<String>,
    /// An input value (names as in `tokenctl describe`); else TOKENSPEC_<NAME> is read.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Replace scheme, host and port of the token URL (path and query are kept); plain http
    /// only for loopback hosts.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Send credentials as this accepted placement (header, basic, body, query) instead of
    /// the preferred one.
    #[arg(long, value_name = "KIND")]
    pub placement: Option<String>,
    /// Print the request instead of sending it.
    #[arg(long)]
    pub dry_run: bool,
    /// Print secrets (inputs, tokens, credentials) instead of `***`.
    #[arg(long)]
    pub reveal: bool,
    /// Bound on each attempt, connection to last byte, in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = default_timeout(),
        value_parser = parse_timeout,
        allow_negative_numbers = true
    )]
    pub timeout: f64,
    /// Attempts after the first (0 to 100) when the endpoint cannot be reached, times out or
    /// answers 429 or 5xx, with backoff; never after another 4xx.
    #[arg(
        long,
        value_name = "N",
        default_value_t = default_retries(),
        value_parser = clap::value_parser!(u32).range(0..=MAX_RETRIES),
        allow_negative_numbers = true
    )]
    pub retries: u32,
}

/// Arguments of `tokenctl authorize-url`.
#[derive(Debug, clap::Args)]
pub struct AuthorizeArgs {
    /// Provider name (an authorization-code provider).
    pub provider: String,
    /// Environment (default: the spec's default environment).
    #[arg(long = "env", value_name = "NAME")]
    pub env: Option<String>,
    /// An input value (state, code_verifier, client_id, ...); else TOKENSPEC_<NAME> is read.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Replace scheme, host and port of the authorize URL (path and query are kept); plain
    /// http only for loopback hosts. The same checks as `token --base-url` (spec format 1.1).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// The provider called `name`, or a usage error listing the known ones.
pub fn find_provider(name: &str) -> Result<&'static ProviderSpec, Failure> {
    tokenspec_providers::by_name(name).ok_or_else(|| {
        let known: Vec<&str> = tokenspec_providers::providers()
            .iter()
            .map(|p| p.name)
            .collect();
        Failure::Usage(format!(
            "unknown provider `{name}`; expected one of: {}",
            known.join(", ")
        ))
    })
}

fn pick_grant(
    provider: &'static ProviderSpec,
    name: Option<&str>,
) -> Result<&'static GrantSpec, Failure> {
    let known = || {
        provider
            .grants
            .iter()
            .map(|g| g.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match name {
        Some(name) => provider.grant_by_name(name).ok_or_else(|| {
            Failure::Usage(format!(
                "{} has no grant `{name}`; expected one of: {}",
                provider.name,
                known()
            ))
        }),
        None => provider
            .default_grant()
            .ok_or_else(|| Failure::Usage(format!("{} declares no grant", provider.name))),
    }
}

/// The timeout of one attempt `seconds` stands for: positive, at least a nanosecond, and a
/// duration a clock can count.
fn timeout(seconds: f64) -> Result<Duration, String> {
    if seconds.is_nan() || seconds <= 0.0 {
        return Err("expected a positive number of seconds".to_owned());
    }
    match Duration::try_from_secs_f64(seconds) {
        Ok(timeout) if !timeout.is_zero() => Ok(timeout),
        Ok(_) => {
            Err("expected a positive number of seconds (this is under a nanosecond)".to_owned())
        }
        Err(_) => Err("expected a number of seconds a clock can count".to_owned()),
    }
}

/// clap's parser of `--timeout`: bad values are usage errors naming the flag and the value.
fn parse_timeout(text: &str) -> Result<f64, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| "expected a number of seconds, such as 30 or 0.5".to_owned())?;
    timeout(seconds).map(|_| seconds)
}

/// The runtime's HTTP options with `--timeout` per attempt and `--retries` after the first.
fn http_options(args: &TokenArgs) -> Result<HttpOptions, Failure> {
    // clap checked the value already; this only matters to callers that did not use it.
    let timeout = timeout(args.timeout).map_err(|e| Failure::Usage(format!("--timeout: {e}")))?;
    Ok(HttpOptions {
        timeout,
        retry: RetryPolicy {
            // clap keeps `--retries` within 0..=MAX_RETRIES.
            max_attempts: args.retries.saturating_add(1),
            ..RetryPolicy::default()
        },
        ..HttpOptions::default()
    })
}

/// `--base-url` is scheme, host and port only: a path, query, fragment or user info would be
/// silently dropped (or leak credentials into output), so they are refused. The value is not
/// echoed, since it could carry a password.
fn check_base_url(raw: &str) -> Result<(), Failure> {
    let bad = |why: &str| {
        Failure::Usage(format!(
            "--base-url expects scheme://host[:port] (e.g. http://127.0.0.1:8080); {why}"
        ))
    };
    let url = url::Url::parse(raw).map_err(|e| bad(&format!("it does not parse: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("it may not carry user info"));
    }
    if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
        return Err(bad(
            "it may not have a path, query or fragment (the spec URL's own are kept)",
        ));
    }
    Ok(())
}

/// Converts a runtime error into tokenctl's outcome: bad input is a usage error (exit 2),
/// anything the provider or the network did is exit 1 with a JSON error object.
fn failure(provider: &ProviderSpec, error: Error<JsonErrorBody>) -> Failure {
    match error {
        Error::InvalidInput(e) => {
            let InvalidInput { input, reason } = *e;
            let mut message = format!("invalid input `{input}`: {reason}");
            if reason.starts_with("required")
                && let Some(hint) = inputs::how_to_set(provider, &input)
            {
                message.push_str("; ");
                message.push_str(&hint);
            }
            Failure::Usage(message)
        }
        Error::Provider(e) => {
            let ProviderError {
                status,
                body,
                www_authenticate,
            } = *e;
            let summary = body.to_string();
            let mut error = Map::new();
            error.insert("status".into(), json!(status));
            // The challenge of a 401 (RFC 7235 section 4.1), often the only explanation a
            // server gives (RFC 6750 section 3: `error`, `error_description`). Like the
            // status, it is the answer's own and wins over a body field of that name; echoed
            // secrets in it are hidden by the runtime and again by the redactor.
            if let Some(challenge) = www_authenticate {
                error.insert("www_authenticate".into(), json!(challenge));
            }
            // The HTTP status wins over a `status` field of the body (learn.link repeats it
            // as a float).
            for (key, value) in body.0 {
                error.entry(key).or_insert(value);
            }
            Failure::Remote {
                error: Value::Object(error),
                message: format!("{} answered HTTP {status}: {summary}", provider.name),
            }
        }
        Error::UnexpectedResponse(e) => Failure::Remote {
            error: json!({
                "status": e.status,
                "content_type": e.content_type,
                "reason": e.reason,
                "excerpt": e.excerpt,
            }),
            message: format!(
                "unusable response from {} (HTTP {}): {}",
                provider.name, e.status, e.reason
            ),
        },
        // Transport failures, and any kind of error a newer runtime adds.
        other => match other {
            Error::Transport(e) => transport_failure(provider, &e, None),
            other => Failure::Remote {
                error: json!({ "status": null, "message": other.to_string() }),
                message: other.to_string(),
            },
        },
    }
}

/// A transport failure; `target` is the request's method and (masked) URL when known.
fn transport_failure(provider: &ProviderSpec, e: &TransportError, target: Option<&str>) -> Failure {
    let kind = match format!("{:?}", e.kind).as_str() {
        "Connect" => "connect",
        "Timeout" => "timeout",
        "BodyTooLarge" => "body_too_large",
        _ => "other",
    };
    Failure::Remote {
        error: json!({ "status": null, "kind": kind, "message": e.to_string() }),
        message: match target {
            Some(target) => format!(
                "could not get an answer from {} ({target}): {e}",
                provider.name
            ),
            None => format!("could not get an answer from {}: {e}", provider.name),
        },
    }
}

fn configured_client(
    provider: &'static ProviderSpec,
    env: Option<&str>,
    sets: &[String],
    redactor: &mut Redactor,
) -> Result<Client, Failure> {
    let mut client = Client::new(provider);
    if let Some(env) = env {
        client
            .set_environment::<JsonErrorBody>(env)
            .map_err(|e| failure(provider, e))?;
    }
    inputs::apply(&mut client, provider, sets, redactor)?;
    Ok(client)
}

/// `tokenctl token`.
pub fn token(args: &TokenArgs, redactor: &mut Redactor) -> Result<Report, Failure> {
    let provider = find_provider(&args.provider)?;
    let options = http_options(args)?;
    let grant = pick_grant(provider, args.grant.as_deref())?;
    let mut client = configured_client(provider, args.env.as_deref(), &args.set, redactor)?;
    if let Some(kind) = &args.placement {
        client
            .set_placement::<JsonErrorBody>(kind)
            .map_err(|e| failure(provider, e))?;
    }
    if let Some(url) = &args.base_url {
        check_base_url(url)?;
        client
            .set_base_url::<JsonErrorBody>(url)
            .map_err(|e| failure(provider, e))?;
    }
    client.set_options(options);
    let request = client
        .token_request(grant.name(), &[])
        .map_err(|e| failure(provider, e))?;
    // A server may echo the credentials in any form they were sent in: the Basic pair in
    // both encodings, and the credential headers exactly as this request carries them.
    redactor.add_mask(&client.secret_mask(&[]));
    redactor.add_request(&request);
    if args.dry_run {
        return Ok(Report::json(render_request(provider, &request, redactor)));
    }

    let target = format!(
        "{} {}",
        request.method(),
        if redactor.revealing() {
            request.uri().to_string()
        } else {
            mask::mask_url(&request.uri().to_string(), &mask::secret_params(provider))
        }
    );
    let response = send(&client, request).map_err(|e| match e {
        Error::Transport(e) => transport_failure(provider, &e, Some(&target)),
        other => failure(provider, other),
    })?;
    // The client's parser hides echoed credentials in errors; --reveal shows them as sent.
    let data = if redactor.revealing() {
        tokenspec_runtime::response::parse_token_response(provider, &response)
    } else {
        client.parse_response(&response)
    }
    .map_err(|e| failure(provider, e))?;
    for field in provider.response {
        if field.ty == FieldType::Secret
            && let Some(Value::String(value)) = data.get(field.name)
        {
            redactor.add(value);
        }
    }
    let mut out = data.to_wire_json(redactor.revealing());
    let mut warnings = Vec::new();
    if !provider.claims.is_empty() {
        let claims = data
            .get("access_token")
            .and_then(Value::as_str)
            .map(|token| tokenspec_runtime::jwt::decode_claims(provider, token));
        let claims = match claims {
            Some(Ok(claims)) => Value::Object(claims.to_wire_json(redactor.revealing())),
            Some(Err(e)) => {
                warnings.push(format!("warning: {e}; \"claims\" is null"));
                Value::Null
            }
            None => Value::Null,
        };
        out.insert("claims".into(), claims);
    }
    Ok(Report {
        stdout: crate::Stdout::Json(Value::Object(out)),
        warnings,
    })
}

/// Sends `request` through the runtime client on a current-thread tokio runtime: each attempt
/// within the client's timeout, connection failures, timeouts, `429` and `5xx` retried as its
/// options say, no redirects. The answer of the last attempt is returned whatever its status.
fn send(client: &Client, request: http::Request<Vec<u8>>) -> DynResult<http::Response<Vec<u8>>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Error::from(TransportError::new(
                TransportErrorKind::Other,
                format!("cannot start the async runtime: {e}"),
            ))
        })?;
    runtime.block_on(client.send(request))
}

/// The `--dry-run` object: method, URL, headers (lower-case names), body (text or null),
/// credentials masked unless revealing.
fn render_request(
    provider: &ProviderSpec,
    request: &http::Request<Vec<u8>>,
    redactor: &Redactor,
) -> Value {
    let reveal = redactor.revealing();
    let secret = mask::secret_params(provider);
    let url = request.uri().to_string();
    let url = if reveal {
        url
    } else {
        mask::mask_url(&url, &secret)
    };
    let mut headers = Map::new();
    for name in request.headers().keys() {
        let values: Vec<String> = request
            .headers()
            .get_all(name)
            .iter()
            .map(|v| {
                let text = String::from_utf8_lossy(v.as_bytes()).into_owned();
                if reveal {
                    text
                } else {
                    mask::mask_header(provider, name.as_str(), &text, v.is_sensitive())
                }
            })
            .collect();
        headers.insert(name.as_str().to_owned(), Value::String(values.join(", ")));
    }
    let body = if request.body().is_empty() {
        Value::Null
    } else {
        let text = String::from_utf8_lossy(request.body()).into_owned();
        let content_type = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        Value::String(if reveal {
            text
        } else if content_type.starts_with("application/json") {
            mask::mask_json_body(&text, &secret)
        } else {
            mask::mask_pairs(&text, &secret)
        })
    };
    json!({
        "method": request.method().as_str(),
        "url": url,
        "headers": headers,
        "body": body,
    })
}

/// `tokenctl authorize-url`.
pub fn authorize_url(args: &AuthorizeArgs, redactor: &mut Redactor) -> Result<Report, Failure> {
    let provider = find_provider(&args.provider)?;
    if provider.grant(GrantKind::AuthorizationCode).is_none() {
        let grants: Vec<&str> = provider.grants.iter().map(|g| g.name()).collect();
        return Err(Failure::Usage(format!(
            "{} has no authorization_code grant (its grants: {}); authorize-url is for \
             authorization-code providers",
            provider.name,
            grants.join(", ")
        )));
    }
    let mut client = configured_client(provider, args.env.as_deref(), &args.set, redactor)?;
    if let Some(url) = &args.base_url {
        check_base_url(url)?;
        client
            .set_base_url::<JsonErrorBody>(url)
            .map_err(|e| failure(provider, e))?;
    }
    let url = client
        .authorize_url(&[])
        .map_err(|e| failure(provider, e))?;
    let url = if redactor.revealing() {
        url.to_string()
    } else {
        mask::mask_url(url.as_str(), &mask::secret_params(provider))
    };
    Ok(Report::text(url))
}
