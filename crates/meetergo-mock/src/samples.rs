//! Realistic delivery payloads. What meetergo documents, and what is guessed:
//!
//! - `booking_created`: every field of meetergo's documented example (`webhookType, id, secret, start, end, location,
//!   isCancelled, rescheduledAt, meetingInfo{channel, meetingLink}, attendees[], hosts[], hostIds, meetingType{id,
//!   slug, meetingInfo{name, duration}, metadata}, meetingTypeId, companyId, createdAt, updatedAt`). Documented.
//! - `meetingInfo.channel`: the documented example shows `zoom`; the other values (`google`, `local`, `phone`) are
//!   those meetergo's own tools use for a meeting type's channel. Their use in deliveries is a guess.
//! - `booking_cancelled`: documented as "the created payload plus cancellation details". The `cancel` object
//!   (`actionSource, actionAt, actionBy, reason`) is taken from meetergo's appointment API; that deliveries carry it
//!   so is a guess.
//! - `booking_rescheduled`: documented as carrying the original start time, under a name meetergo does not give:
//!   `originalStart` is a guess (the core also reads `previousStart` and `oldStart`).
//! - `new_employee`: no field is documented; every field here is a guess.
//! - `form_submission`: only `formId` and `submittedAt` follow from meetergo's idempotency recipe; the rest is a
//!   guess.
//!
//! The README's "What the stand-in's samples guess" lists the same.

use std::time::{Duration, SystemTime};

use chrono::{DateTime, FixedOffset, Offset, SecondsFormat, Utc};
use serde_json::{Value, json};

/// A random UUID-shaped id (v4 layout).
pub fn uuid() -> String {
    let n = fastrand::u128(..);
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

fn token(len: usize) -> String {
    std::iter::repeat_with(fastrand::alphanumeric)
        .take(len)
        .collect()
}

fn at(t: DateTime<Utc>, offset_hours: i32) -> String {
    let tz = FixedOffset::east_opt(offset_hours * 3600).unwrap_or_else(|| Utc.fix());
    t.with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from(SystemTime::now())
}

const PEOPLE: &[(&str, &str, &str, &str)] = &[
    ("Ada", "Lovelace", "Europe/London", "en"),
    ("Jürgen", "Müller", "Europe/Berlin", "de"),
    ("Grace", "Hopper", "America/New_York", "en"),
    ("Chloé", "Durand", "Europe/Paris", "fr"),
];

/// `meetingInfo`: the channel is one meetergo uses (`zoom` is the documented example's; the others, from meetergo's
/// own tools, are a guess for deliveries), with a join link where the channel has one.
fn meeting_info() -> Value {
    match fastrand::u8(0..4) {
        0 => {
            json!({"channel": "google", "meetingLink": format!("https://meet.google.com/{}", token(10).to_lowercase())})
        }
        1 => json!({"channel": "local", "meetingLink": null}),
        2 => json!({"channel": "phone", "meetingLink": null}),
        _ => {
            json!({"channel": "zoom", "meetingLink": format!("https://zoom.us/j/{}", fastrand::u64(10_000_000_000..100_000_000_000))})
        }
    }
}

/// An appointment payload (`booking_created` shape) with fresh ids, starting tomorrow at a round hour.
pub fn booking(company_id: &str) -> Value {
    let (first, last, timezone, language) = PEOPLE[fastrand::usize(..PEOPLE.len())];
    let now = now();
    let start = now + Duration::from_secs(24 * 3600 + 3600 * fastrand::u64(0..8));
    let start =
        start - Duration::from_secs(u64::try_from(start.timestamp().rem_euclid(3600)).unwrap_or(0));
    let end = start + Duration::from_secs(30 * 60);
    let host_id = uuid();
    let meeting_type_id = uuid();
    let email = format!(
        "{}.{}@example.com",
        first.to_lowercase(),
        last.to_lowercase()
    )
    .replace('ü', "ue")
    .replace('é', "e");
    json!({
        "id": uuid(),
        "secret": format!("sec_{}", token(24)),
        "start": at(start, 1),
        "end": at(end, 1),
        "location": null,
        "isCancelled": false,
        "rescheduledAt": null,
        "meetingInfo": meeting_info(),
        "attendees": [{
            "id": uuid(), "email": email, "firstname": first, "lastname": last,
            "fullname": format!("{first} {last}"), "phone": "+49 30 1234567", "timezone": timezone, "language": language
        }],
        "hosts": [{
            "id": host_id, "email": "host@example.com", "givenName": "Hedy", "familyName": "Lamarr",
            "fullName": "Hedy Lamarr", "slug": "hedy-lamarr", "picture": "https://cdn.example.com/users/hedy.png"
        }],
        "hostIds": [host_id],
        "meetingType": {
            "id": meeting_type_id, "slug": "intro-call",
            "meetingInfo": {"name": "Intro Call", "duration": 30},
            "metadata": {"source": "website"}
        },
        "meetingTypeId": meeting_type_id,
        "companyId": company_id,
        "createdAt": at(now, 0),
        "updatedAt": at(now, 0),
    })
}

/// A delivery body for `event_type` (any string: unknown types get a minimal body). `webhookType` comes first.
pub fn sample_event(event_type: &str, company_id: &str) -> Value {
    let now = now();
    let body = match event_type {
        "booking_created" => booking(company_id),
        "booking_cancelled" => {
            // GUESSED: the `cancel` object's shape comes from meetergo's appointment API, not from a delivery.
            let mut b = booking(company_id);
            b["isCancelled"] = json!(true);
            b["cancel"] = json!({"actionSource": "attendee", "actionAt": at(now, 0), "actionBy": b["attendees"][0]["email"], "reason": "Something came up"});
            b
        }
        "booking_rescheduled" => {
            // GUESSED: meetergo says the original start is included, not under which name.
            let mut b = booking(company_id);
            b["originalStart"] = b["start"].clone();
            let start = DateTime::parse_from_rfc3339(b["start"].as_str().unwrap_or_default())
                .map(|s| s.with_timezone(&Utc))
                .unwrap_or(now);
            b["start"] = json!(at(start + Duration::from_secs(24 * 3600), 1));
            b["end"] = json!(at(start + Duration::from_secs(24 * 3600 + 1800), 1));
            b["rescheduledAt"] = json!(at(now, 0));
            b
        }
        // GUESSED: meetergo documents no field of this payload.
        "new_employee" => json!({
            "id": uuid(), "email": "new.colleague@example.com", "givenName": "Alan", "familyName": "Turing",
            "companyId": company_id, "createdAt": at(now, 0), "updatedAt": at(now, 0)
        }),
        // GUESSED but `formId` and `submittedAt`, which meetergo's idempotency recipe names.
        "form_submission" => json!({
            "id": uuid(), "formId": uuid(), "submittedAt": at(now, 0), "companyId": company_id,
            "answers": {"email": "lead@example.com", "companySize": "11-50"}
        }),
        _ => {
            json!({"id": uuid(), "companyId": company_id, "createdAt": at(now, 0), "updatedAt": at(now, 0)})
        }
    };
    let mut out = serde_json::Map::new();
    out.insert("webhookType".into(), json!(event_type));
    if let Value::Object(fields) = body {
        out.extend(fields);
    }
    Value::Object(out)
}

/// The bytes meetergo would send for `event`: `webhookType` first (as in meetergo's deliveries), then the other
/// fields.
pub fn delivery_body(event: &Value) -> Vec<u8> {
    let Value::Object(fields) = event else {
        return serde_json::to_vec(event).unwrap_or_default();
    };
    let mut out = String::from("{");
    let first = fields.get_key_value("webhookType");
    for (i, (k, v)) in first
        .into_iter()
        .chain(fields.iter().filter(|(k, _)| *k != "webhookType"))
        .enumerate()
    {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(k.clone()).to_string());
        out.push(':');
        out.push_str(&v.to_string());
    }
    out.push('}');
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use meetergo_core::{Event, EventData, EventType};

    #[test]
    fn every_sample_parses_with_the_core() {
        for t in EventType::KNOWN
            .iter()
            .map(EventType::as_str)
            .chain(["brand_new"])
        {
            let body = serde_json::to_vec(&sample_event(t, "company-1")).unwrap();
            let event = Event::from_slice(&body).unwrap_or_else(|e| panic!("{t}: {e}"));
            assert_eq!(event.webhook_type().as_str(), t);
            if let Some(b) = event.booking() {
                assert!(
                    b.extra.is_empty() || t != "booking_created",
                    "{t}: {:?}",
                    b.extra
                );
                assert!(b.end > b.start);
                assert!(b.secret.is_some());
            }
            if t == "booking_cancelled" {
                assert!(event.booking().unwrap().cancel.is_some());
            }
            if t == "booking_rescheduled" {
                assert!(event.booking().unwrap().previous_start().is_some());
            }
            if let EventData::FormSubmission(f) = event.data() {
                assert!(f.submitted_at.is_some());
            }
        }
        assert_ne!(uuid(), uuid());
    }

    #[test]
    fn delivery_bodies_start_with_the_type() {
        let event = sample_event("booking_cancelled", "c");
        let body = delivery_body(&event);
        assert!(
            body.starts_with(br#"{"webhookType":"booking_cancelled","#),
            "{}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), event);
        assert_eq!(delivery_body(&json!([1])), b"[1]");
    }
}
