//! Strategies for fuzzing the HTTP API: requests made of a method, a path (the real routes with
//! random ids and segments, percent-encoded, very long, or anything), a query string (the known
//! parameters with bad values, unknown parameters), headers (content-type and content-encoding
//! variants, lying content lengths, huge and non-text values) and a body (a valid submission
//! mutated: wrong types, missing and extra fields, huge numbers, deep nesting, invalid UTF-8,
//! truncated JSON, or random bytes).

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

/// One fuzzed request.
#[derive(Debug, Clone)]
pub(crate) struct FuzzRequest {
    pub(crate) method: String,
    /// The path and query, percent-encoded so that it is a valid URI.
    pub(crate) uri: String,
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    pub(crate) body: Vec<u8>,
}

/// Requests mostly aimed at `POST /jobs`, the one route that stores.
pub(crate) fn request() -> impl Strategy<Value = FuzzRequest> {
    let submission = (headers(), body()).prop_map(|(headers, body)| FuzzRequest {
        method: "POST".to_owned(),
        uri: "/jobs".to_owned(),
        headers,
        body,
    });
    let anything = (method(), path(), query(), headers(), body()).prop_map(
        |(method, path, query, headers, body)| FuzzRequest {
            method,
            uri: format!("{path}{query}"),
            headers,
            body,
        },
    );
    prop_oneof![2 => submission, 3 => anything]
}

fn method() -> impl Strategy<Value = String> {
    let known = select(vec![
        "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
    ])
    .prop_map(str::to_owned);
    prop_oneof![8 => known, 1 => "[A-Z]{1,12}"]
}

/// Bytes percent-encoded except the unreserved ones; sometimes a raw reserved character is kept.
fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&byte| match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

fn segment() -> impl Strategy<Value = String> {
    let numbers = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        (1_i64..5).prop_map(|n| n.to_string()),
        Just("99999999999999999999999999".to_owned()),
        Just("1e3".to_owned()),
        Just("0x10".to_owned()),
        Just("+1".to_owned()),
    ];
    let encoded = vec(any::<u8>(), 0..24).prop_map(|bytes| encode(&bytes));
    let odd = select(vec![
        "", "..", ".", "%", "%zz", "%FF", "%00", "%2F", "%C3%A9", "jobs", "stats", "~",
    ])
    .prop_map(str::to_owned);
    let long = (1_usize..20_000).prop_map(|length| "7".repeat(length));
    prop_oneof![4 => numbers, 3 => encoded, 2 => odd, 1 => long]
}

fn path() -> impl Strategy<Value = String> {
    let route = select(vec![
        "/jobs", "/jobs/", "/stats", "/healthz", "/readyz", "/",
    ])
    .prop_map(str::to_owned);
    let job = segment().prop_map(|id| format!("/jobs/{id}"));
    let deeper = (segment(), segment()).prop_map(|(a, b)| format!("/jobs/{a}/{b}"));
    let random = vec(segment(), 0..5).prop_map(|segments| format!("/{}", segments.join("/")));
    let doubled = Just("//jobs".to_owned());
    prop_oneof![4 => route, 4 => job, 1 => deeper, 2 => random, 1 => doubled]
}

fn query_value() -> impl Strategy<Value = String> {
    let known = select(vec![
        "pending",
        "running",
        "succeeded",
        "failed",
        "PENDING",
        "0",
        "1",
        "1000",
        "1001",
        "-1",
        "4294967296",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "1.5",
        "",
        "null",
        "%FF",
        "%zz",
    ])
    .prop_map(str::to_owned);
    let numbers = any::<i64>().prop_map(|n| n.to_string());
    let encoded = vec(any::<u8>(), 0..16).prop_map(|bytes| encode(&bytes));
    prop_oneof![3 => known, 1 => numbers, 1 => encoded]
}

fn query() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        4 => select(vec!["status", "limit", "before"]).prop_map(str::to_owned),
        1 => vec(any::<u8>(), 0..8).prop_map(|bytes| encode(&bytes)),
    ];
    let pair = (name, query_value(), any::<bool>()).prop_map(|(name, value, with_equals)| {
        if with_equals {
            format!("{name}={value}")
        } else {
            name
        }
    });
    let pairs = vec(pair, 0..5).prop_map(|pairs| format!("?{}", pairs.join("&")));
    let junk = select(vec![
        "?",
        "?&&",
        "?==",
        "?=1",
        "?limit=1&limit=2",
        "?status",
    ])
    .prop_map(str::to_owned);
    prop_oneof![2 => Just(String::new()), 4 => pairs, 1 => junk]
}

fn header_value() -> impl Strategy<Value = Vec<u8>> {
    // Header values may hold any byte but control characters (except tab).
    let text = vec(
        prop_oneof![Just(b'\t'), 0x20_u8..0x7f, 0x80_u8..=0xff],
        0..40,
    );
    let huge = (1_usize..100_000).prop_map(|length| vec![b'x'; length]);
    prop_oneof![8 => text, 1 => huge]
}

fn content_type() -> impl Strategy<Value = Vec<u8>> {
    let known = select(vec![
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/json;",
        "application/json ; charset=latin1",
        "application/jsonp",
        "application/json-seq",
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "",
        ";",
    ])
    .prop_map(|text| text.as_bytes().to_vec());
    prop_oneof![4 => Just(b"application/json".to_vec()), 4 => known, 1 => header_value()]
}

fn headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let encoding = select(vec![
        "identity",
        "gzip",
        "identity, br",
        "IDENTITY",
        "",
        " , ",
    ])
    .prop_map(|text| text.as_bytes().to_vec());
    let length = prop_oneof![
        Just(b"0".to_vec()),
        (0_u64..200_000).prop_map(|n| n.to_string().into_bytes()),
        Just(b"-1".to_vec()),
        Just(b"abc".to_vec()),
        Just(b"99999999999999999999999".to_vec()),
    ];
    let other_name = "x-[a-z]{1,10}";
    (
        prop::option::weighted(0.9, content_type()),
        prop::option::weighted(0.2, encoding),
        prop::option::weighted(0.2, length),
        vec((other_name, header_value()), 0..3),
    )
        .prop_map(|(content_type, encoding, length, others)| {
            let mut headers = Vec::new();
            headers.extend(content_type.map(|value| ("content-type".to_owned(), value)));
            headers.extend(encoding.map(|value| ("content-encoding".to_owned(), value)));
            headers.extend(length.map(|value| ("content-length".to_owned(), value)));
            headers.extend(others);
            headers
        })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|n| json!(n)),
        ".{0,20}".prop_map(Value::from),
        select(vec!["word_count", "sha256", "sleep", "fail", "SHA256", ""]).prop_map(Value::from),
    ]
}

/// Any JSON value, a few levels deep.
fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::from),
            vec((".{0,8}", inner), 0..4)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

fn valid_submission() -> impl Strategy<Value = Value> {
    prop_oneof![
        ".{0,40}".prop_map(|text| json!({"kind": "word_count", "payload": text})),
        ".{0,40}".prop_map(|text| json!({"kind": "sha256", "payload": text})),
        (0_u64..=3_600_000).prop_map(|ms| json!({"kind": "sleep", "payload": {"ms": ms}})),
        (1_u32..=100).prop_map(|n| json!({"kind": "fail", "max_attempts": n})),
    ]
}

/// A valid submission with one mutation of its fields.
fn mutated_submission() -> impl Strategy<Value = Value> {
    let field = select(vec!["kind", "payload", "max_attempts", "ms", "extra"]);
    let mutation = prop_oneof![
        field.clone().prop_map(|field| (field, None)),
        (field, value()).prop_map(|(field, value)| (field, Some(value))),
    ];
    (valid_submission(), mutation).prop_map(|(mut body, (field, value))| {
        let target = match (field, body["payload"].is_object()) {
            ("ms", true) => &mut body["payload"],
            _ => &mut body,
        };
        if let Some(object) = target.as_object_mut() {
            match value {
                None => {
                    object.remove(field);
                }
                Some(value) => {
                    object.insert(field.to_owned(), value);
                }
            }
        }
        body
    })
}

/// `depth` nested arrays or objects around a valid value, in the payload or the whole body.
fn deep() -> impl Strategy<Value = Vec<u8>> {
    (1_usize..400, any::<bool>(), any::<bool>()).prop_map(|(depth, arrays, in_payload)| {
        let (open, close) = if arrays {
            ("[".repeat(depth), "]".repeat(depth))
        } else {
            (r#"{"a":"#.repeat(depth), "}".repeat(depth))
        };
        let text = if in_payload {
            format!(r#"{{"kind":"fail","payload":{open}1{close}}}"#)
        } else {
            format!("{open}1{close}")
        };
        text.into_bytes()
    })
}

fn huge_numbers() -> impl Strategy<Value = Vec<u8>> {
    let number = select(vec![
        "1e400",
        "-1e400",
        "123456789012345678901234567890",
        "18446744073709551616",
        "-0",
        "1.0",
        "3e0",
        "0.0000000000000000000001",
        "4294967297",
    ]);
    let place = select(vec![
        r#"{"kind":"fail","max_attempts":N}"#,
        r#"{"kind":"sleep","payload":{"ms":N}}"#,
        r#"{"kind":"fail","payload":N}"#,
        r#"{"kind":N,"payload":"x"}"#,
    ]);
    (place, number).prop_map(|(place, number)| place.replace('N', number).into_bytes())
}

/// A body: valid or mutated JSON, then maybe truncated or given invalid UTF-8; or noise.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let json = prop_oneof![
        2 => valid_submission(),
        5 => mutated_submission(),
        1 => value(),
    ]
    .prop_map(|value| value.to_string().into_bytes());
    let structured = prop_oneof![6 => json, 1 => deep(), 1 => huge_numbers()];
    let damage = prop_oneof![
        6 => Just(None),
        1 => any::<prop::sample::Index>().prop_map(|at| Some((at, None))),
        1 => (any::<prop::sample::Index>(), 0x80_u8..=0xff).prop_map(|(at, byte)| Some((at, Some(byte)))),
    ];
    let damaged = (structured, damage).prop_map(|(mut bytes, damage)| {
        match damage {
            Some((at, None)) => bytes.truncate(at.index(bytes.len() + 1)),
            Some((at, Some(byte))) => bytes.insert(at.index(bytes.len() + 1), byte),
            None => {}
        }
        bytes
    });
    let noise = vec(any::<u8>(), 0..64);
    let oversized = (65_000_usize..70_000).prop_map(|length| {
        format!(r#"{{"kind":"sha256","payload":"{}"}}"#, "a".repeat(length)).into_bytes()
    });
    prop_oneof![12 => damaged, 1 => noise, 1 => oversized]
}
