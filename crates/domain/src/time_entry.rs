//! Times as care staff type them ("21:30", "9.30pm"), on a date, in Europe/London. Twice a
//! year a local time is not simple: in March an hour never happens, and in October one hour
//! happens twice. Neither is guessed: the user is told, and for the October hour chooses.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::AmbiguousOffset;

/// Which of the two 1 o'clocks on the night the clocks go back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    /// The first, still British Summer Time.
    Bst,
    /// The second, Greenwich Mean Time.
    Gmt,
}

/// Hours and minutes from what was typed: `21:30`, `2130`, `21.30`, `9:30pm`, `9pm`, `12am`,
/// and in Welsh `9:30yh` (yr hwyr) and `9yb` (y bore), with or without stops (`y.h.`).
pub fn parse_time(text: &str) -> Result<(i8, i8), &'static str> {
    let t: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if t.is_empty() {
        return Err("error-time-empty");
    }
    const MORNING: [&str; 4] = ["a.m.", "y.b.", "am", "yb"];
    const LATER: [&str; 4] = ["p.m.", "y.h.", "pm", "yh"];
    let ends = |words: [&str; 4]| words.iter().find_map(|w| t.strip_suffix(w));
    let (digits, meridiem) = if let Some(d) = ends(MORNING) {
        (d, Some(false))
    } else if let Some(d) = ends(LATER) {
        (d, Some(true))
    } else {
        (t.as_str(), None)
    };
    // Only digits and one separator: anything else (letters, other scripts) is not a time,
    // and byte positions below are then character positions.
    if !digits
        .chars()
        .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
    {
        return Err("error-time-invalid");
    }
    let (h, m) = match digits.split_once([':', '.']) {
        Some((h, m)) if m.len() == 2 => (h, m),
        Some(_) => return Err("error-time-invalid"),
        None if digits.len() == 4 && meridiem.is_none() => digits.split_at(2),
        None if meridiem.is_some() && (1..=2).contains(&digits.len()) => (digits, "00"),
        None => return Err("error-time-invalid"),
    };
    let h: i8 = h.parse().map_err(|_| "error-time-invalid")?;
    let m: i8 = m.parse().map_err(|_| "error-time-invalid")?;
    if !(0..60).contains(&m) {
        return Err("error-time-invalid");
    }
    let h = match meridiem {
        None if (0..24).contains(&h) => h,
        Some(pm) if (1..=12).contains(&h) => (h % 12) + if pm { 12 } else { 0 },
        _ => return Err("error-time-invalid"),
    };
    Ok((h, m))
}

/// The instant a London date and time name. `fold` is needed only for the hour that happens
/// twice in October; without it that hour is refused with a message asking which.
pub fn london_instant(
    date: Date,
    (h, m): (i8, i8),
    fold: Option<Fold>,
) -> Result<Timestamp, &'static str> {
    let local = date.at(h, m, 0, 0);
    let ambiguous = crate::time::london().to_ambiguous_timestamp(local);
    match (ambiguous.offset(), fold) {
        (AmbiguousOffset::Unambiguous { .. }, _) => ambiguous.unambiguous(),
        (AmbiguousOffset::Gap { .. }, _) => return Err("error-time-gap"),
        (AmbiguousOffset::Fold { .. }, None) => return Err("error-time-fold"),
        (AmbiguousOffset::Fold { .. }, Some(Fold::Bst)) => ambiguous.earlier(),
        (AmbiguousOffset::Fold { .. }, Some(Fold::Gmt)) => ambiguous.later(),
    }
    .map_err(|_| "error-time-invalid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn times_are_read_as_people_write_them() {
        for (text, want) in [
            ("21:30", (21, 30)),
            ("2130", (21, 30)),
            ("21.30", (21, 30)),
            (" 9:30 pm ", (21, 30)),
            ("9pm", (21, 0)),
            ("12am", (0, 0)),
            ("12:15pm", (12, 15)),
            ("00:05", (0, 5)),
            ("10:10yh", (22, 10)),
            ("10:10 y.h.", (22, 10)),
            ("9yb", (9, 0)),
            ("12yb", (0, 0)),
            ("12:30yh", (12, 30)),
            ("7.45 YB", (7, 45)),
            ("9:30a.m.", (9, 30)),
        ] {
            assert_eq!(parse_time(text), Ok(want), "{text}");
        }
        for text in [
            "24:00", "9", "13pm", "9:7", "21:60", "noon", "-1:00", "13yh", "yh",
        ] {
            assert_eq!(parse_time(text), Err("error-time-invalid"), "{text}");
        }
        assert_eq!(parse_time("  "), Err("error-time-empty"));
    }

    #[test]
    fn london_times_follow_the_clocks() {
        let summer = london_instant(date(2026, 7, 1), (21, 30), None).unwrap();
        assert_eq!(summer, "2026-07-01T20:30:00Z".parse::<Timestamp>().unwrap());
        let winter = london_instant(date(2026, 12, 1), (21, 30), None).unwrap();
        assert_eq!(winter, "2026-12-01T21:30:00Z".parse::<Timestamp>().unwrap());
        // 28 March 2027: 01:00 GMT becomes 02:00 BST, so 01:30 never happens.
        assert_eq!(
            london_instant(date(2027, 3, 28), (1, 30), None),
            Err("error-time-gap")
        );
        // 25 October 2026: 01:30 happens in BST and again in GMT.
        let night = date(2026, 10, 25);
        assert_eq!(london_instant(night, (1, 30), None), Err("error-time-fold"));
        let bst = london_instant(night, (1, 30), Some(Fold::Bst)).unwrap();
        let gmt = london_instant(night, (1, 30), Some(Fold::Gmt)).unwrap();
        assert_eq!(bst, "2026-10-25T00:30:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(gmt.duration_since(bst), jiff::SignedDuration::from_hours(1));
    }
}
