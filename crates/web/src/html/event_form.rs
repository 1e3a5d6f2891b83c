//! The chronology forms as fields a template draws; what each kind asks for lives in
//! [`homeward_app::episode_form`].

use super::FormErrors;
use super::form_view::{FieldView, OptionView};
use crate::i18n::Tr;
use homeward_app::episode_form::{Input::*, Values, choice_id, label_id, specs};

/// The fields a template draws for a kind, with the values and errors given.
pub fn views(t: Tr, kind: &str, values: &Values, errors: &FormErrors) -> Vec<FieldView> {
    let value = |name: &str| values.get(name).cloned().unwrap_or_default();
    specs(kind)
        .unwrap_or(&[])
        .iter()
        .filter(|s| !matches!(s.input, Hidden | Key))
        .map(|s| {
            let id = s.name.to_string();
            let options = |choices: &[&str]| -> Vec<OptionView> {
                choices
                    .iter()
                    .map(|o| OptionView {
                        id: format!("{}-{o}", s.name),
                        value: (*o).into(),
                        label: t.get(&choice_id(s.name, o)),
                        checked: value(s.name) == *o,
                    })
                    .collect()
            };
            let (kind_code, options) = match s.input {
                Text => ("text", Vec::new()),
                Long => ("textarea", Vec::new()),
                Choice(c) if c.len() > 4 => ("select", options(c)),
                Choice(c) => ("radios", options(c)),
                YesNo => (
                    "radios",
                    ["yes", "no"]
                        .iter()
                        .map(|o| OptionView {
                            id: format!("{}-{o}", s.name),
                            value: (*o).into(),
                            label: t.get(if *o == "yes" {
                                "option-yes"
                            } else {
                                "option-no"
                            }),
                            checked: value(s.name) == *o,
                        })
                        .collect(),
                ),
                Instant => (
                    "instant",
                    super::form_view::fold_options(
                        t,
                        s.name,
                        values
                            .get(&format!("{}-fold", s.name))
                            .map_or("", String::as_str),
                    ),
                ),
                Hidden | Key => ("instant", Vec::new()),
            };
            let mut label = t.get(&label_id(kind, s.name));
            if !s.required {
                label = t.with("label-optional", "label", &label);
            }
            FieldView {
                id: id.clone(),
                name: id,
                label,
                hint: String::new(),
                kind: kind_code,
                value: value(s.name),
                day: value(&format!("{}-day", s.name)),
                month: value(&format!("{}-month", s.name)),
                year: value(&format!("{}-year", s.name)),
                options,
                error: errors.for_field(s.name).map(str::to_string),
                width: "",
                fold: values.contains_key(&format!("{}-fold", s.name))
                    || errors.for_field(s.name) == Some(&t.get("error-time-fold")),
            }
        })
        .collect()
}
