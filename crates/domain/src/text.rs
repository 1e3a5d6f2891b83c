//! One rule for every piece of free text a person types: how long it may be, and that it
//! holds no hidden control characters (a NUL, an escape, a backspace), which no keyboard
//! types, one database refuses and another stores to break a page later. Tabs and line
//! breaks are text in writing that can run over lines.

/// The longest a one-line answer may be (a name, a place, a reference).
pub const LINE: usize = 300;
/// The longest a written account may be (a chronology note, a debrief, a reason).
pub const WRITING: usize = 10_000;

/// Whether text can run over several lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Line,
    Lines,
}

/// A character no one means to type: every control character, except a tab or a line
/// break in writing that runs over lines.
pub fn is_hidden(c: char, shape: Shape) -> bool {
    c.is_control() && !(shape == Shape::Lines && matches!(c, '\n' | '\r' | '\t'))
}

/// The message id for what is wrong with `text`, if anything: too long, or a hidden
/// character.
pub fn problem(text: &str, shape: Shape, max: usize) -> Option<&'static str> {
    if text.chars().count() > max {
        Some("error-too-long")
    } else if text.chars().any(|c| is_hidden(c, shape)) {
        Some("error-text-invalid")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_character_is_refused_and_writing_keeps_its_line_breaks() {
        for c in (0u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32) {
            let text = format!("Seen at the park{c}");
            let line = problem(&text, Shape::Line, LINE);
            assert_eq!(line, Some("error-text-invalid"), "{:#x}", c as u32);
            let lines = problem(&text, Shape::Lines, WRITING);
            let allowed = matches!(c, '\n' | '\r' | '\t');
            assert_eq!(lines.is_none(), allowed, "{:#x}", c as u32);
        }
        assert_eq!(problem("Tŷ Gwyn — ‘Cymraeg’ 🙂", Shape::Line, LINE), None);
        assert_eq!(
            problem(&"a".repeat(LINE + 1), Shape::Line, LINE),
            Some("error-too-long")
        );
        assert_eq!(
            problem(&"ŵ".repeat(LINE), Shape::Line, LINE),
            None,
            "characters, not bytes"
        );
    }
}
