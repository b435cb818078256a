//! `tokenctl token` and `tokenctl authorize-url`.

use crate::mask::{self, Redactor};
use crate::{Failure, Report, inputs};
use serde_json::{Map, Value, json};
use std::time::{Duration, SystemTime};
use tokenspec_runtime::expiry::{instant_of, token_expiry};
use tokenspec_runtime::{
    Client, DynResult, Error, Expiry, FieldType, FieldValue, GrantKind, GrantSpec, HttpOptions,
    InvalidInput, JsonErrorBody, ProviderError, ProviderSpec, RetryPolicy, TokenData, TokenExpiry,
    TokenType, TransportError, TransportErrorKind,
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
    /// An input value (names as in `tokenctl describe`); else TOKENSPEC_<NAME> is read. A PEM
    /// input (a TLS client certificate or key, a signing key) is read from a file with
    /// NAME=@PATH.
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
    discover(&client).map_err(|e| failure(provider, e))?;
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
    let mut out = token_fields(provider, &data, redactor.revealing(), SystemTime::now());
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

/// The response's fields as `tokenctl token` prints them: under their spec names (a nested
/// `data.accessToken` shows as `access_token`), secrets as `***` unless `reveal`, `token_type`
/// normalized (RFC 6749 section 5.1: its value is case-insensitive, so `bearer` is the
/// `Bearer` of RFC 6750), instants as RFC 3339 UTC; then `lifetime`, the expiry the runtime
/// understood, counted from `now` (when the answer arrived).
fn token_fields(
    provider: &ProviderSpec,
    data: &TokenData,
    reveal: bool,
    now: SystemTime,
) -> Map<String, Value> {
    let mut out = Map::new();
    for spec in provider.response {
        let Some(value) = data.get(spec.name) else {
            continue;
        };
        let shown = match spec.ty {
            FieldType::Secret if !reveal => Value::String("***".into()),
            FieldType::TokenType => <TokenType as FieldValue>::from_value(value.clone())
                .map_or_else(|_| value.clone(), |t| Value::String(t.as_str().to_owned())),
            ty if ty.is_instant() => instant_of(value)
                .and_then(rfc3339)
                .map_or_else(|| value.clone(), Value::String),
            _ => value.clone(),
        };
        out.insert(spec.name.to_owned(), shown);
    }
    out.insert("lifetime".into(), lifetime(provider, data, now));
    out
}

/// The token's lifetime as the runtime understood it (spec format 1.1 `response.expiry`):
/// seconds left at `now`, the instant in RFC 3339 UTC and what set it (a response field by
/// its spec name, or the spec's `access_lifetime`); `"no expiry"` for a token that lives
/// until it is revoked, `"unknown"` when neither the response nor the spec says.
fn lifetime(provider: &ProviderSpec, data: &TokenData, now: SystemTime) -> Value {
    match token_expiry(provider, data.fields(), now) {
        TokenExpiry::At(at) => {
            let field = match provider.expiry {
                Expiry::Field(name) => name,
                _ => "expires_in",
            };
            let from = if data.get(field).is_some() {
                field
            } else {
                "access_lifetime"
            };
            let left = at.duration_since(now).unwrap_or(Duration::ZERO);
            // Whole seconds, as `seconds_left` counts them: the instant to the nanosecond
            // would only say when this command ran.
            let at = at
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(at, |since| {
                    SystemTime::UNIX_EPOCH + Duration::from_secs(since.as_secs())
                });
            json!({
                "seconds_left": left.as_secs(),
                "expires_at": rfc3339(at),
                "from": from,
            })
        }
        TokenExpiry::Never => Value::String("no expiry".into()),
        TokenExpiry::Unknown => Value::String("unknown".into()),
    }
}

/// `at` in RFC 3339 (section 5.6), UTC, to the second or with the fraction it has.
/// `None` for an instant `time` cannot represent (beyond year 9999, which a hostile
/// `expires_in` can ask for): `OffsetDateTime::from` would panic on it.
fn rfc3339(at: SystemTime) -> Option<String> {
    let since = at.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    let at = time::OffsetDateTime::UNIX_EPOCH.checked_add(time::Duration::try_from(since).ok()?)?;
    at.format(&time::format_description::well_known::Rfc3339)
        .ok()
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

/// Reads the environment's issuer metadata when it has one (spec format 1.2), so that the
/// synchronous request builders find the discovered URLs. A GET of a public document, sent
/// with `--dry-run` too: the request cannot be shown without the URL it goes to.
fn discover(client: &Client) -> DynResult<()> {
    if client.environment().discovery.is_none() {
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Error::from(TransportError::new(
                TransportErrorKind::Other,
                format!("cannot start the async runtime: {e}"),
            ))
        })?;
    runtime.block_on(client.discover()).map(|_| ())
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
    discover(&client).map_err(|e| failure(provider, e))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use tokenspec_runtime::FieldSpec;
    use tokenspec_runtime::response::normalize;

    #[test]
    fn instants_beyond_year_9999_print_as_nothing_instead_of_panicking() {
        // A hostile `expires_in` of 10^11 s puts the expiry past year 9999.
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(300_000_000_000);
        assert_eq!(rfc3339(far), None);
        assert_eq!(
            rfc3339(SystemTime::UNIX_EPOCH + Duration::from_millis(1_500)).as_deref(),
            Some("1970-01-01T00:00:01.5Z")
        );
    }

    /// A provider whose token and expiry are nested (`data.accessToken`, `data.expiresAt`).
    static NESTED: ProviderSpec = ProviderSpec {
        name: "nested",
        response: &[
            FieldSpec {
                name: "access_token",
                wire: &["data", "accessToken"],
                ty: FieldType::Secret,
                required: true,
                ..FieldSpec::DEFAULT
            },
            FieldSpec {
                name: "token_type",
                wire: &["data", "tokenType"],
                ty: FieldType::TokenType,
                ..FieldSpec::DEFAULT
            },
            FieldSpec {
                name: "expires_at",
                wire: &["data", "expiresAt"],
                ty: FieldType::EpochMilliseconds,
                ..FieldSpec::DEFAULT
            },
        ],
        expiry: Expiry::Field("expires_at"),
        access_lifetime: Some(600),
        ..ProviderSpec::DEFAULT
    };

    static NEVER: ProviderSpec = ProviderSpec {
        name: "never",
        response: &[FieldSpec {
            name: "access_token",
            wire: &["access_token"],
            ty: FieldType::Secret,
            required: true,
            ..FieldSpec::DEFAULT
        }],
        expiry: Expiry::Never,
        ..ProviderSpec::DEFAULT
    };

    /// `2026-11-30T15:00:00Z`.
    const AT: u64 = 1_796_050_800;

    fn data(provider: &'static ProviderSpec, body: Value) -> TokenData {
        let Value::Object(object) = body else {
            unreachable!("tests pass objects")
        };
        normalize(provider, provider.response, &object).expect("a valid answer")
    }

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn fields_show_under_their_spec_names_with_secrets_masked() {
        let data = data(
            &NESTED,
            json!({"data": {"accessToken": "tok-123", "tokenType": "bEaReR", "expiresAt": 1_796_050_800_000_i64}}),
        );
        let out = token_fields(&NESTED, &data, false, at(AT - 90));
        assert_eq!(out["access_token"], "***");
        assert!(!out.contains_key("data.accessToken") && !out.contains_key("data"));
        // RFC 6749 section 5.1: case-insensitive; printed as RFC 6750 spells it.
        assert_eq!(out["token_type"], "Bearer");
        assert_eq!(out["expires_at"], "2026-11-30T15:00:00Z");
        assert_eq!(
            out["lifetime"],
            json!({"seconds_left": 90, "expires_at": "2026-11-30T15:00:00Z", "from": "expires_at"})
        );
        let revealed = token_fields(&NESTED, &data, true, at(AT - 90));
        assert_eq!(revealed["access_token"], "tok-123");
    }

    #[test]
    fn other_token_types_are_kept_as_sent() {
        let data = data(
            &NESTED,
            json!({"data": {"accessToken": "t", "tokenType": "DPoP"}}),
        );
        let out = token_fields(&NESTED, &data, false, at(AT));
        assert_eq!(out["token_type"], "DPoP");
    }

    #[test]
    fn lifetime_falls_back_to_the_spec_then_says_no_expiry() {
        // Without the expiry field: the spec's access_lifetime, counted from now.
        let data = data(&NESTED, json!({"data": {"accessToken": "t"}}));
        let out = token_fields(&NESTED, &data, false, at(AT));
        assert_eq!(
            out["lifetime"],
            json!({"seconds_left": 600, "expires_at": "2026-11-30T15:10:00Z", "from": "access_lifetime"})
        );
        let never = token_fields(
            &NEVER,
            &super::tests::data(&NEVER, json!({"access_token": "t"})),
            false,
            at(AT),
        );
        assert_eq!(never["lifetime"], "no expiry");
        // A past instant: no time left, never a negative count.
        let past = super::tests::data(
            &NESTED,
            json!({"data": {"accessToken": "t", "expiresAt": 1_796_050_800_000_i64}}),
        );
        let out = token_fields(&NESTED, &past, false, at(AT + 5));
        assert_eq!(out["lifetime"]["seconds_left"], 0);
    }

    /// Two extension grants (RFC 6749 §4.5) and a built-in one.
    static EXTENDED: ProviderSpec = ProviderSpec {
        name: "extended",
        grants: &[
            GrantSpec {
                kind: tokenspec_runtime::GrantKind::Extension,
                extension: Some(tokenspec_runtime::ExtensionGrant {
                    name: "account_credentials",
                    grant_type: "account_credentials",
                }),
                ..GrantSpec::DEFAULT
            },
            GrantSpec {
                kind: tokenspec_runtime::GrantKind::Extension,
                extension: Some(tokenspec_runtime::ExtensionGrant {
                    name: "token_exchange",
                    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
                }),
                ..GrantSpec::DEFAULT
            },
            GrantSpec {
                kind: tokenspec_runtime::GrantKind::ClientCredentials,
                ..GrantSpec::DEFAULT
            },
        ],
        ..ProviderSpec::DEFAULT
    };

    #[test]
    fn grant_names_an_extension_grant_by_its_own_name() {
        let picked = |name| pick_grant(&EXTENDED, name).map(|g| g.grant_type());
        assert_eq!(
            picked(Some("token_exchange")).ok(),
            Some(Some("urn:ietf:params:oauth:grant-type:token-exchange"))
        );
        assert_eq!(
            picked(Some("client_credentials")).ok(),
            Some(Some("client_credentials"))
        );
        // The first grant is the default, extension or not.
        assert_eq!(picked(None).ok(), Some(Some("account_credentials")));
        // The kind's label is no grant's name; the message lists the names that are.
        match pick_grant(&EXTENDED, Some("extension")) {
            Err(Failure::Usage(message)) => assert!(
                message.contains("account_credentials, token_exchange, client_credentials"),
                "{message}"
            ),
            other => panic!("a usage error, not {:?}", other.map(|g| g.name())),
        }
    }
}
