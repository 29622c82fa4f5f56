//! The market list's answers judged, and the URL's user info kept out of every message.
use super::*;

fn msg(body: &str) -> String {
    parse("u", body.as_bytes(), 0).unwrap_err().0
}

#[test]
fn every_body_judged() {
    assert_eq!(
        msg(""),
        "GET u: the body is empty, not a JSON array of markets"
    );
    assert_eq!(
        msg("null"),
        "GET u: the body is null, not a JSON array of markets"
    );
    assert_eq!(
        msg("{}"),
        "GET u: the body is an object, not a JSON array of markets"
    );
    assert_eq!(msg("[]"), "GET u: the market list is empty");
    assert_eq!(msg("<html>"), "GET u: the body is not JSON: \"<html>\"");
    assert_eq!(
        msg(r#"[{"market":"krw-btc"}]"#),
        r#"GET u: entry 0 has no "market" code like QUOTE-BASE: {"market":"krw-btc"}"#
    );
    let codes = parse(
        "u",
        br#"[{"market":"KRW-BTC"},{"market":"KRW-BTC"},{"market":"BTC-ETH"}]"#,
        0,
    )
    .unwrap();
    assert_eq!(codes, vec!["KRW-BTC", "BTC-ETH"]);
    assert_eq!(
        parse("u", br#"[{"market":"KRW-BTC"},{"market":"BTC-ETH"}]"#, 1)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn user_info_is_split_off() {
    let (shown, user) = split_user_info("http://a:b@h:1/x");
    assert_eq!(shown, "http://h:1/x");
    assert_eq!(user, Some(("a".into(), Some("b".into()))));
    assert_eq!(retry_wait_s(Some("2"), 0), 2);
    assert_eq!(retry_wait_s(Some("soon"), 1), 2);
}
