//! The missing policy in words: a composed policy ([`homeward_domain::missing_policy`]) turned
//! into the text of one language, for its page, its PDF, its content hash and the difference
//! between two versions. Kept with the catalogue so the pages, the PDF and the record of what
//! staff signed all read the same words.

use crate::Tr;
use homeward_domain::locale::Locale;
use homeward_domain::missing_policy::{Arg, Block, Composed, Line, Section};

/// One section as a reader sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub number: usize,
    pub heading: String,
    pub blocks: Vec<WrittenBlock>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WrittenBlock {
    Para(String),
    List(Vec<String>),
}

/// The policy's sections in `locale`, numbered from 1.
pub fn write(composed: &Composed, locale: Locale) -> Vec<Written> {
    let tr = Tr(locale);
    composed
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| match (&s.own_cy, locale) {
            (Some((heading, own)), Locale::Welsh) => Written {
                number: i + 1,
                heading: heading.clone(),
                blocks: blocks(&tr, own),
            },
            _ => Written {
                number: i + 1,
                heading: heading(&tr, s),
                blocks: blocks(&tr, &s.blocks),
            },
        })
        .collect()
}

fn heading(tr: &Tr, s: &Section) -> String {
    match &s.own_heading {
        Some(h) => h.clone(),
        None => tr.get(&format!("policy-h-{}", s.key)),
    }
}

fn line(tr: &Tr, l: &Line) -> String {
    let numbers: Vec<(&str, String)> = l
        .args
        .iter()
        .map(|(name, arg)| match arg {
            Arg::Text(t) => (*name, t.clone()),
            Arg::Number(n) => (*name, n.to_string()),
        })
        .collect();
    let args: Vec<(&str, &str)> = numbers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    tr.args(&l.id, &args)
}

fn blocks(tr: &Tr, section: &[Block]) -> Vec<WrittenBlock> {
    let mut out: Vec<WrittenBlock> = Vec::new();
    // Duties that follow one another make one list.
    let mut in_duties = false;
    for b in section {
        let Block::Duty(d) = b else {
            in_duties = false;
            out.push(match b {
                Block::Para(l) => WrittenBlock::Para(line(tr, l)),
                Block::List(ls) => WrittenBlock::List(ls.iter().map(|l| line(tr, l)).collect()),
                // The organisation's own lines starting "- " are a list, as they read.
                Block::Own(text) if text.lines().all(|l| l.starts_with("- ")) => {
                    WrittenBlock::List(text.lines().map(|l| l[2..].to_string()).collect())
                }
                Block::Own(text) => WrittenBlock::Para(text.clone()),
                Block::Duty(_) => continue,
            });
            continue;
        };
        let duty = tr.args(
            "policy-duty",
            &[
                ("duty", &tr.get(&format!("duty-{}", d.rule))),
                ("who", &tr.get(&format!("duty-who-{}", who_code(d.who)))),
                ("within", &line(tr, &d.within)),
                ("from", &tr.get(&format!("policy-from-{}", d.from))),
                (
                    "source",
                    &format!("{}: {}", d.source_document, d.source_section),
                ),
            ],
        );
        match out.last_mut() {
            Some(WrittenBlock::List(items)) if in_duties => items.push(duty),
            _ => out.push(WrittenBlock::List(vec![duty])),
        }
        in_duties = true;
    }
    out
}

fn who_code(who: homeward_domain::duties::Who) -> &'static str {
    use homeward_domain::duties::Who;
    match who {
        Who::Carer => "carer",
        Who::Manager => "manager",
        Who::Police => "police",
        Who::LocalAuthority => "local_authority",
    }
}

/// The policy as plain text: what its content hash covers and what a difference compares.
pub fn plain_text(sections: &[Written]) -> String {
    let mut out = String::new();
    for s in sections {
        out.push_str(&format!("{}. {}\n\n", s.number, s.heading));
        for b in &s.blocks {
            match b {
                WrittenBlock::Para(p) => {
                    out.push_str(p);
                    out.push_str("\n\n");
                }
                WrittenBlock::List(items) => {
                    for item in items {
                        out.push_str("- ");
                        out.push_str(item);
                        out.push('\n');
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// A published version's words read back into sections: the stored text is what staff signed,
/// so its page and its PDF are laid out from it, not composed again. A section starts at a
/// line "N. Heading" where N is the next number; a block whose lines all start "- " is a list.
pub fn parse_plain_text(text: &str) -> Vec<Written> {
    let mut out: Vec<Written> = Vec::new();
    for block in text.split("\n\n") {
        let block = block.trim_matches('\n');
        if block.is_empty() {
            continue;
        }
        let next = out.len() + 1;
        if let Some(heading) = block.strip_prefix(&format!("{next}. "))
            && !block.contains('\n')
        {
            out.push(Written {
                number: next,
                heading: heading.to_string(),
                blocks: Vec::new(),
            });
            continue;
        }
        let Some(section) = out.last_mut() else {
            // Words before the first heading: kept, under a heading of their own.
            out.push(Written {
                number: 0,
                heading: String::new(),
                blocks: vec![WrittenBlock::Para(block.to_string())],
            });
            continue;
        };
        let lines: Vec<&str> = block.lines().collect();
        if lines.iter().all(|l| l.starts_with("- ")) {
            section.blocks.push(WrittenBlock::List(
                lines.iter().map(|l| l[2..].to_string()).collect(),
            ));
        } else {
            section.blocks.push(WrittenBlock::Para(block.to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeward_domain::missing_policy::{Facts, compose, example};
    use homeward_domain::organisation::{Nation, ServiceKind};

    fn facts(nation: Nation, kind: ServiceKind) -> Facts {
        example(nation, kind)
    }

    /// Every policy Homeward can write, in both languages, says every sentence in words:
    /// no message id left showing, nothing unfilled.
    #[test]
    fn every_nation_kind_and_language_is_written_in_full() {
        for nation in Nation::ALL {
            for kind in ServiceKind::ALL {
                for locale in [Locale::English, Locale::Welsh] {
                    let text = plain_text(&write(&compose(&facts(nation, kind)), locale));
                    assert!(
                        !text.contains("policy-"),
                        "{nation:?} {kind:?} {locale:?}:\n{text}"
                    );
                    assert!(
                        !text.contains("duty-"),
                        "{nation:?} {kind:?} {locale:?}:\n{text}"
                    );
                    assert!(
                        !text.contains('{'),
                        "{nation:?} {kind:?} {locale:?}:\n{text}"
                    );
                    assert!(text.contains("Siân Evans"));
                    assert!(text.contains("South Wales Police"));
                }
            }
        }
    }

    #[test]
    fn the_police_timeline_reads_from_the_settings_in_both_languages() {
        let mut f = facts(Nation::Wales, ServiceKind::HomeCare);
        f.duties.report_after_minutes = 45;
        let en = plain_text(&write(&compose(&f), Locale::English));
        assert!(
            en.contains("within 45 minutes, staff call South Wales Police"),
            "{en}"
        );
        let cy = plain_text(&write(&compose(&f), Locale::Welsh));
        assert!(
            cy.contains("o fewn 45 munud, mae staff yn ffonio South Wales Police"),
            "{cy}"
        );
        f.duties.report_after_minutes = 2;
        let cy = plain_text(&write(&compose(&f), Locale::Welsh));
        assert!(cy.contains("o fewn 2 funud"), "{cy}");
    }

    /// Every policy Homeward writes reads back from its text as it was written: the page and
    /// PDF of a published version show the same sections, paragraphs and lists.
    #[test]
    fn every_written_policy_reads_back_from_its_text() {
        for nation in Nation::ALL {
            for kind in ServiceKind::ALL {
                for locale in [Locale::English, Locale::Welsh] {
                    let mut f = facts(nation, kind);
                    f.own.push(homeward_domain::missing_policy::OwnSection {
                        after: "immediate".into(),
                        heading: "Our own arrangements".into(),
                        text: "First paragraph.\n\n- a list\n- of two\n\n- A line that looks like a list\nand one that does not".into(),
                        ..Default::default()
                    });
                    let written = write(&compose(&f), locale);
                    assert_eq!(
                        parse_plain_text(&plain_text(&written)),
                        written,
                        "{nation:?} {kind:?} {locale:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_own_section_reads_in_welsh_where_the_organisation_wrote_it_and_in_english_otherwise() {
        let mut f = facts(Nation::Wales, ServiceKind::HomeCare);
        f.own.push(homeward_domain::missing_policy::OwnSection {
            after: "review".into(),
            heading: "Keys".into(),
            text: "The coordinator keeps the codes.".into(),
            heading_cy: "Allweddi".into(),
            text_cy: String::new(),
        });
        f.own.push(homeward_domain::missing_policy::OwnSection {
            after: "review".into(),
            heading: "Pets".into(),
            text: "A neighbour feeds the cat.".into(),
            ..Default::default()
        });
        let cy = plain_text(&write(&compose(&f), Locale::Welsh));
        assert!(
            cy.contains(". Allweddi\n\nThe coordinator keeps the codes."),
            "{cy}"
        );
        assert!(cy.contains(". Pets\n\nA neighbour feeds the cat."), "{cy}");
        let en = plain_text(&write(&compose(&f), Locale::English));
        assert!(en.contains(". Keys\n\n"), "{en}");
        assert!(!en.contains("Allweddi"), "{en}");
    }

    #[test]
    fn duties_are_listed_together_with_their_sources() {
        let text = plain_text(&write(
            &compose(&facts(Nation::England, ServiceKind::ChildrensHome)),
            Locale::English,
        ));
        assert!(text.contains("- Report to police: Care staff"), "{text}");
        assert!(text.contains("- Offer a return interview"), "{text}");
    }
}
