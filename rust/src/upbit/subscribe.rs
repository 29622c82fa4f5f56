//! The one request each connection sends after it opens: its ticket, the channel and its codes,
//! DEFAULT format. https://docs.upbit.com/reference/websocket-request-format

pub fn subscribe_message(ticket: &str, channel: &str, codes: &[String]) -> String {
    serde_json::json!([
        {"ticket": ticket},
        {"type": channel, "codes": codes},
        {"format": "DEFAULT"},
    ])
    .to_string()
}
