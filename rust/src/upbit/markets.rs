//! GET {UPBIT_REST_URL}/v1/market/all: every answer judged alike on every runtime (exit 4 and one
//! line `GET <url>: <what was wrong>`), bounded by one deadline and 8 MiB.
use crate::contract::{self, quote};
use serde_json::Value;
use std::time::{Duration, Instant};

const RETRIES: u32 = 3;

#[derive(Debug)]
pub struct MarketsError(pub String);

fn split_user_info(raw: &str) -> (String, Option<(String, Option<String>)>) {
    let Some(i) = raw.find("://") else {
        return (raw.to_owned(), None);
    };
    let rest = &raw[i + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        None => (raw.to_owned(), None),
        Some(at) => {
            let info = &rest[..at];
            let shown = format!("{}{}", &raw[..i + 3], &rest[at + 1..]);
            let (u, p) = match info.split_once(':') {
                Some((u, p)) => (u.to_owned(), Some(p.to_owned())),
                None => (info.to_owned(), None),
            };
            (shown, Some((u, p)))
        }
    }
}

fn retry_wait_s(retry_after: Option<&str>, attempt: u32) -> u64 {
    match retry_after.map(str::trim) {
        Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
            v.parse().unwrap_or(attempt as u64 + 1)
        }
        _ => attempt as u64 + 1,
    }
}

enum Answer {
    Status(u16, Option<String>),
    Body(Vec<u8>),
}

async fn get(
    client: &reqwest::Client,
    url: &str,
    shown: &str,
    user: &Option<(String, Option<String>)>,
) -> Result<Answer, Result<MarketsError, reqwest::Error>> {
    let mut req = client
        .get(url)
        .header("accept", "application/json")
        .header("accept-encoding", "identity");
    if let Some((u, p)) = user {
        req = req.basic_auth(u, p.as_ref());
    }
    let mut resp = req.send().await.map_err(Err)?;
    let status = resp.status().as_u16();
    if status != 200 {
        let ra = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        return Ok(Answer::Status(status, ra));
    }
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    if let Some(enc) = header("content-encoding") {
        let enc = enc.trim().to_ascii_lowercase();
        if !enc.is_empty() && enc != "identity" {
            return Err(Ok(MarketsError(format!(
                "GET {shown} answered with content-encoding {}, not the identity encoding asked for",
                quote(&enc)
            ))));
        }
    }
    if let Some(ct) = header("content-type") {
        let media = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if media != "application/json" && !media.ends_with("+json") {
            return Err(Ok(MarketsError(format!(
                "GET {shown} answered with content-type {}, not JSON",
                quote(&ct)
            ))));
        }
    }
    let max = contract::rule_i64(&["marketList", "maxBytes"]) as usize;
    let too_large = || {
        Err(Ok(MarketsError(format!(
            "GET {shown}: the body is larger than {max} bytes"
        ))))
    };
    if resp.content_length().is_some_and(|n| n as usize > max) {
        return too_large();
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(Err)? {
        if body.len() + chunk.len() > max {
            return too_large();
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer::Body(body))
}

fn error_chain(e: &reqwest::Error) -> String {
    let mut s = String::new();
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(inner) = src {
        s = inner.to_string();
        src = inner.source();
    }
    if s.is_empty() {
        e.to_string()
    } else {
        s
    }
}

pub async fn fetch(
    rest_url: &str,
    timeout_ms: i64,
    limit: usize,
) -> Result<Vec<String>, MarketsError> {
    let (target, user) = split_user_info(&format!("{rest_url}/v1/market/all?isDetails=false"));
    let shown = target.clone();
    let deadline = Instant::now() + Duration::from_millis(timeout_ms as u64);
    let late = || {
        MarketsError(format!(
            "GET {shown}: no complete answer within {timeout_ms} ms (STARTUP_TIMEOUT_MS)"
        ))
    };
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(|e| MarketsError(format!("GET {shown}: {e}")))?;
    let mut attempt = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let answer = match tokio::time::timeout(left, get(&client, &target, &shown, &user)).await {
            Err(_) => return Err(late()),
            Ok(Err(Ok(refused))) => return Err(refused),
            Ok(Err(Err(e))) if e.is_timeout() => return Err(late()),
            Ok(Err(Err(e))) => {
                return Err(MarketsError(format!(
                    "GET {shown}: the connection failed before a complete answer ({})",
                    contract::redact_url(&error_chain(&e))
                )))
            }
            Ok(Ok(a)) => a,
        };
        match answer {
            Answer::Body(body) => return parse(&shown, &body, limit),
            Answer::Status(s @ (429 | 503), ra) => {
                if attempt == RETRIES {
                    return Err(MarketsError(format!("GET {shown} answered HTTP {s} again after {RETRIES} retries")));
                }
                let wait = retry_wait_s(ra.as_deref(), attempt);
                if Instant::now() + Duration::from_secs(wait) > deadline {
                    return Err(MarketsError(format!("GET {shown} answered HTTP {s}; waiting {wait} s to retry would pass the STARTUP_TIMEOUT_MS deadline ({timeout_ms} ms)")));
                }
                tokio::time::sleep(Duration::from_secs(wait)).await;
                attempt += 1;
            }
            Answer::Status(s @ 300..=399, _) => return Err(MarketsError(format!("GET {shown} answered HTTP {s}, a redirect: redirects are not followed (set UPBIT_REST_URL to the address it points to)"))),
            Answer::Status(s, _) => return Err(MarketsError(format!("GET {shown} answered HTTP {s}, not 200 with the market list"))),
        }
    }
}

fn first_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn is_market_code(code: &str) -> bool {
    let Some((q, b)) = code.split_once('-') else {
        return false;
    };
    let ok = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    };
    ok(q) && ok(b)
}

pub fn parse(url: &str, body: &[u8], limit: usize) -> Result<Vec<String>, MarketsError> {
    let err = |m: String| Err(MarketsError(format!("GET {url}: {m}")));
    let text = String::from_utf8_lossy(body);
    if text.trim().is_empty() {
        return err("the body is empty, not a JSON array of markets".into());
    }
    let Ok(root) = serde_json::from_slice::<Value>(body) else {
        return err(format!(
            "the body is not JSON: {}",
            quote(first_chars(text.trim(), 120))
        ));
    };
    let list = match root {
        Value::Array(list) => list,
        Value::Null => return err("the body is null, not a JSON array of markets".into()),
        Value::Object(_) => return err("the body is an object, not a JSON array of markets".into()),
        Value::String(_) => return err("the body is a string, not a JSON array of markets".into()),
        Value::Bool(_) => return err("the body is a boolean, not a JSON array of markets".into()),
        Value::Number(_) => return err("the body is a number, not a JSON array of markets".into()),
    };
    if list.is_empty() {
        return err("the market list is empty".into());
    }
    let max = contract::rule_i64(&["marketList", "maxMarkets"]) as usize;
    if list.len() > max {
        return err(format!(
            "{} markets, more than the {max} a run takes",
            list.len()
        ));
    }
    let mut codes: Vec<String> = Vec::with_capacity(list.len());
    let mut seen = std::collections::HashSet::new();
    for (i, item) in list.iter().enumerate() {
        let code = item.get("market").and_then(Value::as_str).unwrap_or("");
        if !is_market_code(code) {
            let shown = serde_json::to_string(item).unwrap_or_default();
            return err(format!(
                "entry {i} has no \"market\" code like QUOTE-BASE: {}",
                first_chars(&shown, 120)
            ));
        }
        if seen.insert(code.to_owned()) {
            codes.push(code.to_owned());
        }
    }
    if limit > 0 && limit < codes.len() {
        codes.truncate(limit);
    }
    Ok(codes)
}

pub fn count_by_quote(codes: &[String]) -> std::collections::BTreeMap<String, u64> {
    let mut out = std::collections::BTreeMap::new();
    for c in codes {
        *out.entry(c.split('-').next().unwrap_or("").to_owned())
            .or_default() += 1;
    }
    out
}

#[cfg(test)]
mod tests;
