//! Delivery parsing: any bytes give an event or a `PayloadError`, never a panic. A body that parses keeps its raw
//! text, and parsing that text again gives the same type and idempotency key; a fallback key is always a digest of
//! the canonical form. The fast reader accepts only bodies the reference reader reads, and reads them the same way.
//! The lazy reader (Python's) fails where `Event::from_slice` fails, with the same error, and each field it decodes
//! on read is the built event's.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meetergo_core::{Event, LazyEvent};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (fast, reference) = Event::__readers(text);
        if let Some(fast) = fast {
            let reference = reference.expect("the fast reader accepted a body the reference reader refuses");
            assert_eq!(fast, reference);
            assert_eq!(fast.to_json(), reference.to_json());
            assert_eq!(fast.idempotency_key(), reference.idempotency_key());
            assert_eq!(fast.id(), reference.id());
        }
    }
    let lazy = LazyEvent::from_slice(data);
    let event = match (Event::from_slice(data), lazy) {
        (Err(built), Err(lazy)) => {
            assert_eq!(built.to_string(), lazy.to_string());
            return;
        }
        (Ok(event), Ok(lazy)) => {
            assert_eq!(lazy.__assembled().expect("every field reads back"), event);
            assert_eq!(lazy.idempotency_key().expect("key"), event.idempotency_key());
            assert_eq!(lazy.id().expect("id").as_deref(), event.id().as_deref());
            event
        }
        (built, lazy) => panic!("the readers disagree: {built:?} / {lazy:?}"),
    };
    assert!(!event.idempotency_key().is_empty());
    // The fallback key's canonical reader reads every body serde_json accepted.
    assert!(!event.idempotency_key().contains("#raw-sha256:"), "canonical reader refused a parsed body");
    let again = Event::from_json_str(event.raw_json()).expect("the raw text of a parsed event parses");
    assert_eq!(again.webhook_type(), event.webhook_type());
    assert_eq!(again.idempotency_key(), event.idempotency_key());
    // Printing never panics and never shows the booking secret.
    let _ = format!("{event:?}");
});
