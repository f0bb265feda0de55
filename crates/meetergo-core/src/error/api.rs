//! meetergo's error answers.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// meetergo's `message`: a sentence, or a list of sentences (NestJS validation errors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrorMessage {
    /// A single message.
    Text(String),
    /// Several messages, one per problem.
    List(Vec<String>),
}

impl ErrorMessage {
    /// Every message as a slice-like list (one element for [`ErrorMessage::Text`]).
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            ErrorMessage::Text(s) => vec![s.clone()],
            ErrorMessage::List(v) => v.clone(),
        }
    }
}

impl fmt::Display for ErrorMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorMessage::Text(s) => f.write_str(s),
            ErrorMessage::List(v) => f.write_str(&v.join("; ")),
        }
    }
}

/// One entry of meetergo's `errors` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field meetergo complains about.
    #[serde(default)]
    pub field: Option<String>,
    /// What is wrong with it.
    #[serde(default)]
    pub message: Option<String>,
}

/// An error answer from meetergo: the status, the parsed body when it has meetergo's shape, and the raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// HTTP method of the request.
    pub method: String,
    /// Path of the request.
    pub path: String,
    /// meetergo's `message`, when the body had one.
    pub message: Option<ErrorMessage>,
    /// meetergo's `error` (the status text, e.g. `"Not Acceptable"`).
    pub error: Option<String>,
    /// meetergo's per-field `errors`.
    pub errors: Vec<FieldError>,
    /// meetergo's `code` (e.g. `"PLAN_LIMIT_REACHED"`).
    pub code: Option<String>,
    /// meetergo's `feature` (with plan limits).
    pub feature: Option<String>,
    /// The body as received, truncated to [`ApiError::MAX_BODY_CHARS`] characters and scrubbed of the token.
    pub body: String,
    /// The `Retry-After` the server sent, if any.
    pub retry_after: Option<Duration>,
}

#[derive(Deserialize)]
struct WireError {
    #[serde(default)]
    message: Option<ErrorMessage>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    errors: Option<Vec<FieldError>>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    feature: Option<String>,
}

/// `text` cut to `max` characters, marked when cut.
pub(crate) fn capped(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…[truncated]", &text[..end]),
        None => text,
    }
}

impl ApiError {
    /// How much of an error body is kept.
    pub const MAX_BODY_CHARS: usize = 4096;
    /// How much of each text meetergo sends in an error (`message`, `error`, each field error, `code`, `feature`)
    /// is kept: an answer with a 5 MB `message` does not make a 5 MB exception.
    pub const MAX_TEXT_CHARS: usize = 1000;
    /// How many entries of a message list or of `errors` are kept.
    pub const MAX_ITEMS: usize = 50;

    /// Builds an error from a status and a body; tolerates bodies that are empty, not JSON (an HTML page from a
    /// proxy) or JSON of another shape.
    pub fn from_response(status: u16, method: &str, path: &str, body: &str) -> Self {
        let parsed = serde_json::from_str::<WireError>(body).ok();
        let mut text: String = body.chars().take(Self::MAX_BODY_CHARS).collect();
        if text.len() < body.len() {
            text.push_str("…[truncated]");
        }
        let (message, error, errors, code, feature) = match parsed {
            Some(w) => (
                w.message,
                w.error,
                w.errors.unwrap_or_default(),
                w.code,
                w.feature,
            ),
            None => (None, None, Vec::new(), None, None),
        };
        let cap = |t: String| capped(t, Self::MAX_TEXT_CHARS);
        let message = message.map(|m| match m {
            ErrorMessage::Text(t) => ErrorMessage::Text(cap(t)),
            ErrorMessage::List(list) => {
                ErrorMessage::List(list.into_iter().take(Self::MAX_ITEMS).map(cap).collect())
            }
        });
        let errors = errors
            .into_iter()
            .take(Self::MAX_ITEMS)
            .map(|e| FieldError {
                field: e.field.map(cap),
                message: e.message.map(cap),
            })
            .collect();
        let (error, code, feature) = (error.map(cap), code.map(cap), feature.map(cap));
        Self {
            status,
            method: method.to_owned(),
            path: path.to_owned(),
            message,
            error,
            errors,
            code,
            feature,
            body: text,
            retry_after: None,
        }
    }

    /// Passes every text taken from the answer (the decoded `message`, `error`, `errors`, `code`, `feature`, and the
    /// body) through `f`: the token is scrubbed from what JSON decoding produced, not only from the raw bytes.
    #[cfg(feature = "http")]
    pub(crate) fn scrub_texts(&mut self, f: impl Fn(&str) -> String) {
        let g = |t: &mut String| *t = f(t);
        match &mut self.message {
            Some(ErrorMessage::Text(t)) => g(t),
            Some(ErrorMessage::List(list)) => list.iter_mut().for_each(g),
            None => {}
        }
        for e in &mut self.errors {
            e.field.iter_mut().chain(e.message.iter_mut()).for_each(g);
        }
        self.error
            .iter_mut()
            .chain(self.code.iter_mut())
            .chain(self.feature.iter_mut())
            .for_each(g);
        g(&mut self.body);
    }

    /// The message(s) meetergo sent, as a list (empty when the body had none).
    pub fn messages(&self) -> Vec<String> {
        self.message
            .as_ref()
            .map(ErrorMessage::to_vec)
            .unwrap_or_default()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} answered {}", self.method, self.path, self.status)?;
        if let Some(e) = &self.error {
            write!(f, " {e}")?;
        }
        match &self.message {
            Some(m) => write!(f, ": {m}")?,
            None if !self.body.trim().is_empty() => {
                let snippet: String = self.body.trim().chars().take(200).collect();
                write!(f, ": {snippet}")?;
            }
            None => {}
        }
        for fe in &self.errors {
            write!(
                f,
                " [{}: {}]",
                fe.field.as_deref().unwrap_or("?"),
                fe.message.as_deref().unwrap_or("invalid")
            )?;
        }
        if let Some(code) = &self.code {
            write!(f, " (code {code})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_of_an_error_answer_is_capped() {
        let huge = "m".repeat(5 * 1024 * 1024);
        let body = serde_json::json!({
            "statusCode": 400,
            "message": huge,
            "error": "e".repeat(5000),
            "code": "c".repeat(5000),
            "feature": "f".repeat(5000),
            "errors": (0..500).map(|i| serde_json::json!({"field": format!("f{i}"), "message": "x".repeat(5000)}))
                .collect::<Vec<_>>(),
        })
        .to_string();
        let e = ApiError::from_response(400, "GET", "/webhooks", &body);
        let shown = e.to_string();
        assert!(shown.len() < 200_000, "{} bytes", shown.len());
        let Some(ErrorMessage::Text(m)) = &e.message else {
            panic!("{:?}", e.message)
        };
        assert!(
            m.ends_with("…[truncated]") && m.chars().count() < 1100,
            "{}",
            m.len()
        );
        assert_eq!(e.errors.len(), ApiError::MAX_ITEMS);
        for text in [&e.error, &e.code, &e.feature] {
            assert!(text.as_deref().is_some_and(|t| t.chars().count() < 1100));
        }
        // A list of messages: at most MAX_ITEMS, each capped.
        let list = serde_json::json!({"message": vec!["y".repeat(3000); 400]}).to_string();
        let e = ApiError::from_response(400, "POST", "/webhooks", &list);
        assert_eq!(e.messages().len(), ApiError::MAX_ITEMS);
        assert!(e.messages().iter().all(|m| m.chars().count() < 1100));
        // Short texts are kept as sent.
        let e = ApiError::from_response(404, "GET", "/x", r#"{"message":"Webhook not found"}"#);
        assert_eq!(e.messages(), ["Webhook not found"]);
    }
}
