//! Human output: aligned tables, and text made safe for a terminal.

use std::io::IsTerminal;

use meetergo_core::Webhook;

/// Where a line goes, for [`paint`].
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// Whether lines written to `stream` get colour: never with `NO_COLOR` set to anything but the empty string
/// (no-color.org); always with `CLICOLOR_FORCE` set (and not `0`); otherwise when `stream` is a terminal whose
/// `TERM` is not `dumb`.
pub fn color(stream: Stream) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if set("CLICOLOR_FORCE") {
        return true;
    }
    let terminal = match stream {
        Stream::Stdout => std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    };
    terminal && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// `text` in an SGR colour (`"31"` red, `"32"` green, `"33"` yellow, `"1;31"` bold red) when [`color`] allows it.
pub fn paint(text: &str, sgr: &str, stream: Stream) -> String {
    if color(stream) {
        format!("\u{1b}[{sgr}m{text}\u{1b}[0m")
    } else {
        text.to_owned()
    }
}

/// Replaces control characters (escape sequences a server or a payload could smuggle into a terminal) with their
/// escaped form.
pub fn clean(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Renders rows under a header, columns padded to the widest cell (in characters), two spaces apart.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| clean(c)).collect())
        .collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut out = String::new();
        for (i, cell) in cells.enumerate().take(columns) {
            if i + 1 == columns {
                out.push_str(cell);
            } else {
                let pad = widths[i].saturating_sub(cell.chars().count());
                out.push_str(cell);
                out.extend(std::iter::repeat_n(' ', pad + 2));
            }
        }
        out.trim_end().to_owned()
    };
    let mut out = line(&mut header.iter().copied());
    for row in &rows {
        out.push('\n');
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

/// The event types of a webhook, comma-separated.
pub fn event_types(hook: &Webhook) -> String {
    hook.event_types
        .iter()
        .map(meetergo_core::EventType::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

/// Webhooks as a table: id, endpoint, event types, description, creation time.
pub fn webhooks(hooks: &[Webhook]) -> String {
    let rows: Vec<Vec<String>> = hooks
        .iter()
        .map(|h| {
            vec![
                h.id.clone(),
                // Path secrets and credentials are not shown (`--json` prints the endpoint as stored).
                meetergo_core::redact_url(&h.endpoint).into_owned(),
                event_types(h),
                h.description.clone().unwrap_or_default(),
                h.created_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            ]
        })
        .collect();
    render(
        &["ID", "ENDPOINT", "EVENT TYPES", "DESCRIPTION", "CREATED"],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up() {
        let t = render(
            &["A", "BB"],
            &[
                vec!["xxx".into(), "y".into()],
                vec!["z".into(), String::new()],
            ],
        );
        assert_eq!(t, "A    BB\nxxx  y\nz");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(clean("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\n");
        assert_eq!(clean("plain"), "plain");
    }
}
