//! What an operator's monitoring reads at `/metrics` (Prometheus/OpenMetrics text): requests
//! by route and outcome with their time, the paging pass's time and failures, and, read at
//! each scrape, the mail waiting to go and the mail that could not be delivered. Routes are
//! their patterns (`/people/{id}`), never ids; nothing personal is in a label.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

type Labels = Vec<(&'static str, String)>;

/// Request times in seconds: a page should take milliseconds, and a second is too long.
const REQUEST_BUCKETS: [f64; 12] = [
    0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// A paging pass: milliseconds when idle, seconds when it has a lot to send.
const PASS_BUCKETS: [f64; 10] = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 20.0, 60.0];

fn request_histogram() -> Histogram {
    Histogram::new(REQUEST_BUCKETS)
}

pub struct Metrics {
    registry: Registry,
    requests: Family<Labels, Histogram, fn() -> Histogram>,
    pass_seconds: Histogram,
    pass_failures: Counter,
    outbox_waiting: Gauge,
    dead_letters: Gauge,
    commits: Counter,
    committed_writes: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("homeward");
        let requests =
            Family::<Labels, Histogram, fn() -> Histogram>::new_with_constructor(request_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Requests answered, by method, route and status class, and how long each took",
            requests.clone(),
        );
        let pass_seconds = Histogram::new(PASS_BUCKETS);
        registry.register(
            "paging_pass_duration_seconds",
            "How long each pass of paging, escalation and mail took",
            pass_seconds.clone(),
        );
        let pass_failures = Counter::default();
        registry.register(
            "paging_pass_failures",
            "Passes that failed (each is tried again at the next)",
            pass_failures.clone(),
        );
        let outbox_waiting = Gauge::default();
        registry.register(
            "outbox_waiting",
            "Emails waiting to be sent, or to be tried again",
            outbox_waiting.clone(),
        );
        let dead_letters = Gauge::default();
        registry.register(
            "outbox_dead_letters",
            "Emails that could not be delivered after every try and wait for a manager",
            dead_letters.clone(),
        );
        let commits = Counter::default();
        registry.register(
            "shared_commits",
            "Durable commits shared by audited reads and chronology entries (group commit)",
            commits.clone(),
        );
        let committed_writes = Counter::default();
        registry.register(
            "shared_commit_writes",
            "Audited reads and chronology entries made durable by those shared commits",
            committed_writes.clone(),
        );
        Self {
            registry,
            requests,
            pass_seconds,
            pass_failures,
            outbox_waiting,
            dead_letters,
            commits,
            committed_writes,
        }
    }
}

impl Metrics {
    /// One answered request. `route` is the route's pattern.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let class = format!("{}xx", status / 100);
        self.requests
            .get_or_create(&vec![
                ("method", method.to_string()),
                ("route", route.to_string()),
                ("status", class),
            ])
            .observe(seconds);
    }

    /// One paging pass, and whether it failed.
    pub fn observe_pass(&self, seconds: f64, failed: bool) {
        self.pass_seconds.observe(seconds);
        if failed {
            self.pass_failures.inc();
        }
    }

    /// The text a scrape receives, with the mail counts and the store's commits as they stand.
    pub fn render(
        &self,
        waiting: i64,
        dead: i64,
        shared: homeward_store::group_commit::Shared,
    ) -> String {
        self.outbox_waiting.set(waiting);
        self.dead_letters.set(dead);
        // The store keeps the running totals; the counters catch up to them.
        self.commits
            .inc_by(shared.commits.saturating_sub(self.commits.get()));
        self.committed_writes
            .inc_by(shared.writes.saturating_sub(self.committed_writes.get()));
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

impl crate::App {
    /// The metrics text, with the outbox counted now.
    pub async fn metrics_text(&self) -> crate::AppResult<String> {
        let (waiting, dead) = self.store.mail_counts().await?;
        Ok(self
            .metrics
            .render(waiting, dead, self.store.shared_commits()))
    }
}
