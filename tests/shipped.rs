//! Every shipped scenario validates, runs, and loses nothing.

use crate::helpers::*;
use a2psim::load::load_file;
use a2psim::report;
use a2psim::run::batch;
use a2psim::run::simulate::simulate;
use a2psim::scenario::model::Outcome;

#[test]
fn every_shipped_scenario_runs_and_outcomes_sum_to_accepted() {
    for path in shipped_scenarios() {
        let loaded = load_file(&path, &[]).unwrap_or_else(|d| panic!("{}: {:?}", path.display(), d));
        for sc in batch::points(&loaded) {
            let r = simulate(sc);
            let total = r.stats.total();
            let sum: u64 = Outcome::ALL.into_iter().map(|o| total.count(o)).sum();
            assert_eq!(sum, total.accepted, "{}", path.display());
            assert!(total.accepted > 0, "{} accepted nothing", path.display());
            for (g, t) in r.stats.streams.iter().zip(sc.traffic()) {
                let s: u64 = Outcome::ALL.into_iter().map(|o| g.count(o)).sum();
                assert_eq!(s, g.accepted, "{} stream {}", path.display(), t.name);
            }
            let summary = report::summary("x", sc, &r);
            for key in [
                "messages",
                "expiry_rate",
                "queue_wait_s",
                "end_to_end_s",
                "drain_time_s",
                "cost_usd",
                "streams",
                "carriers",
                "daily_caps",
            ] {
                assert!(summary.get(key).is_some(), "{} lacks {key}", path.display());
            }
        }
    }
}

#[test]
fn every_shipped_scenario_opens_with_the_question_it_answers() {
    for path in shipped_scenarios() {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# Question:"), "{} must open with '# Question:'", path.display());
    }
}
