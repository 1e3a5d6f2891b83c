//! Versioned forms about a person: the information form (Child Information Form, Philomena and
//! Herbert Protocol part 1), the risk assessment and the missing plan.
//!
//! Each form is defined as data ([`schemas`]): sections of fields, some of them repeating
//! groups (medication, contacts, places…). One engine validates what a user submits against
//! the definition and turns it into a [`Document`]; the interface renders every form from the
//! same definitions. A saved document is never changed: each save is a new version.

pub mod review;
pub mod schemas;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The kinds of versioned document kept about a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Profile,
    RiskAssessment,
    MissingPlan,
}

impl DocKind {
    pub const ALL: [DocKind; 3] = [
        DocKind::Profile,
        DocKind::RiskAssessment,
        DocKind::MissingPlan,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocKind::Profile => "profile",
            DocKind::RiskAssessment => "risk_assessment",
            DocKind::MissingPlan => "missing_plan",
        }
    }

    /// How the kind appears in addresses: `/people/{id}/missing-plan/…`.
    pub fn slug(self) -> &'static str {
        match self {
            DocKind::Profile => "profile",
            DocKind::RiskAssessment => "risk-assessment",
            DocKind::MissingPlan => "missing-plan",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    pub fn form(self) -> &'static FormDef {
        match self {
            DocKind::Profile => &schemas::PROFILE,
            DocKind::RiskAssessment => &schemas::RISK_ASSESSMENT,
            DocKind::MissingPlan => &schemas::MISSING_PLAN,
        }
    }
}

/// What sort of value a field holds, and its limits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldKind {
    /// One line of text, at most this many characters.
    Text(usize),
    /// Several lines of text, at most this many characters.
    LongText(usize),
    /// A calendar date entered as day, month and year.
    Date(DateRule),
    /// A whole number within the range, inclusive.
    Number { min: i64, max: i64 },
    /// One of the listed option codes.
    Choice(&'static [&'static str]),
    /// Any of the listed option codes.
    MultiChoice(&'static [&'static str]),
    /// Yes or no.
    YesNo,
    /// A time of day as staff type it (`22:00`, `10pm`), kept as `HH:MM`.
    TimeOfDay,
}

/// Which dates make sense for a date field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateRule {
    /// Today or earlier (a date of birth, when something happened).
    NotFuture,
    /// Today or later (a review date).
    NotPast,
    Any,
}

/// Who a section or field is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppliesTo {
    Everyone,
    Children,
    Adults,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldDef {
    pub id: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

/// A repeating group of fields: one item per medication, contact, place…
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GroupDef {
    pub id: &'static str,
    pub fields: &'static [FieldDef],
    pub max_items: usize,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Part {
    Field(FieldDef),
    Group(GroupDef),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SectionDef {
    pub id: &'static str,
    pub applies_to: AppliesTo,
    pub parts: &'static [Part],
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FormDef {
    pub kind: DocKind,
    pub sections: &'static [SectionDef],
}

impl FormDef {
    pub fn section(&self, id: &str) -> Option<&'static SectionDef> {
        self.sections.iter().find(|s| s.id == id)
    }
}

/// One group item: field id to normalised value.
pub type Item = BTreeMap<String, String>;

/// A section's saved content. Values are normalised strings: dates as `YYYY-MM-DD`, yes/no
/// as `yes`/`no`, choices as option codes, several choices joined by commas.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionData {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, Vec<Item>>,
}

impl SectionData {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.groups.values().all(Vec::is_empty)
    }
}

/// A whole form's content: section id to its data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Document(pub BTreeMap<String, SectionData>);

impl Document {
    pub fn section(&self, id: &str) -> Option<&SectionData> {
        self.0.get(id)
    }

    /// A single field's value, if filled in.
    pub fn value(&self, section: &str, field: &str) -> Option<&str> {
        self.0
            .get(section)?
            .fields
            .get(field)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn items(&self, section: &str, group: &str) -> &[Item] {
        self.0
            .get(section)
            .and_then(|s| s.groups.get(group))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn date(&self, section: &str, field: &str) -> Option<Date> {
        self.value(section, field)?.parse().ok()
    }

    /// This document with one section replaced (or removed when empty).
    pub fn with_section(&self, id: &str, data: SectionData) -> Document {
        let mut next = self.clone();
        if data.is_empty() {
            next.0.remove(id);
        } else {
            next.0.insert(id.to_string(), data);
        }
        next
    }

    /// The sections whose content differs between two versions: the history's "what changed".
    pub fn changed_sections(&self, before: &Document) -> Vec<String> {
        let mut ids: Vec<&String> = self.0.keys().chain(before.0.keys()).collect();
        ids.sort();
        ids.dedup();
        ids.into_iter()
            .filter(|id| self.0.get(*id) != before.0.get(*id))
            .cloned()
            .collect()
    }
}

/// What a user submitted for a section, before checking: `field -> text` for single fields
/// (dates as `field-day`, `field-month`, `field-year`; several choices as repeated values),
/// and for groups `group -> items`, each item `field -> text`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawSection {
    pub fields: BTreeMap<String, Vec<String>>,
    pub groups: BTreeMap<String, Vec<BTreeMap<String, Vec<String>>>>,
}

impl RawSection {
    /// The raw form of a section given in its saved shape (as the API takes it): dates as
    /// `YYYY-MM-DD`, several choices joined by commas. Names the form does not have are
    /// problems, so a misspelt field is reported rather than quietly dropped.
    pub fn from_saved(def: &SectionDef, data: &SectionData) -> Result<RawSection, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut raw = RawSection::default();
        let unknown = |path: String| Problem {
            path,
            message: "error-field-unknown",
        };
        for (id, value) in &data.fields {
            match def.parts.iter().find_map(|p| match p {
                Part::Field(f) if f.id == id => Some(f),
                _ => None,
            }) {
                Some(field) => {
                    if let Err(message) = put_saved(&mut raw.fields, field, value) {
                        problems.push(Problem {
                            path: id.clone(),
                            message,
                        });
                    }
                }
                None => problems.push(unknown(id.clone())),
            }
        }
        for (id, items) in &data.groups {
            let Some(group) = def.parts.iter().find_map(|p| match p {
                Part::Group(g) if g.id == id => Some(g),
                _ => None,
            }) else {
                problems.push(unknown(id.clone()));
                continue;
            };
            let mut raw_items = Vec::new();
            for (n, item) in items.iter().enumerate() {
                let mut raw_item = BTreeMap::new();
                for (fid, value) in item {
                    match group.fields.iter().find(|f| f.id == fid) {
                        Some(field) => {
                            if let Err(message) = put_saved(&mut raw_item, field, value) {
                                problems.push(Problem {
                                    path: format!("{id}-{}-{fid}", n + 1),
                                    message,
                                });
                            }
                        }
                        None => problems.push(unknown(format!("{id}-{}-{fid}", n + 1))),
                    }
                }
                raw_items.push(raw_item);
            }
            raw.groups.insert(id.clone(), raw_items);
        }
        if problems.is_empty() {
            Ok(raw)
        } else {
            Err(problems)
        }
    }
}

fn put_saved(
    raw: &mut BTreeMap<String, Vec<String>>,
    field: &FieldDef,
    value: &str,
) -> Result<(), &'static str> {
    match field.kind {
        FieldKind::Date(_) => {
            let parts: Vec<&str> = value.trim().splitn(3, '-').collect();
            let [y, m, d] = parts.as_slice() else {
                return Err("error-date-iso");
            };
            for (suffix, part) in [("day", d), ("month", m), ("year", y)] {
                raw.insert(format!("{}-{suffix}", field.id), vec![part.to_string()]);
            }
        }
        FieldKind::MultiChoice(_) => {
            raw.insert(
                field.id.to_string(),
                value.split(',').map(str::to_string).collect(),
            );
        }
        _ => {
            raw.insert(field.id.to_string(), vec![value.to_string()]);
        }
    }
    Ok(())
}

/// A problem with one field. `path` names it as the page does (`medication-2-name`), so the
/// error summary can link to it; `message` is a message id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: &'static str,
}

fn first(values: Option<&Vec<String>>) -> String {
    values
        .and_then(|v| v.first())
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// Checks one field's submitted text; `Ok(None)` when it was left empty.
fn check_field(
    field: &FieldDef,
    raw: &BTreeMap<String, Vec<String>>,
    path: &str,
    today: Date,
) -> Result<Option<String>, Problem> {
    let problem = |message| Problem {
        path: path.to_string(),
        message,
    };
    let value = match field.kind {
        FieldKind::Date(rule) => {
            let part = |p: &str| first(raw.get(&format!("{}-{p}", field.id)));
            let (d, m, y) = (part("day"), part("month"), part("year"));
            if d.is_empty() && m.is_empty() && y.is_empty() {
                None
            } else {
                let date = parse_date(&d, &m, &y).map_err(problem)?;
                match rule {
                    DateRule::NotFuture if date > today => {
                        return Err(problem("error-date-future"));
                    }
                    DateRule::NotPast if date < today => return Err(problem("error-date-past")),
                    _ => {}
                }
                Some(date.to_string())
            }
        }
        FieldKind::MultiChoice(options) => {
            let chosen: Vec<String> = raw
                .get(field.id)
                .map(|v| {
                    v.iter()
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            if chosen.iter().any(|c| !options.contains(&c.as_str())) {
                return Err(problem("error-choice-unknown"));
            }
            // Kept in the definition's order, once each, whatever order they came in.
            let ordered: Vec<&str> = options
                .iter()
                .copied()
                .filter(|o| chosen.iter().any(|c| c == o))
                .collect();
            (!ordered.is_empty()).then(|| ordered.join(","))
        }
        _ => {
            let text = first(raw.get(field.id));
            if text.is_empty() {
                None
            } else {
                Some(check_text(field.kind, &text).map_err(problem)?)
            }
        }
    };
    match value {
        None if field.required => Err(problem("error-required")),
        other => Ok(other),
    }
}

fn check_text(kind: FieldKind, text: &str) -> Result<String, &'static str> {
    use crate::text::{Shape, problem};
    match kind {
        FieldKind::Text(max) => match problem(text, Shape::Line, max) {
            Some(p) => Err(p),
            None => Ok(text.to_string()),
        },
        FieldKind::LongText(max) => match problem(text, Shape::Lines, max) {
            Some(p) => Err(p),
            None => Ok(text.replace("\r\n", "\n")),
        },
        FieldKind::Number { min, max } => {
            let n: i64 = text.replace(',', "").parse().map_err(|_| "error-number")?;
            if n < min || n > max {
                Err("error-number-range")
            } else {
                Ok(n.to_string())
            }
        }
        FieldKind::Choice(options) => {
            if options.contains(&text) {
                Ok(text.to_string())
            } else {
                Err("error-choice-unknown")
            }
        }
        FieldKind::YesNo => match text {
            "yes" | "no" => Ok(text.to_string()),
            _ => Err("error-choice-unknown"),
        },
        FieldKind::TimeOfDay => crate::time_entry::parse_time(text)
            .map(|(h, m)| format!("{h:02}:{m:02}"))
            .map_err(|_| "error-time-invalid"),
        FieldKind::Date(_) | FieldKind::MultiChoice(_) => Err("error-choice-unknown"),
    }
}

/// A date from the GOV.UK three-box pattern. Accepts month names' numbers only, and two-digit
/// years are refused rather than guessed (is "10" 1910 or 2010?).
pub fn parse_date(day: &str, month: &str, year: &str) -> Result<Date, &'static str> {
    if day.is_empty() || month.is_empty() || year.is_empty() {
        return Err("error-date-incomplete");
    }
    let d: i8 = day.parse().map_err(|_| "error-date-invalid")?;
    let m: i8 = month.parse().map_err(|_| "error-date-invalid")?;
    if year.len() != 4 {
        return Err("error-date-year");
    }
    let y: i16 = year.parse().map_err(|_| "error-date-invalid")?;
    if !(1870..=2200).contains(&y) {
        return Err("error-date-invalid");
    }
    Date::new(y, m, d).map_err(|_| "error-date-invalid")
}

/// Checks a submitted section against its definition. Empty group items (a blank "add
/// another" row) are dropped; items marked for removal (`_remove`) are dropped.
pub fn check_section(
    def: &SectionDef,
    raw: &RawSection,
    today: Date,
) -> Result<SectionData, Vec<Problem>> {
    let mut data = SectionData::default();
    let mut problems = Vec::new();
    for part in def.parts {
        match part {
            Part::Field(field) => match check_field(field, &raw.fields, field.id, today) {
                Ok(Some(v)) => {
                    data.fields.insert(field.id.to_string(), v);
                }
                Ok(None) => {}
                Err(p) => problems.push(p),
            },
            Part::Group(group) => {
                let mut items = Vec::new();
                for (n, raw_item) in raw
                    .groups
                    .get(group.id)
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    let removing = raw_item
                        .get("_remove")
                        .is_some_and(|v| v.iter().any(|x| x == "yes"));
                    let blank = raw_item
                        .iter()
                        .filter(|(k, _)| !k.starts_with('_'))
                        .all(|(_, v)| v.iter().all(|s| s.trim().is_empty()));
                    if removing || blank {
                        continue;
                    }
                    let mut item = Item::new();
                    for field in group.fields {
                        let path = format!("{}-{}-{}", group.id, n + 1, field.id);
                        match check_field(field, raw_item, &path, today) {
                            Ok(Some(v)) => {
                                item.insert(field.id.to_string(), v);
                            }
                            Ok(None) => {}
                            Err(p) => problems.push(p),
                        }
                    }
                    items.push(item);
                }
                if items.len() > group.max_items {
                    problems.push(Problem {
                        path: group.id.to_string(),
                        message: "error-too-many",
                    });
                }
                if !items.is_empty() {
                    data.groups.insert(group.id.to_string(), items);
                }
            }
        }
    }
    // One problem per field: a field already wrong is not also reported by a wider rule.
    for p in schemas::cross_field_rules(def.id, &data) {
        if !problems.iter().any(|q| q.path == p.path) {
            problems.push(p);
        }
    }
    if problems.is_empty() {
        Ok(data)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn raw(fields: &[(&str, &str)]) -> RawSection {
        let mut r = RawSection::default();
        for (k, v) in fields {
            r.fields
                .entry(k.to_string())
                .or_default()
                .push(v.to_string());
        }
        r
    }

    const TODAY: Date = date(2026, 11, 23);

    #[test]
    fn dates_follow_the_three_box_pattern() {
        assert_eq!(parse_date("29", "2", "2012"), Ok(date(2012, 2, 29)));
        assert_eq!(parse_date("29", "2", "2013"), Err("error-date-invalid"));
        assert_eq!(parse_date("1", "13", "2013"), Err("error-date-invalid"));
        assert_eq!(parse_date("1", "1", "13"), Err("error-date-year"));
        assert_eq!(parse_date("", "1", "2013"), Err("error-date-incomplete"));
        assert_eq!(parse_date("a", "1", "2013"), Err("error-date-invalid"));
    }

    #[test]
    fn about_needs_names_and_a_birth_date_or_an_age() {
        let about = schemas::PROFILE.section("about").unwrap();
        let err = check_section(about, &raw(&[]), TODAY).unwrap_err();
        let paths: Vec<&str> = err.iter().map(|p| p.path.as_str()).collect();
        assert!(
            paths.contains(&"given_name")
                && paths.contains(&"family_name")
                && paths.contains(&"date_of_birth")
        );
        let ok = check_section(
            about,
            &raw(&[
                ("given_name", "Ffion"),
                ("family_name", "Ffug"),
                ("estimated_age", "14"),
                ("kind", "child"),
            ]),
            TODAY,
        )
        .unwrap();
        assert_eq!(ok.fields["estimated_age"], "14");
    }

    #[test]
    fn a_birth_date_in_the_future_is_refused() {
        let about = schemas::PROFILE.section("about").unwrap();
        let err = check_section(
            about,
            &raw(&[
                ("given_name", "A"),
                ("family_name", "B"),
                ("kind", "child"),
                ("date_of_birth-day", "1"),
                ("date_of_birth-month", "1"),
                ("date_of_birth-year", "2030"),
            ]),
            TODAY,
        )
        .unwrap_err();
        assert_eq!(
            err,
            vec![Problem {
                path: "date_of_birth".into(),
                message: "error-date-future"
            }]
        );
    }

    #[test]
    fn an_impossible_height_is_refused() {
        let description = schemas::PROFILE.section("description").unwrap();
        let err = check_section(description, &raw(&[("height_cm", "400")]), TODAY).unwrap_err();
        assert_eq!(err[0].message, "error-number-range");
        let ok = check_section(description, &raw(&[("height_cm", "162")]), TODAY).unwrap();
        assert_eq!(ok.fields["height_cm"], "162");
    }

    #[test]
    fn a_review_date_in_the_past_is_refused() {
        let review = schemas::PROFILE.section("review").unwrap();
        let err = check_section(
            review,
            &raw(&[
                ("next_review_date-day", "1"),
                ("next_review_date-month", "1"),
                ("next_review_date-year", "2026"),
            ]),
            TODAY,
        )
        .unwrap_err();
        assert_eq!(err[0].message, "error-date-past");
    }

    #[test]
    fn group_items_drop_blanks_and_removals_and_check_the_rest() {
        let health = schemas::PROFILE.section("health").unwrap();
        let mut r = RawSection::default();
        let item = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
                .collect::<BTreeMap<_, _>>()
        };
        r.groups.insert(
            "medication".into(),
            vec![
                item(&[
                    ("name", "Salbutamol inhaler"),
                    ("dose", "2 puffs"),
                    ("missed_dose_effect", "Breathless"),
                ]),
                item(&[("name", ""), ("dose", "")]),
                item(&[("name", "Old"), ("_remove", "yes")]),
                item(&[("dose", "5 mg")]),
            ],
        );
        let err = check_section(health, &r, TODAY).unwrap_err();
        assert_eq!(
            err,
            vec![Problem {
                path: "medication-4-name".into(),
                message: "error-required"
            }]
        );
        r.groups.get_mut("medication").unwrap().pop();
        let ok = check_section(health, &r, TODAY).unwrap();
        assert_eq!(ok.groups["medication"].len(), 1);
    }

    #[test]
    fn a_contact_who_must_not_be_told_needs_a_reason() {
        let contacts = schemas::PROFILE.section("contacts").unwrap();
        let mut r = RawSection::default();
        let mut item = BTreeMap::new();
        for (k, v) in [
            ("role", "parent"),
            ("name", "A Parent"),
            ("must_not_be_told", "yes"),
        ] {
            item.insert(k.to_string(), vec![v.to_string()]);
        }
        r.groups.insert("contact".into(), vec![item]);
        let err = check_section(contacts, &r, TODAY).unwrap_err();
        assert_eq!(err[0].path, "contact-1-not_told_reason");
    }

    #[test]
    fn several_choices_keep_the_definitions_order() {
        let risks = schemas::PROFILE.section("risks").unwrap();
        let mut r = RawSection::default();
        r.fields
            .insert("indicators".into(), vec!["self_harm".into(), "cse".into()]);
        assert_eq!(
            check_section(risks, &r, TODAY).unwrap().fields["indicators"],
            "cse,self_harm"
        );
        r.fields
            .insert("indicators".into(), vec!["wizardry".into()]);
        assert!(check_section(risks, &r, TODAY).is_err());
    }

    #[test]
    fn the_saved_shape_is_checked_like_a_form() {
        let health = schemas::PROFILE.section("health").unwrap();
        let mut data = SectionData::default();
        data.groups.insert(
            "medication".into(),
            vec![
                [
                    ("name".to_string(), "Insulin".to_string()),
                    ("colour".to_string(), "red".to_string()),
                ]
                .into(),
            ],
        );
        data.fields.insert("blood_group".into(), "O".into());
        let err = RawSection::from_saved(health, &data).unwrap_err();
        let paths: Vec<&str> = err.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, vec!["blood_group", "medication-1-colour"]);
        assert!(err.iter().all(|p| p.message == "error-field-unknown"));

        let about = schemas::PROFILE.section("about").unwrap();
        let mut data = SectionData::default();
        for (k, v) in [
            ("given_name", "Ffion"),
            ("family_name", "Ffug"),
            ("kind", "child"),
        ] {
            data.fields.insert(k.into(), v.into());
        }
        data.fields
            .insert("date_of_birth".into(), "2012-02-30".into());
        let raw = RawSection::from_saved(about, &data).unwrap();
        let err = check_section(about, &raw, TODAY).unwrap_err();
        assert_eq!(err[0].message, "error-date-invalid");
        data.fields
            .insert("date_of_birth".into(), "23/11/2012".into());
        let err = RawSection::from_saved(about, &data).unwrap_err();
        assert_eq!(err[0].message, "error-date-iso");
        data.fields
            .insert("date_of_birth".into(), "2012-02-29".into());
        let raw = RawSection::from_saved(about, &data).unwrap();
        assert_eq!(
            check_section(about, &raw, TODAY).unwrap().fields["date_of_birth"],
            "2012-02-29"
        );
    }

    #[test]
    fn documents_record_which_sections_changed() {
        let a = Document::default().with_section(
            "about",
            SectionData {
                fields: [("given_name".into(), "A".into())].into(),
                ..Default::default()
            },
        );
        let b = a.with_section(
            "description",
            SectionData {
                fields: [("hair".into(), "Brown".into())].into(),
                ..Default::default()
            },
        );
        assert_eq!(b.changed_sections(&a), vec!["description".to_string()]);
        assert_eq!(
            b.with_section("description", SectionData::default()),
            a,
            "an emptied section is removed"
        );
    }

    proptest! {
        /// Whatever anyone types into any field of any form, the answer is data or problems,
        /// never a panic, and accepted text stays within its limits.
        #[test]
        fn any_input_gets_an_answer(value in "\\PC{0,300}", day in "[0-9]{0,3}", year in "[0-9]{0,5}") {
            for kind in DocKind::ALL {
                for section in kind.form().sections {
                    let mut r = RawSection::default();
                    for part in section.parts {
                        if let Part::Field(f) = part {
                            r.fields.insert(f.id.to_string(), vec![value.clone()]);
                            r.fields.insert(format!("{}-day", f.id), vec![day.clone()]);
                            r.fields.insert(format!("{}-month", f.id), vec![day.clone()]);
                            r.fields.insert(format!("{}-year", f.id), vec![year.clone()]);
                        }
                    }
                    if let Ok(data) = check_section(section, &r, TODAY) {
                        for v in data.fields.values() {
                            prop_assert!(v.chars().count() <= 4000);
                        }
                        // What was accepted, given back in its saved shape (as the API
                        // takes it), is accepted again unchanged.
                        let again = RawSection::from_saved(section, &data).unwrap();
                        prop_assert_eq!(check_section(section, &again, TODAY), Ok(data));
                    }
                }
            }
        }
    }
}
