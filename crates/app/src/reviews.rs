//! The reports an inspection or a review of the quality of care asks for about people
//! missing from care, each in the shape its framework uses: Ofsted's request for information
//! (England), the regulation 45 review (England's children's homes), the quality of care
//! review (Wales) and the Care Inspectorate's self-evaluation (Scotland).
//!
//! The figures are the patterns' own, beside the period before. What the manager makes of
//! them (what is working, what must improve, and in Scotland their own grade) is written
//! when the report is made: it goes into the PDF and the CSV, not into the database, so a
//! draft evaluation can be rewritten and made again until it is right.

use crate::actor::require;
use crate::patterns::{PatternsAsk, PatternsView, Report};
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, FieldError, RequestMeta};
use homeward_domain::organisation::Nation;
use homeward_i18n::Tr;
use homeward_reports::Section;

/// The longest evaluation a manager may write in one box.
const LONGEST_EVALUATION: usize = 10_000;

/// Which report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewKind {
    /// Ofsted's request for information: children missing and away without authorisation.
    AnnexA,
    /// The registered person's six-monthly review of the quality of care (regulation 45 of
    /// the Children's Homes (England) Regulations 2015): its part on children missing.
    Regulation45,
    /// The responsible individual's six-monthly quality of care review (regulation 80 of
    /// the Regulated Services (Service Providers and Responsible Individuals) (Wales)
    /// Regulations 2017): its part on people missing.
    QualityOfCare,
    /// The Care Inspectorate's self-evaluation, graded on its six-point scale.
    SelfEvaluation,
}

impl ReviewKind {
    pub const ALL: [ReviewKind; 4] = [
        ReviewKind::AnnexA,
        ReviewKind::Regulation45,
        ReviewKind::QualityOfCare,
        ReviewKind::SelfEvaluation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReviewKind::AnnexA => "annex_a",
            ReviewKind::Regulation45 => "regulation_45",
            ReviewKind::QualityOfCare => "quality_of_care",
            ReviewKind::SelfEvaluation => "self_evaluation",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    /// The nation whose framework it is.
    pub fn nation(self) -> Nation {
        match self {
            ReviewKind::AnnexA | ReviewKind::Regulation45 => Nation::England,
            ReviewKind::QualityOfCare => Nation::Wales,
            ReviewKind::SelfEvaluation => Nation::Scotland,
        }
    }

    /// The reports for an organisation in this nation, the inspection's first.
    pub fn for_nation(nation: Nation) -> Vec<ReviewKind> {
        Self::ALL
            .into_iter()
            .filter(|k| k.nation() == nation)
            .collect()
    }

    /// Whether the manager writes their evaluation into it.
    pub fn evaluated(self) -> bool {
        self != ReviewKind::AnnexA
    }

    /// Whether the manager grades the service themselves (the Care Inspectorate's scale).
    pub fn graded(self) -> bool {
        self == ReviewKind::SelfEvaluation
    }

    pub fn title(self, t: Tr) -> String {
        t.get(&format!("review-title-{}", self.code()))
    }

    pub(crate) fn audit_action(self) -> &'static str {
        match self {
            ReviewKind::AnnexA => "patterns.inspection_report",
            _ => "patterns.review_report",
        }
    }

    pub(crate) fn csv_audit_action(self) -> &'static str {
        match self {
            ReviewKind::AnnexA => "patterns.inspection_csv",
            _ => "patterns.review_csv",
        }
    }

    /// The counts it asks for: (words, this period, the period before). Return interviews
    /// are counted as the organisation's nation expects them.
    fn counts(self, t: Tr, view: &PatternsView) -> Vec<(String, i64, i64)> {
        let (c, p) = (&view.current, &view.previous);
        let at_risk = |x: &homeward_store::Patterns, code: &str| {
            x.risk_people
                .iter()
                .find(|(k, _)| k == code)
                .map_or(0, |(_, n)| *n)
        };
        let (times, threshold_days) = view.repeat_threshold;
        let mut rows = vec![
            (t.get("inspection-times"), c.episodes, p.episodes),
            (t.get("inspection-children"), c.people, p.people),
            (
                t.get("inspection-cse"),
                at_risk(c, "cse"),
                at_risk(p, "cse"),
            ),
            (
                t.get("inspection-cce"),
                at_risk(c, "cce"),
                at_risk(p, "cce"),
            ),
            (t.get("inspection-repeat"), c.repeat, p.repeat),
            (
                t.args(
                    "inspection-over-threshold",
                    &[
                        ("times", &times.to_string()),
                        ("days", &threshold_days.to_string()),
                    ],
                ),
                c.over_threshold,
                p.over_threshold,
            ),
            (
                t.get("inspection-over-24h"),
                c.over_24_hours,
                p.over_24_hours,
            ),
            (t.get("inspection-reported"), c.reported, p.reported),
        ];
        let nation = view.nation.code();
        match view.nation {
            Nation::England => rows.push((
                t.get("inspection-offered-in-time"),
                c.interview_offered_in_time,
                p.interview_offered_in_time,
            )),
            Nation::Wales | Nation::Scotland => {
                rows.push((
                    t.with(
                        &format!("inspection-expected-{nation}"),
                        "from",
                        &view.interview_from_episode.to_string(),
                    ),
                    c.interview_expected,
                    p.interview_expected,
                ));
                rows.push((
                    t.get(&format!("inspection-expected-offered-{nation}")),
                    c.interview_expected_offered,
                    p.interview_expected_offered,
                ));
            }
        }
        rows.extend([
            (
                t.get(&format!("inspection-held-{nation}")),
                c.interview_held,
                p.interview_held,
            ),
            (
                t.get(&format!("inspection-declined-{nation}")),
                c.interview_declined,
                p.interview_declined,
            ),
            (t.get("inspection-still-away"), c.still_away, p.still_away),
        ]);
        rows
    }

    /// The figures at the top of the PDF, each with the period before; and the manager's
    /// own grade, where the framework has one.
    pub(crate) fn key_rows(
        self,
        t: Tr,
        view: &PatternsView,
        evaluation: &Evaluation,
    ) -> Vec<(String, String)> {
        let mut rows = Vec::new();
        if self.graded()
            && let Some(g) = evaluation.grade
        {
            rows.push((t.get("review-grade"), t.get(&format!("review-grade-{g}"))));
        }
        rows.extend(
            self.counts(t, view)
                .into_iter()
                .map(|(label, now, before)| {
                    (
                        label,
                        t.args(
                            "patterns-report-value",
                            &[("value", &now.to_string()), ("before", &before.to_string())],
                        ),
                    )
                }),
        );
        rows
    }

    /// What comes before the patterns: what the report is for and how it counts, then what
    /// the manager made of the figures.
    pub(crate) fn opening(
        self,
        t: Tr,
        place: &str,
        window: &str,
        evaluation: &Evaluation,
    ) -> Vec<Section> {
        let about = Section {
            title: t.get("review-about"),
            rows: vec![
                (
                    t.args(
                        &format!("review-about-{}", self.code()),
                        &[("place", place), ("window", window)],
                    ),
                    String::new(),
                ),
                (t.get("review-how-counted"), String::new()),
            ],
        };
        let mut out = vec![about];
        if self.evaluated() {
            let written = self.evaluation_sections(t, evaluation);
            if written.is_empty() {
                out.push(Section {
                    title: t.get(&format!("review-evaluation-{}", self.code())),
                    rows: vec![(t.get("review-no-evaluation"), String::new())],
                });
            } else {
                out.extend(written);
            }
        }
        out
    }

    /// Each box the manager filled in, a paragraph to a row.
    fn evaluation_sections(self, t: Tr, evaluation: &Evaluation) -> Vec<Section> {
        [
            ("working-well", &evaluation.working_well),
            ("improve", &evaluation.improve),
        ]
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(which, text)| Section {
            title: t.get(&format!("review-{which}-{}", self.code())),
            rows: text
                .split('\n')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| (l.to_string(), String::new()))
                .collect(),
        })
        .collect()
    }

    /// The same as the PDF's opening, as spreadsheet rows: section, figure, this period,
    /// period before.
    pub(crate) fn csv_rows(
        self,
        t: Tr,
        view: &PatternsView,
        evaluation: &Evaluation,
    ) -> Vec<[String; 4]> {
        let title = self.title(t);
        let mut rows = Vec::new();
        if self.graded()
            && let Some(g) = evaluation.grade
        {
            rows.push([
                title.clone(),
                t.get("review-grade"),
                t.get(&format!("review-grade-{g}")),
                String::new(),
            ]);
        }
        for (label, now, before) in self.counts(t, view) {
            rows.push([title.clone(), label, now.to_string(), before.to_string()]);
        }
        for section in self.evaluation_sections(t, evaluation) {
            for (text, _) in section.rows {
                rows.push([section.title.clone(), text, String::new(), String::new()]);
            }
        }
        rows
    }
}

/// What the manager writes into a review: what is working well, what must improve (and
/// what they will do about it), and in Scotland the grade they give themselves (1
/// unsatisfactory to 6 excellent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evaluation {
    pub working_well: String,
    pub improve: String,
    pub grade: Option<u8>,
}

impl Evaluation {
    /// What is too long or out of range, each naming its field.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        for (field, text) in [
            ("working_well", &self.working_well),
            ("improve", &self.improve),
        ] {
            if text.chars().count() > LONGEST_EVALUATION {
                problems.push(FieldError {
                    field: field.to_string(),
                    message: "error-review-too-long",
                });
            }
        }
        if self.grade.is_some_and(|g| !(1..=6).contains(&g)) {
            problems.push(FieldError {
                field: "grade".into(),
                message: "error-review-grade",
            });
        }
        problems
    }
}

impl App {
    /// An inspection's or review's report as a PDF: what it is for, the manager's evaluation,
    /// its figures beside the period before, then the patterns behind them. Audited.
    pub async fn review_report(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        ask: &PatternsAsk,
        kind: ReviewKind,
        evaluation: &Evaluation,
        locale: homeward_domain::locale::Locale,
    ) -> AppResult<Vec<u8>> {
        self.check_review(actor, kind, evaluation).await?;
        self.report(actor, meta, ask, locale, Report::Review(kind, evaluation))
            .await
    }

    /// The same report as CSV. Audited.
    pub async fn review_csv(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        ask: &PatternsAsk,
        kind: ReviewKind,
        evaluation: &Evaluation,
        locale: homeward_domain::locale::Locale,
    ) -> AppResult<String> {
        self.check_review(actor, kind, evaluation).await?;
        self.csv(actor, meta, ask, locale, Some((kind, evaluation)))
            .await
    }

    /// The reports for the actor's organisation's nation.
    pub async fn review_kinds(&self, actor: &Actor) -> AppResult<Vec<ReviewKind>> {
        Ok(ReviewKind::for_nation(self.nation_of(actor).await?))
    }

    async fn nation_of(&self, actor: &Actor) -> AppResult<Nation> {
        Ok(self
            .fixed_organisation(actor.org_id())
            .await?
            .map(|o| o.nation)
            .unwrap_or(Nation::England))
    }

    /// Only someone who sees the patterns, only their own nation's reports, and nothing
    /// too long or out of range.
    async fn check_review(
        &self,
        actor: &Actor,
        kind: ReviewKind,
        evaluation: &Evaluation,
    ) -> AppResult<()> {
        require(actor, Action::ViewPatterns)?;
        if kind.nation() != self.nation_of(actor).await? {
            return Err(AppError::invalid("kind", "error-review-other-nation"));
        }
        let problems = evaluation.problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeward_domain::locale::Locale;
    use homeward_store::Patterns;

    fn view(nation: Nation) -> PatternsView {
        PatternsView {
            now: "2026-11-29T12:00:00Z".parse().unwrap(),
            current: Patterns {
                episodes: 12,
                people: 4,
                interview_expected: 9,
                interview_expected_offered: 7,
                interview_held: 5,
                interview_offered_in_time: 6,
                risk_people: vec![("cse".into(), 2)],
                ..Patterns::default()
            },
            previous: Patterns {
                episodes: 8,
                ..Patterns::default()
            },
            previous_from: "2025-11-01".parse().unwrap(),
            previous_to: "2026-04-30".parse().unwrap(),
            people: Vec::new(),
            together: Vec::new(),
            shared: Vec::new(),
            nation,
            repeat_threshold: (3, 30),
            interview_from_episode: 3,
            timeline: Vec::new(),
        }
    }

    #[test]
    fn each_nation_has_its_own_reports() {
        assert_eq!(
            ReviewKind::for_nation(Nation::England),
            [ReviewKind::AnnexA, ReviewKind::Regulation45]
        );
        assert_eq!(
            ReviewKind::for_nation(Nation::Wales),
            [ReviewKind::QualityOfCare]
        );
        assert_eq!(
            ReviewKind::for_nation(Nation::Scotland),
            [ReviewKind::SelfEvaluation]
        );
        for kind in ReviewKind::ALL {
            assert_eq!(ReviewKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(ReviewKind::parse("ofsted"), None);
        assert!(!ReviewKind::AnnexA.evaluated());
        assert!(ReviewKind::SelfEvaluation.graded() && !ReviewKind::Regulation45.graded());
    }

    #[test]
    fn scotland_counts_return_discussions_and_carries_the_providers_own_grade() {
        let t = Tr(Locale::English);
        let evaluation = Evaluation {
            working_well:
                "Young people tell us staff look for them.\n\nWe know from the Return Discussions."
                    .into(),
            improve: String::new(),
            grade: Some(5),
        };
        let rows = ReviewKind::SelfEvaluation.key_rows(t, &view(Nation::Scotland), &evaluation);
        assert_eq!(
            rows[0],
            ("Our own grade".to_string(), "5: Very good".to_string())
        );
        let labels: Vec<&str> = rows.iter().map(|(l, _)| l.as_str()).collect();
        assert!(
            labels.contains(&"Times a Return Discussion was expected"),
            "{labels:?}"
        );
        assert!(labels.contains(&"Return Discussions held"), "{labels:?}");
        assert!(!labels.iter().any(|l| l.contains("72 hours")), "{labels:?}");
        let times = rows
            .iter()
            .find(|(l, _)| l.starts_with("Times children were missing"))
            .unwrap();
        assert!(times.1.starts_with("12 (period before: 8"), "{times:?}");
        let csv = ReviewKind::SelfEvaluation.csv_rows(t, &view(Nation::Scotland), &evaluation);
        // Each written line is its own row; the blank line between them is not.
        let written: Vec<&str> = csv
            .iter()
            .filter(|r| r[0] == "What is working well, and how we know")
            .map(|r| r[1].as_str())
            .collect();
        assert_eq!(
            written,
            [
                "Young people tell us staff look for them.",
                "We know from the Return Discussions."
            ]
        );
        // England counts the 72 hours instead, and grades nothing of its own.
        let england = ReviewKind::Regulation45.key_rows(t, &view(Nation::England), &evaluation);
        assert!(
            england
                .iter()
                .any(|(l, v)| l.contains("within 72 hours") && v.starts_with('6'))
        );
        assert!(!england.iter().any(|(l, _)| l == "Our own grade"));
    }

    #[test]
    fn an_evaluation_is_refused_when_too_long_or_off_the_scale() {
        let ok = Evaluation {
            working_well: "a".repeat(LONGEST_EVALUATION),
            improve: String::new(),
            grade: Some(6),
        };
        assert!(ok.problems().is_empty());
        let bad = Evaluation {
            improve: "a".repeat(LONGEST_EVALUATION + 1),
            grade: Some(0),
            ..ok
        };
        let fields: Vec<String> = bad.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["improve", "grade"]);
    }
}
