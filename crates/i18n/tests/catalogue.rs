//! The Welsh catalogue held to the project's glossary (`../shared/welsh-terms.md`): one Welsh
//! term for each English term across every message, and every message that counts something
//! in the right form for every number, as a Welsh-speaking care worker would read it.

// Test code: failing loudly is its job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use homeward_domain::locale::Locale;
use homeward_i18n::Tr;
use regex::Regex;
use std::collections::BTreeMap;

/// Each message's text, continuation lines joined, keyed by id.
fn catalogue(lang: &str) -> BTreeMap<String, String> {
    let path = format!(
        "{}/../../locales/{lang}/main.ftl",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let start = Regex::new(r"^([a-z][a-zA-Z0-9_-]*) =\s?(.*)$").unwrap();
    let mut out = BTreeMap::new();
    let mut key: Option<String> = None;
    for line in text.lines() {
        if let Some(c) = start.captures(line) {
            key = Some(c[1].to_string());
            out.insert(c[1].to_string(), c[2].to_string());
        } else if let Some(k) = &key
            && (line.starts_with(' ') || line.starts_with('}'))
        {
            let joined = out.entry(k.clone()).or_default();
            joined.push(' ');
            joined.push_str(line.trim());
        } else {
            key = None;
        }
    }
    out
}

/// An English term, the Welsh the glossary gives it (any mutation of it), and what it warns
/// against.
struct Term {
    english: &'static str,
    welsh: &'static str,
    avoid: Option<&'static str>,
}

const TERMS: &[Term] = &[
    // "cynllun ar goll" is a plan that is lost.
    Term {
        english: r"(?i)\bmissing plans?\b",
        welsh: r"(?i)ynllun(iau)? mynd ar goll",
        avoid: Some(r"(?i)ynllun(iau)? ar goll"),
    },
    Term {
        english: r"(?i)\breturn (home )?interviews?\b",
        welsh: r"(?i)yfweliad(au)? dychwelyd adref",
        avoid: None,
    },
    // "lleoliad" is a placement, in looked-after care.
    Term {
        english: r"(?i)\bwhereabouts\b",
        welsh: r"(?i)\b(b|l)le (maen nhw|mae)",
        avoid: Some(r"(?i)lleoliad"),
    },
    // "cysylltiadau" is already contacts.
    Term {
        english: r"(?i)\bassociates\b",
        welsh: r"(?i)ymdeithion",
        avoid: Some(r"(?i)ysylltiadau"),
    },
    Term {
        english: r"(?i)\bcontacts\b",
        welsh: r"(?i)ysylltiadau",
        avoid: None,
    },
    Term {
        english: r"(?i)\bconsent",
        welsh: r"(?i)ydsyni",
        avoid: Some(r"(?i)aniatâd"),
    },
    Term {
        english: r"(?i)\bnotif(y|ied|ies|ication)",
        welsh: r"(?i)gwybod",
        avoid: Some(r"(?i)hysbys"),
    },
    Term {
        english: r"(?i)\bplacements?\b",
        welsh: r"(?i)leoliad|lleoli",
        avoid: None,
    },
    Term {
        english: r"(?i)\bperson\b",
        welsh: r"(?i)\b(p|b|ph|mh)erson|unigolyn|rhywun",
        avoid: None,
    },
];

#[test]
fn one_welsh_term_for_each_english_term() {
    let (en, cy) = (catalogue("en-GB"), catalogue("cy"));
    let mut wrong = Vec::new();
    for term in TERMS {
        let (english, welsh) = (
            Regex::new(term.english).unwrap(),
            Regex::new(term.welsh).unwrap(),
        );
        let avoid = term.avoid.map(|a| Regex::new(a).unwrap());
        for (id, text) in &en {
            // "in person" is a way of meeting, not a person.
            let text = text.replace("in person", "");
            let Some(cymraeg) = cy.get(id) else { continue };
            if !english.is_match(&text) {
                continue;
            }
            if !welsh.is_match(cymraeg) || avoid.as_ref().is_some_and(|a| a.is_match(cymraeg)) {
                wrong.push(format!("{id}: “{text}” is “{cymraeg}”"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "not the glossary's term:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_message_is_in_both_languages() {
    let (en, cy) = (catalogue("en-GB"), catalogue("cy"));
    let only: Vec<_> = en.keys().filter(|k| !cy.contains_key(*k)).collect();
    assert!(only.is_empty(), "only in English: {only:?}");
    let only: Vec<_> = cy.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only.is_empty(), "only in Welsh: {only:?}");
}

/// Every message that chooses its words by a number, rendered for 0, 1, 2, 3, 6 and 12 in
/// both languages (Welsh has a form for each of zero, one, two, few, many and other): each
/// says the number (or a word for it) and nothing is left unfilled.
#[test]
fn every_counted_message_in_every_plural_form() {
    let selector = Regex::new(r"\{ \$(\w+) ->").unwrap();
    let placeable = Regex::new(r"\{ \$(\w+) \}").unwrap();
    let (en, cy) = (catalogue("en-GB"), catalogue("cy"));
    let mut counted = 0;
    for (id, text) in en.iter().chain(cy.iter()) {
        let counts: Vec<String> = selector
            .captures_iter(text)
            .map(|c| c[1].to_string())
            .collect();
        if counts.is_empty() {
            continue;
        }
        counted += 1;
        let others: Vec<String> = placeable
            .captures_iter(text)
            .map(|c| c[1].to_string())
            .filter(|v| !counts.contains(v))
            .collect();
        for n in [0, 1, 2, 3, 6, 12] {
            let number = n.to_string();
            let mut args: Vec<(&str, &str)> = counts
                .iter()
                .map(|c| (c.as_str(), number.as_str()))
                .collect();
            args.extend(others.iter().map(|o| (o.as_str(), "Sam")));
            for tr in [Tr(Locale::English), Tr(Locale::Welsh)] {
                let shown = tr.args(id, &args);
                assert!(
                    !shown.contains('{') && !shown.contains("$"),
                    "{id} for {n}: {shown}"
                );
                let lower = shown.to_lowercase();
                // One and two may be words; none may be said as "nobody" or "every one".
                let words: &[&str] = match n {
                    0 => &[
                        "dim ", "neb ", "heb ", "pob ", "no ", "not ", "never", "nobody", "none",
                        "every ",
                    ],
                    1 => &["unwaith", "once"],
                    2 => &["ddwywaith", "twice"],
                    _ => &[],
                };
                let said = shown.contains(&number) || words.iter().any(|w| lower.contains(w));
                assert!(said, "{id} for {n} does not say how many: {shown}");
            }
        }
    }
    assert!(counted >= 20, "only {counted} counted messages found");
}

/// The forms a Welsh reader checks first: a number before a noun takes the noun's mutation
/// and number ("2 funud", "3 munud", "2 fis", "3 pherson").
#[test]
fn welsh_counts_take_the_right_form() {
    let cy = Tr(Locale::Welsh);
    let en = Tr(Locale::English);
    // (message, its number's name, and what each number must read as)
    type Forms = &'static [(i64, &'static str)];
    let cases: &[(&str, &str, Forms)] = &[
        (
            "settings-months",
            "count",
            &[(1, "1 mis"), (2, "2 fis"), (3, "3 mis"), (12, "12 mis")],
        ),
        (
            "on-call-escalate-after",
            "minutes",
            &[
                (1, "1 munud"),
                (2, "2 funud"),
                (3, "3 munud"),
                (12, "12 munud"),
            ],
        ),
        (
            "tokens-days",
            "count",
            &[(1, "1 diwrnod"), (2, "2 ddiwrnod"), (6, "6 diwrnod")],
        ),
        (
            "people-count",
            "count",
            &[
                (0, "0 o bobl"),
                (1, "1 person"),
                (2, "2 berson"),
                (3, "3 pherson"),
                (6, "6 pherson"),
                (12, "12 o bobl"),
            ],
        ),
        (
            "users-second-factor-on",
            "left",
            &[(1, "1 cod"), (2, "2 god"), (3, "3 chod"), (10, "10 cod")],
        ),
        (
            "error-code-wrong",
            "tries",
            &[(1, "unwaith"), (2, "ddwywaith"), (3, "3 gwaith")],
        ),
    ];
    for (id, name, forms) in cases {
        for (n, form) in *forms {
            let shown = cy.with(id, name, &n.to_string());
            assert!(
                shown.contains(form),
                "{id} for {n}: “{shown}” should say “{form}”"
            );
        }
    }
    assert!(
        en.with("on-call-escalate-after", "minutes", "1")
            .starts_with("1 minute without")
    );
    assert!(
        en.with("on-call-escalate-after", "minutes", "2")
            .starts_with("2 minutes")
    );
    // Text that only looks like a number stays as it was written.
    assert!(cy.with("users-added", "name", "007").contains("007"));
}

/// The audit trail records what was done ("Wedi ychwanegu…", "Agorwyd…"), never an
/// instruction ("Ychwanegu…"), in Welsh as in English ("Added…").
#[test]
fn the_welsh_audit_trail_says_what_was_done() {
    let done = Regex::new(r"^(Wedi |\S*(wyd|odd)\b)").unwrap();
    let not_done: Vec<String> = catalogue("cy")
        .into_iter()
        .filter(|(id, text)| id.starts_with("audit-do-") && !done.is_match(text))
        .map(|(id, text)| format!("{id}: {text}"))
        .collect();
    assert!(
        not_done.is_empty(),
        "reads as an instruction:\n{}",
        not_done.join("\n")
    );
}
