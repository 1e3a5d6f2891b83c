//! PDFs. The content of each document is decided elsewhere (the application chooses what may
//! be shared and the catalogue supplies every word); this crate only lays it out, with typst
//! and fonts compiled into the binary, so nothing is fetched when a pack is made.

use std::sync::OnceLock;
use typst::foundations::{Array, Bytes, Dict, IntoValue, Str, Value};
use typst_as_lib::TypstEngine;

static POLICE_PACK: &str = include_str!("../templates/police_pack.typ");

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

/// The engine is built once: loading the embedded fonts is the slow part.
fn engine() -> &'static TypstEngine<typst_as_lib::TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<typst_as_lib::TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .main_file(POLICE_PACK)
            .fonts(typst_assets::fonts())
            .build()
    })
}

/// Typesets the pack, or any document of the same shape (an episode's chronology is one:
/// a heading, key facts, then titled rows). CPU-bound (tens of milliseconds): call it off the
/// async runtime.
pub fn police_pack(pack: &PolicePack) -> Result<Vec<u8>, ReportError> {
    let doc: typst_layout::PagedDocument = engine()
        .compile_with_input(pack.inputs())
        .output
        .map_err(|e| ReportError::Typeset(format!("{e:?}")))?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|e| ReportError::Pdf(format!("{e:?}")))
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
}
