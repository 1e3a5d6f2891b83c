//! PDFs. The content of each document is decided elsewhere (the application chooses what may
//! be shared and the catalogue supplies every word); this crate only lays it out, with typst
//! and fonts compiled into the binary, so nothing is fetched when a pack is made.

use std::sync::OnceLock;
use typst::foundations::{Array, Bytes, Dict, IntoValue, Str, Value};
use typst_as_lib::TypstEngine;

static POLICE_PACK: &str = include_str!("../templates/police_pack.typ");
static POLICY: &str = include_str!("../templates/policy.typ");

/// One block of the pack: a title and label/value rows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub rows: Vec<(String, String)>,
}

/// Everything on a police pack, already translated and filtered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicePack {
    /// "en" or "cy": hyphenation and quotes follow it.
    pub lang: String,
    pub title: String,
    /// The protective marking, for example "OFFICIAL-SENSITIVE: personal data about a child".
    pub marking: String,
    pub name: String,
    pub subtitle: String,
    pub key_rows: Vec<(String, String)>,
    /// Whether the document has a photo column at all (a pack does; a chronology does not).
    pub show_photo: bool,
    pub photo_jpeg: Option<Vec<u8>>,
    pub photo_caption: String,
    pub no_photo: String,
    pub nothing: String,
    pub sections: Vec<Section>,
    pub footer: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("typesetting failed: {0}")]
    Typeset(String),
    #[error("writing the PDF failed: {0}")]
    Pdf(String),
}

fn rows(rows: &[(String, String)]) -> Value {
    rows.iter()
        .map(|(k, v)| {
            Value::Array(Array::from(
                &[
                    Str::from(k.as_str()).into_value(),
                    Str::from(v.as_str()).into_value(),
                ][..],
            ))
        })
        .collect::<Array>()
        .into_value()
}

fn text(s: &str) -> Value {
    Str::from(s).into_value()
}

impl PolicePack {
    fn inputs(&self) -> Dict {
        let mut d = Dict::new();
        d.insert("lang".into(), text(&self.lang));
        d.insert("title".into(), text(&self.title));
        d.insert("marking".into(), text(&self.marking));
        d.insert("name".into(), text(&self.name));
        d.insert("subtitle".into(), text(&self.subtitle));
        d.insert("key_rows".into(), rows(&self.key_rows));
        d.insert(
            "photo".into(),
            match &self.photo_jpeg {
                Some(jpeg) => Bytes::new(jpeg.clone()).into_value(),
                None => Value::None,
            },
        );
        d.insert("show_photo".into(), self.show_photo.into_value());
        d.insert("photo_caption".into(), text(&self.photo_caption));
        d.insert("no_photo".into(), text(&self.no_photo));
        d.insert("nothing".into(), text(&self.nothing));
        d.insert(
            "sections".into(),
            self.sections
                .iter()
                .map(|s| {
                    let mut section = Dict::new();
                    section.insert("title".into(), text(&s.title));
                    section.insert("rows".into(), rows(&s.rows));
                    Value::Dict(section)
                })
                .collect::<Array>()
                .into_value(),
        );
        d.insert("footer".into(), text(&self.footer));
        d
    }
}

/// The engine is built once, with every template: loading the embedded fonts is the slow
/// part.
fn engine() -> &'static TypstEngine {
    static ENGINE: OnceLock<TypstEngine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .with_static_source_file_resolver([
                ("police_pack.typ", POLICE_PACK),
                ("policy.typ", POLICY),
            ])
            .fonts(typst_assets::fonts())
            .build()
    })
}

fn typeset(template: &str, inputs: Dict) -> Result<Vec<u8>, ReportError> {
    let doc: typst_layout::PagedDocument = engine()
        .compile_with_input(template, inputs)
        .output
        .map_err(|e| ReportError::Typeset(format!("{e:?}")))?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|e| ReportError::Pdf(format!("{e:?}")))
}

/// One section of a policy: a heading, then paragraphs and lists in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyBlock {
    Para(String),
    List(Vec<String>),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicySection {
    pub heading: String,
    pub blocks: Vec<PolicyBlock>,
}

/// A missing policy as a document, already in one language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyDocument {
    pub lang: String,
    pub organisation: String,
    pub title: String,
    /// A PNG, JPEG or WebP: the organisation's logo, at the heading's right.
    pub logo: Option<Vec<u8>>,
    /// The version, who approved it and when, the review date, the content hash.
    pub key_rows: Vec<(String, String)>,
    pub sections: Vec<PolicySection>,
    pub footer: String,
}

/// Typesets a missing policy. CPU-bound: call it off the async runtime.
pub fn policy(doc: &PolicyDocument) -> Result<Vec<u8>, ReportError> {
    let mut d = Dict::new();
    d.insert("lang".into(), text(&doc.lang));
    d.insert("organisation".into(), text(&doc.organisation));
    d.insert("title".into(), text(&doc.title));
    d.insert(
        "logo".into(),
        match &doc.logo {
            Some(bytes) => Bytes::new(bytes.clone()).into_value(),
            None => Value::None,
        },
    );
    d.insert("key_rows".into(), rows(&doc.key_rows));
    d.insert(
        "sections".into(),
        doc.sections
            .iter()
            .map(|s| {
                let mut section = Dict::new();
                section.insert("heading".into(), text(&s.heading));
                section.insert(
                    "blocks".into(),
                    s.blocks
                        .iter()
                        .map(|b| match b {
                            PolicyBlock::Para(p) => text(p),
                            PolicyBlock::List(items) => items
                                .iter()
                                .map(|i| text(i))
                                .collect::<Array>()
                                .into_value(),
                        })
                        .collect::<Array>()
                        .into_value(),
                );
                Value::Dict(section)
            })
            .collect::<Array>()
            .into_value(),
    );
    d.insert("footer".into(), text(&doc.footer));
    typeset("policy.typ", d)
}

/// Typesets the pack, or any document of the same shape (an episode's chronology is one:
/// a heading, key facts, then titled rows). CPU-bound (tens of milliseconds): call it off the
/// async runtime.
pub fn police_pack(pack: &PolicePack) -> Result<Vec<u8>, ReportError> {
    typeset("police_pack.typ", pack.inputs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pack_is_a_pdf_and_markup_in_values_stays_text() {
        let pack = PolicePack {
            lang: "cy".into(),
            title: "Gwybodaeth i’r heddlu".into(),
            name: "Ffion Ffug".into(),
            show_photo: true,
            key_rows: vec![(
                "Dyddiad geni".into(),
                "14 Mawrth 2011 #strong[not markup] $x$".into(),
            )],
            sections: vec![Section {
                title: "Iechyd".into(),
                rows: vec![("Cyflyrau".into(), "Asthma".into())],
            }],
            ..Default::default()
        };
        let pdf = police_pack(&pack).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() > 1000);
    }

    #[test]
    fn a_policy_is_a_pdf_with_lists_and_markup_in_values_stays_text() {
        let doc = PolicyDocument {
            lang: "en".into(),
            organisation: "Cartref #emph[Ltd]".into(),
            title: "Missing from care policy".into(),
            key_rows: vec![("Version".into(), "2".into())],
            sections: vec![PolicySection {
                heading: "1. Purpose".into(),
                blocks: vec![
                    PolicyBlock::Para("Why $x$ matters".into()),
                    PolicyBlock::List(vec!["One".into(), "- Two".into()]),
                ],
            }],
            ..Default::default()
        };
        let pdf = policy(&doc).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
