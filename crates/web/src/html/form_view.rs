//! Between form definitions and pages: turns a section's definition and values (saved, or as
//! just submitted) into fields a template renders, and a submitted form back into the
//! engine's raw input. Every form in Homeward is drawn by this one piece of code.

use super::FormErrors;
use crate::i18n::Tr;
use homeward_domain::forms::{
    DocKind, FieldDef, FieldKind, Part, RawSection, SectionData, SectionDef,
};
use std::collections::BTreeMap;

/// Submitted values by input name, as a form sends them (several for checkboxes).
type RawFields = BTreeMap<String, Vec<String>>;
/// Submitted group items by group id.
type RawGroups = BTreeMap<String, Vec<RawFields>>;

pub struct OptionView {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// The two answers to "which 01:30?" in the October hour that happens twice, with the one
/// already chosen (a correction of such an entry arrives with its choice ticked).
pub fn fold_options(t: Tr, id: &str, chosen: &str) -> Vec<OptionView> {
    [("bst", "time-fold-bst"), ("gmt", "time-fold-gmt")]
        .iter()
        .map(|(value, label)| OptionView {
            id: format!("{id}-fold-{value}"),
            value: (*value).into(),
            label: t.get(label),
            checked: chosen == *value,
        })
        .collect()
}

pub struct FieldView {
    /// The HTML id, which is also the path the error summary links to.
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: String,
    /// text, textarea, number, date, select, radios or checkboxes.
    pub kind: &'static str,
    pub value: String,
    pub day: String,
    pub month: String,
    pub year: String,
    pub options: Vec<OptionView>,
    pub error: Option<String>,
    pub width: &'static str,
    /// For a time: ask which of October's two 1 o'clocks it was.
    pub fold: bool,
}

pub struct ItemView {
    pub heading: String,
    pub number: usize,
    pub existing: bool,
    pub remove_name: String,
    pub remove_id: String,
    pub fields: Vec<FieldView>,
}

pub struct GroupView {
    pub id: String,
    pub legend: String,
    pub error: Option<String>,
    pub items: Vec<ItemView>,
}

pub enum PartView {
    Field(FieldView),
    Group(GroupView),
}

impl PartView {
    pub fn field(&self) -> Option<&FieldView> {
        match self {
            PartView::Field(f) => Some(f),
            PartView::Group(_) => None,
        }
    }
    pub fn group(&self) -> Option<&GroupView> {
        match self {
            PartView::Group(g) => Some(g),
            PartView::Field(_) => None,
        }
    }
}

/// The message id of a section's title.
pub fn section_label(kind: DocKind, section: &str) -> String {
    format!("form-{}-{section}", kind.code())
}

fn label_id(kind: DocKind, section: &str, group: Option<&str>, field: &str) -> String {
    match group {
        Some(g) => format!("form-{}-{section}-{g}-{field}", kind.code()),
        None => format!("form-{}-{section}-{field}", kind.code()),
    }
}

/// Where the values come from: what was saved, or what the user just sent (so a form with
/// errors shows exactly what they typed).
pub enum Values<'a> {
    Saved(Option<&'a SectionData>),
    Submitted(&'a RawSection),
}

fn options(t: Tr, id: &str, codes: &[&str], chosen: &[&str]) -> Vec<OptionView> {
    codes
        .iter()
        .enumerate()
        .map(|(i, code)| OptionView {
            id: if i == 0 {
                id.to_string()
            } else {
                format!("{id}-{code}")
            },
            value: (*code).to_string(),
            label: t.get(&format!("option-{code}")),
            checked: chosen.contains(code),
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn field_view(
    t: Tr,
    kind: DocKind,
    section: &str,
    group: Option<&str>,
    def: &FieldDef,
    name: String,
    raw: &BTreeMap<String, Vec<String>>,
    errors: &FormErrors,
) -> FieldView {
    let one = |key: &str| {
        raw.get(key)
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_default()
    };
    let label_key = label_id(kind, section, group, def.id);
    let hint_key = label_key.replacen("form-", "hint-", 1);
    let mut view = FieldView {
        error: errors.for_field(&name).map(str::to_string),
        id: name.clone(),
        label: t.get(&label_key),
        hint: t.get_or(&hint_key, ""),
        kind: "text",
        value: one(def.id),
        day: String::new(),
        month: String::new(),
        year: String::new(),
        options: Vec::new(),
        width: "hw-input--full",
        fold: false,
        name,
    };
    match def.kind {
        FieldKind::Text(max) => {
            view.width = if max <= 60 {
                "hw-input--20"
            } else {
                "hw-input--full"
            }
        }
        FieldKind::LongText(_) => view.kind = "textarea",
        FieldKind::TimeOfDay => view.width = "hw-input--5",
        FieldKind::Number { .. } => {
            view.kind = "number";
            view.width = "hw-input--5";
        }
        FieldKind::Date(_) => {
            view.kind = "date";
            view.day = one(&format!("{}-day", def.id));
            view.month = one(&format!("{}-month", def.id));
            view.year = one(&format!("{}-year", def.id));
        }
        FieldKind::Choice(codes) => {
            view.kind = if codes.len() > 4 { "select" } else { "radios" };
            view.options = options(t, &view.id, codes, &[view.value.as_str()]);
        }
        FieldKind::YesNo => {
            view.kind = "radios";
            view.options = options(t, &view.id, &["yes", "no"], &[view.value.as_str()]);
        }
        FieldKind::MultiChoice(codes) => {
            view.kind = "checkboxes";
            let chosen: Vec<&str> = raw
                .get(def.id)
                .map(|v| v.iter().map(String::as_str).collect())
                .unwrap_or_default();
            view.options = options(t, &view.id, codes, &chosen);
        }
    }
    view
}

/// Saved values in the shape of a submission, so one path renders both.
fn as_raw(fields: &BTreeMap<String, String>, defs: &[FieldDef]) -> BTreeMap<String, Vec<String>> {
    let mut raw = BTreeMap::new();
    for def in defs {
        let Some(value) = fields.get(def.id) else {
            continue;
        };
        match def.kind {
            FieldKind::Date(_) => {
                if let Ok(d) = value.parse::<jiff::civil::Date>() {
                    raw.insert(format!("{}-day", def.id), vec![d.day().to_string()]);
                    raw.insert(format!("{}-month", def.id), vec![d.month().to_string()]);
                    raw.insert(format!("{}-year", def.id), vec![d.year().to_string()]);
                }
            }
            FieldKind::MultiChoice(_) => {
                raw.insert(
                    def.id.to_string(),
                    value.split(',').map(str::to_string).collect(),
                );
            }
            _ => {
                raw.insert(def.id.to_string(), vec![value.clone()]);
            }
        }
    }
    raw
}

fn single_fields(def: &SectionDef) -> Vec<FieldDef> {
    def.parts
        .iter()
        .filter_map(|p| {
            if let Part::Field(f) = p {
                Some(*f)
            } else {
                None
            }
        })
        .collect()
}

/// The parts of a section as the page shows them. Groups show their items and one empty item
/// to add another.
pub fn section_view(
    t: Tr,
    kind: DocKind,
    def: &SectionDef,
    values: Values<'_>,
    errors: &FormErrors,
) -> Vec<PartView> {
    let (fields, groups): (RawFields, RawGroups) = match values {
        Values::Submitted(raw) => (raw.fields.clone(), raw.groups.clone()),
        Values::Saved(data) => {
            let empty = SectionData::default();
            let data = data.unwrap_or(&empty);
            let fields = as_raw(&data.fields, &single_fields(def));
            let mut groups = BTreeMap::new();
            for part in def.parts {
                if let Part::Group(g) = part {
                    let items = data.groups.get(g.id).map(Vec::as_slice).unwrap_or(&[]);
                    groups.insert(
                        g.id.to_string(),
                        items.iter().map(|i| as_raw(i, g.fields)).collect(),
                    );
                }
            }
            (fields, groups)
        }
    };
    def.parts
        .iter()
        .map(|part| match part {
            Part::Field(f) => PartView::Field(field_view(
                t,
                kind,
                def.id,
                None,
                f,
                f.id.to_string(),
                &fields,
                errors,
            )),
            Part::Group(g) => {
                let mut raw_items: Vec<BTreeMap<String, Vec<String>>> =
                    groups.get(g.id).cloned().unwrap_or_default();
                let existing = raw_items.len();
                if raw_items.len() < g.max_items {
                    raw_items.push(BTreeMap::new());
                }
                let legend_key = label_id(kind, def.id, None, g.id);
                let legend = t.get(&legend_key);
                let items = raw_items
                    .iter()
                    .enumerate()
                    .map(|(i, raw)| {
                        let n = i + 1;
                        ItemView {
                            heading: format!("{legend} {n}"),
                            number: n,
                            existing: i < existing,
                            remove_name: format!("{}-{n}-_remove", g.id),
                            remove_id: format!("{}-{n}-remove", g.id),
                            fields: g
                                .fields
                                .iter()
                                .map(|f| {
                                    let name = format!("{}-{n}-{}", g.id, f.id);
                                    let mut v = field_view(
                                        t,
                                        kind,
                                        def.id,
                                        Some(g.id),
                                        f,
                                        name.clone(),
                                        raw,
                                        errors,
                                    );
                                    // Inputs of a group item are named after the item.
                                    v.name = name;
                                    v
                                })
                                .collect(),
                        }
                    })
                    .collect();
                PartView::Group(GroupView {
                    id: g.id.to_string(),
                    legend,
                    error: errors.for_field(g.id).map(str::to_string),
                    items,
                })
            }
        })
        .collect()
}

/// A submitted form back into the engine's raw input. Names are `field`, `field-day`…, and
/// for group items `group-N-field`, `group-N-field-day`, `group-N-_remove`.
pub fn raw_section(def: &SectionDef, pairs: &[(String, String)]) -> RawSection {
    let group_ids: Vec<&str> = def
        .parts
        .iter()
        .filter_map(|p| {
            if let Part::Group(g) = p {
                Some(g.id)
            } else {
                None
            }
        })
        .collect();
    let mut raw = RawSection::default();
    let mut items: BTreeMap<(String, usize), BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (name, value) in pairs {
        let as_item = group_ids.iter().find_map(|g| {
            let rest = name.strip_prefix(g)?.strip_prefix('-')?;
            let (n, field) = rest.split_once('-')?;
            let n: usize = n.parse().ok().filter(|n| (1..=1000).contains(n))?;
            Some(((g.to_string(), n), field.to_string()))
        });
        match as_item {
            Some((key, field)) => items
                .entry(key)
                .or_default()
                .entry(field)
                .or_default()
                .push(value.clone()),
            None => raw
                .fields
                .entry(name.clone())
                .or_default()
                .push(value.clone()),
        }
    }
    for ((group, _), item) in items {
        raw.groups.entry(group).or_default().push(item);
    }
    raw
}

/// A saved value as a person reads it (see `Tr::value`).
pub fn display(t: Tr, def: &FieldDef, value: &str) -> String {
    t.value(def, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeward_domain::forms::schemas::PROFILE;

    #[test]
    fn submitted_pairs_become_fields_and_group_items_in_order() {
        let health = PROFILE.section("health").unwrap();
        let pairs: Vec<(String, String)> = [
            ("conditions", "Asthma"),
            ("medication-2-name", "Second"),
            ("medication-1-name", "First"),
            ("medication-1-dose", "1 tablet"),
            ("medication-x-name", "ignored as a field"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let raw = raw_section(health, &pairs);
        assert_eq!(raw.fields["conditions"], vec!["Asthma"]);
        let meds = &raw.groups["medication"];
        assert_eq!(meds[0]["name"], vec!["First"]);
        assert_eq!(meds[1]["name"], vec!["Second"]);
        assert!(raw.fields.contains_key("medication-x-name"));
    }
}
