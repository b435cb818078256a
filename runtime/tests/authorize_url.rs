//! The authorize URL (RFC 6749 section 4.1.1, RFC 7636 section 4.3) as a grant's `authorize`
//! block writes it (spec format 1.2): standard parameters under the provider's names, scopes
//! joined with its separator, characters it wants unencoded left so, empty parameters left
//! out. Without the block the URL is byte for byte the one `Url::query_pairs_mut` writes, as
//! before spec format 1.2; with it, no value can ever add, remove or change a parameter.

use proptest::prelude::*;
use tokenspec_runtime as rt;

/// RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

const fn input(name: &'static str, required: bool, per_request: bool) -> rt::InputSpec {
    rt::InputSpec {
        name,
        required,
        per_request,
        ..rt::InputSpec::DEFAULT
    }
}

const INPUTS: &[rt::InputSpec] = &[
    input("client_id", true, false),
    input("redirect_uri", true, false),
    input("scope", false, false),
    input("state", true, true),
    input("prompt", false, true),
    input("code", true, true),
    input("code_verifier", false, true),
];

const fn param(name: &'static str, source: rt::ParamSource) -> rt::ParamSpec {
    rt::ParamSpec {
        name,
        source,
        location: rt::ParamLocation::Body,
    }
}

const AUTHORIZE_PARAMS: &[rt::ParamSpec] = &[
    param("client_id", rt::ParamSource::Input("client_id")),
    param("redirect_uri", rt::ParamSource::Input("redirect_uri")),
    param("scope", rt::ParamSource::Input("scope")),
    param("state", rt::ParamSource::Input("state")),
    param("prompt", rt::ParamSource::Input("prompt")),
    param("display", rt::ParamSource::Fixed("page")),
    // An empty fixed value: inputs are never empty (the runtime refuses `""`), fixed values
    // and scopes of delimiters only are.
    param("hint", rt::ParamSource::Fixed("")),
];

/// A provider whose authorization-code grant (PKCE optional) writes its URL as `authorize`
/// says; `url`: the environment's authorize URL, `delimiter`: the spec's scope delimiter.
/// Leaked: a client holds a `&'static` spec, as generated code's statics are.
fn provider(
    authorize: rt::AuthorizeSpec,
    url: &'static str,
    delimiter: &'static str,
) -> &'static rt::ProviderSpec {
    let environments = Box::leak(Box::new([rt::EnvironmentSpec {
        name: "production",
        token_url: "https://auth.example.com/oauth/token",
        authorize_url: Some(url),
        ..rt::EnvironmentSpec::DEFAULT
    }]));
    let grants = Box::leak(Box::new([rt::GrantSpec {
        kind: rt::GrantKind::AuthorizationCode,
        authorize_params: AUTHORIZE_PARAMS,
        pkce: rt::Pkce::Optional,
        authorize,
        ..rt::GrantSpec::DEFAULT
    }]));
    Box::leak(Box::new(rt::ProviderSpec {
        name: "demo",
        default_environment: "production",
        environments,
        inputs: INPUTS,
        grants,
        scopes: rt::ScopesSpec {
            delimiter,
            known: &[],
        },
        ..rt::ProviderSpec::DEFAULT
    }))
}

const URL: &str = "https://auth.example.com/oauth/authorize";

/// The authorize URL of `spec` for these inputs (`scope` and `prompt` only when given).
fn authorize_url(
    spec: &'static rt::ProviderSpec,
    scope: Option<&str>,
    state: &str,
    prompt: Option<&str>,
    verifier: Option<&str>,
) -> Result<url::Url, String> {
    let mut client = rt::Client::new(spec);
    client
        .set::<rt::OAuthErrorBody>("client_id", "my app")
        .map_err(|e| e.to_string())?;
    client
        .set::<rt::OAuthErrorBody>("redirect_uri", "https://app.example/cb?x=1&y=2")
        .map_err(|e| e.to_string())?;
    if let Some(scope) = scope {
        client
            .set::<rt::OAuthErrorBody>("scope", scope)
            .map_err(|e| e.to_string())?;
    }
    let mut call = vec![("state", state)];
    call.extend(prompt.map(|p| ("prompt", p)));
    call.extend(verifier.map(|v| ("code_verifier", v)));
    client.authorize_url(&call).map_err(|e| e.to_string())
}

/// What spec format 1 wrote: the pairs through `Url::query_pairs_mut`, in this order.
fn spec_format_1(url: &str, pairs: &[(&str, &str)]) -> String {
    let mut url = url::Url::parse(url).expect("URL");
    url.query_pairs_mut().extend_pairs(pairs);
    url.to_string()
}

#[test]
fn without_options_the_url_is_that_of_spec_format_1() {
    let spec = provider(rt::AuthorizeSpec::DEFAULT, URL, " ");
    let url = authorize_url(
        spec,
        Some("read:all write/x"),
        "s t&=#",
        Some("log in"),
        Some(VERIFIER),
    )
    .expect("url");
    assert_eq!(
        url.as_str(),
        "https://auth.example.com/oauth/authorize?response_type=code&client_id=my+app\
         &redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1%26y%3D2\
         &scope=read%3Aall+write%2Fx&state=s+t%26%3D%23&prompt=log+in&display=page&hint=\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    );
    assert_eq!(
        url.as_str(),
        spec_format_1(
            URL,
            &[
                ("response_type", "code"),
                ("client_id", "my app"),
                ("redirect_uri", "https://app.example/cb?x=1&y=2"),
                ("scope", "read:all write/x"),
                ("state", "s t&=#"),
                ("prompt", "log in"),
                ("display", "page"),
                ("hint", ""),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
            ]
        )
    );
}

#[test]
fn standard_parameters_go_under_the_providers_names() {
    let spec = provider(
        rt::AuthorizeSpec {
            rename: &[
                ("response_type", "responseType"),
                ("client_id", "client_key"),
                ("redirect_uri", "redirect_url"),
                ("state", "customField"),
                ("code_challenge", "challenge"),
            ],
            ..rt::AuthorizeSpec::DEFAULT
        },
        URL,
        " ",
    );
    let url = authorize_url(spec, None, "xyz", None, Some(VERIFIER)).expect("url");
    assert_eq!(
        url.query(),
        Some(
            "responseType=code&client_key=my+app\
             &redirect_url=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1%26y%3D2&customField=xyz\
             &display=page&hint=&challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
             &code_challenge_method=S256"
        )
    );
}

#[test]
fn scopes_are_joined_with_the_separator_and_keep_the_listed_characters() {
    let comma = rt::AuthorizeSpec {
        scope_separator: Some(","),
        ..rt::AuthorizeSpec::DEFAULT
    };
    // Split on the spec's delimiter; a doubled or trailing one leaves no empty scope.
    let url = authorize_url(
        provider(comma, URL, " "),
        Some(" user.info:basic  video.list "),
        "s",
        None,
        None,
    )
    .expect("url");
    assert_eq!(
        url.query(),
        Some(
            "response_type=code&client_id=my+app\
             &redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1%26y%3D2\
             &scope=user.info%3Abasic%2Cvideo.list&state=s&display=page&hint="
        )
    );
    let raw = rt::AuthorizeSpec {
        scope_separator: Some(","),
        keep_unencoded: &[("scope", ",:/")],
        ..rt::AuthorizeSpec::DEFAULT
    };
    let url = authorize_url(
        provider(raw, URL, " "),
        Some("user.info:basic https://api.example/read"),
        "a:b/c,d",
        None,
        None,
    )
    .expect("url");
    // Only the scope keeps them; the state, the redirect URI are form-encoded as ever.
    assert_eq!(
        url.query(),
        Some(
            "response_type=code&client_id=my+app\
             &redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1%26y%3D2\
             &scope=user.info:basic,https://api.example/read&state=a%3Ab%2Fc%2Cd\
             &display=page&hint="
        )
    );
    // Another delimiter in the spec: the caller's value is split on it.
    let plus = rt::AuthorizeSpec {
        scope_separator: Some(" "),
        ..rt::AuthorizeSpec::DEFAULT
    };
    let url =
        authorize_url(provider(plus, URL, ","), Some("a,b,,c"), "s", None, None).expect("url");
    assert!(url.as_str().contains("&scope=a+b+c&"), "{url}");
}

#[test]
fn characters_with_a_meaning_in_a_query_stay_encoded_whatever_the_spec_lists() {
    // A hand-written spec (validate refuses this) listing every character it may not keep.
    let spec = provider(
        rt::AuthorizeSpec {
            keep_unencoded: &[("scope", "&=#+% '\"<>[]\\^`{|}é"), ("state", ":")],
            ..rt::AuthorizeSpec::DEFAULT
        },
        URL,
        " ",
    );
    let url = authorize_url(
        spec,
        Some("a&b=c#d+e%f g'h\"<>[]\\^`{|}é"),
        "x&admin=1#y",
        None,
        None,
    )
    .expect("url");
    assert_eq!(
        url.query(),
        Some(
            "response_type=code&client_id=my+app\
             &redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1%26y%3D2\
             &scope=a%26b%3Dc%23d%2Be%25f+g%27h%22%3C%3E%5B%5D%5C%5E%60%7B%7C%7D%C3%A9\
             &state=x%26admin%3D1%23y&display=page&hint="
        )
    );
    assert_eq!(url.fragment(), None);
}

#[test]
fn empty_parameters_are_left_out_only_when_the_spec_says_so() {
    let omit = rt::AuthorizeSpec {
        omit_empty: true,
        scope_separator: Some(","),
        ..rt::AuthorizeSpec::DEFAULT
    };
    // The empty fixed `hint`, and a scope of delimiters only, which joins to nothing.
    let url = authorize_url(provider(omit, URL, " "), Some("  "), "s", None, None).expect("url");
    assert_eq!(
        url.query(),
        Some(
            "response_type=code&client_id=my+app\
             &redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1%26y%3D2&state=s&display=page"
        )
    );
    let keep = rt::AuthorizeSpec {
        scope_separator: Some(","),
        ..rt::AuthorizeSpec::DEFAULT
    };
    let url = authorize_url(provider(keep, URL, " "), Some("  "), "s", None, None).expect("url");
    assert!(
        url.as_str().contains("&scope=&state=s&display=page&hint="),
        "{url}"
    );
    // An unset optional input is left out in any case, as in spec format 1.
    assert!(!url.as_str().contains("prompt"), "{url}");
}

#[test]
fn a_query_the_authorize_url_has_is_kept_first() {
    // RFC 6749 section 3.1: the endpoint's query "MUST be retained" (a discovered endpoint may
    // carry one; a spec's URL may not).
    let with_query = "https://auth.example.com/oauth/authorize?tenant=a%2Fb";
    let options = rt::AuthorizeSpec {
        rename: &[("client_id", "client_key")],
        ..rt::AuthorizeSpec::DEFAULT
    };
    let url =
        authorize_url(provider(options, with_query, " "), None, "s", None, None).expect("url");
    assert!(
        url.as_str().starts_with(
            "https://auth.example.com/oauth/authorize?tenant=a%2Fb&response_type=code&client_key="
        ),
        "{url}"
    );
    let url = authorize_url(
        provider(rt::AuthorizeSpec::DEFAULT, with_query, " "),
        None,
        "s",
        None,
        None,
    )
    .expect("url");
    assert_eq!(
        url.as_str(),
        spec_format_1(
            with_query,
            &[
                ("response_type", "code"),
                ("client_id", "my app"),
                ("redirect_uri", "https://app.example/cb?x=1&y=2"),
                ("state", "s"),
                ("display", "page"),
                ("hint", ""),
            ]
        )
    );
}

/// Every keepable character kept in every value that may hold one.
const ALL_KEPT: &[(&str, &str)] = &[
    ("scope", rt::AuthorizeSpec::KEEPABLE),
    ("state", rt::AuthorizeSpec::KEEPABLE),
    ("prompt", rt::AuthorizeSpec::KEEPABLE),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Spec format 1's bytes, whatever the values: the default options change nothing.
    #[test]
    fn default_options_write_what_spec_format_1_wrote(
        scope in "\\PC{1,12}",
        state in "[ -~]{1,12}",
        prompt in "\\PC{1,6}",
    ) {
        let spec = provider(rt::AuthorizeSpec::DEFAULT, URL, " ");
        let url = authorize_url(spec, Some(&scope), &state, Some(&prompt), None).expect("url");
        let expected = spec_format_1(URL, &[
            ("response_type", "code"),
            ("client_id", "my app"),
            ("redirect_uri", "https://app.example/cb?x=1&y=2"),
            ("scope", &scope),
            ("state", &state),
            ("prompt", &prompt),
            ("display", "page"),
            ("hint", ""),
        ]);
        prop_assert_eq!(url.as_str(), expected);
    }

    /// With every option on and every keepable character kept, a form decoder still reads back
    /// exactly the parameters and values sent, and there is no fragment: no value adds, ends
    /// or changes a parameter.
    #[test]
    fn no_value_changes_the_structure_of_the_query(
        scope in "[ -~é]{1,16}",
        state in "[ -~]{1,12}",
        prompt in "[ -~]{1,6}",
    ) {
        let options = rt::AuthorizeSpec {
            rename: &[("client_id", "client_key"), ("state", "st")],
            scope_separator: Some(","),
            keep_unencoded: ALL_KEPT,
            omit_empty: true,
        };
        let url = authorize_url(provider(options, URL, " "), Some(&scope), &state, Some(&prompt), None)
            .expect("url");
        let scopes: Vec<&str> = scope.split(' ').filter(|s| !s.is_empty()).collect();
        let scope = scopes.join(",");
        let mut expected = vec![
            ("response_type", "code"),
            ("client_key", "my app"),
            ("redirect_uri", "https://app.example/cb?x=1&y=2"),
            ("scope", scope.as_str()),
            ("st", state.as_str()),
            ("prompt", prompt.as_str()),
            ("display", "page"),
        ];
        expected.retain(|(_, value)| !value.is_empty());
        let decoded: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        prop_assert_eq!(decoded, expected);
        prop_assert_eq!(url.fragment(), None);
        // The URL parser left the bytes as written: reparsing changes nothing.
        let reparsed = url::Url::parse(url.as_str()).expect("reparse");
        prop_assert_eq!(reparsed.as_str(), url.as_str());
    }
}
