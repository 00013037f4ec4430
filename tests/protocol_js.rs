//! The extension's pages send the background only requests the protocol declares
//! (`pending_core::app::protocol::Request`), and the background does not read messages
//! itself: it hands each to the controller.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::disallowed_types, clippy::disallowed_methods, clippy::disallowed_macros)] // size rules bind the crate, not its tests

use pending_core::app::protocol::Request;

fn sources() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/extension");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "js") {
            out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    assert!(out.len() >= 4, "the extension's scripts are found");
    out
}

#[test]
fn pages_send_only_declared_request_types() {
    let mut sent = Vec::new();
    for (file, text) in sources() {
        for (i, _) in text.match_indices("send({ type: '") {
            let tag: String = text[i + "send({ type: '".len()..].chars().take_while(|c| *c != '\'').collect();
            assert!(Request::TYPES.contains(&tag.as_str()), "{file} sends an undeclared request type '{tag}'");
            sent.push(tag);
        }
    }
    for tag in ["refresh", "connections", "test"] {
        assert!(sent.iter().any(|t| t == tag), "a page sends '{tag}'");
    }
}

#[test]
fn the_background_hands_every_message_to_the_controller() {
    let (_, background) = sources().into_iter().find(|(f, _)| f.ends_with("background.js")).unwrap();
    assert!(background.contains("a.handle(message)"));
    assert!(!background.contains("message.type") && !background.contains("message?.type"), "no message is read in JS");
    assert!(!background.contains("BLOCKING") && !background.contains("CATEGORIES"), "no constant copied from Rust");
}
