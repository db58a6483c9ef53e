//! `a2psim plan`: the inverse question. A scenario's `[plan]` names one
//! parameter and its candidates in order; its `[[expect]]` tables are the
//! promises. The plan finds the least (or most) candidate keeping every
//! promise, evaluating only as many candidates as a search needs.

pub mod search;

use crate::check::ci::shown;
use crate::check::expect::{Verdict, evaluate};
use crate::load::{Diagnostic, Goal, Loaded, Minimize, Quote, did_you_mean, show};
use crate::report::{PlanPromise, PlanReport};
use crate::run::batch;
use crate::run::simulate::RunResult;
use crate::stats::figure::KeyFigure;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// One candidate evaluated: its promises and its key figures.
#[derive(Clone, Debug)]
pub struct Evaluated {
    /// Each expectation at this candidate.
    pub verdicts: Vec<Verdict>,
    /// Key figures of all streams, means over replications.
    pub figures: Vec<(&'static str, f64)>,
}

impl Evaluated {
    /// Its value of `f`.
    fn figure(&self, f: KeyFigure) -> f64 {
        self.figures.iter().find(|(k, _)| *k == f.key()).map_or(f64::NAN, |(_, v)| *v)
    }

    /// Whether every promise holds.
    pub fn passed(&self) -> bool {
        self.verdicts.iter().all(|v| v.passed)
    }
}

/// The outcome of a plan.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The scenario's name.
    pub name: String,
    /// The parameter searched.
    pub vary: String,
    /// Which end was wanted (one parameter, nothing minimized).
    pub goal: Goal,
    /// The figure made smallest, if any.
    pub minimize: Option<KeyFigure>,
    /// Every candidate, shown as in the file (several values joined by ", ").
    pub candidates: Vec<String>,
    /// Every candidate as a sentence names it: the value, or
    /// "`path` = value, ..." for several parameters.
    pub labels: Vec<String>,
    /// The candidates evaluated, by index.
    pub evaluated: BTreeMap<usize, Evaluated>,
    /// The answer's index.
    pub answer: Option<usize>,
    /// Whether the promises held on one side of a threshold.
    pub monotone: bool,
}

/// Candidates a search round evaluates (in parallel): fixed, not the thread
/// count, so which candidates a plan evaluates, and `plan.json`, are the
/// same on every machine.
pub const WIDTH: usize = 4;

/// Runs the plan of `loaded` (a scenario with `[plan]`), `width` candidates
/// at a time; `stem` and `file` name it in verdicts. A `minimize` that names
/// no key figure is an error at its place in the file.
pub fn plan(stem: &str, file: &str, loaded: &Loaded, width: usize) -> Result<Plan, Diagnostic> {
    let sweep = loaded.sweep.as_ref().expect("a [plan] has its candidates as sweep points");
    let spec = loaded.plan.clone().expect("a scenario with [plan]");
    let minimize = spec.minimize.map(|m| figure(&m, file)).transpose()?;
    let mut evaluated = BTreeMap::new();
    let run = |indices: &[usize], evaluated: &mut BTreeMap<usize, Evaluated>| -> Vec<bool> {
        let mut some = loaded.clone();
        let points = indices.iter().map(|&i| sweep.points[i].clone()).collect();
        some.sweep = Some(crate::load::Sweep { parameters: sweep.parameters.clone(), points });
        let all = [&some];
        let jobs = batch::jobs(&all);
        let done = batch::run(&all, &jobs, None, &|_| {});
        let results = batch::assemble(&all, jobs.into_iter().zip(done).collect()).expect("every job ran");
        let verdicts = evaluate(stem, file, &some, &results[0]);
        indices
            .iter()
            .zip(&results[0])
            .map(|(&i, r)| {
                let label = sweep.points[i].to_string();
                let mine = verdicts.iter().filter(|v| v.point.as_deref() == Some(label.as_str())).cloned().collect();
                let e = Evaluated { verdicts: mine, figures: figures(r) };
                let passed = e.passed();
                evaluated.insert(i, e);
                passed
            })
            .collect()
    };
    let n = sweep.points.len();
    let (answer, monotone) = match minimize {
        None => {
            let found = search::search(n, spec.goal, width, &mut |ix| run(ix, &mut evaluated));
            // Each promise on its own must change at most once, the same way
            // for all: one kept at a candidate and broken at a later one (in
            // the goal's order) while another goes the other way leaves no
            // threshold (both ends can fail while the middle passes).
            let order: Vec<usize> = match spec.goal {
                Goal::Least => found.known.keys().copied().collect(),
                Goal::Most => found.known.keys().rev().copied().collect(),
            };
            if found.monotone && !one_way(&order, &evaluated) {
                let rest: Vec<usize> = (0..n).filter(|i| !evaluated.contains_key(i)).collect();
                for chunk in rest.chunks(width.max(1)) {
                    run(chunk, &mut evaluated);
                }
                let mut all: Vec<usize> = (0..n).collect();
                if spec.goal == Goal::Most {
                    all.reverse();
                }
                (all.into_iter().find(|i| evaluated[i].passed()), false)
            } else {
                (found.answer, found.monotone)
            }
        }
        Some(f) => {
            // Every combination: the smallest figure among those keeping every promise.
            let all: Vec<usize> = (0..n).collect();
            run(&all, &mut evaluated);
            let value = |i: usize| evaluated[&i].figure(f);
            let kept = (0..n).filter(|i| evaluated[i].passed());
            (kept.min_by(|&a, &b| value(a).total_cmp(&value(b))), true)
        }
    };
    Ok(Plan {
        name: loaded.scenario.name.clone(),
        vary: sweep.parameters.join(", "),
        goal: spec.goal,
        minimize,
        candidates: sweep.points.iter().map(|p| p.to_string()).collect(),
        labels: sweep
            .points
            .iter()
            .map(|p| match &p.values[..] {
                [one] => show(one),
                several => {
                    let pairs = sweep.parameters.iter().zip(several).map(|(k, v)| format!("`{k}` = {}", show(v)));
                    pairs.collect::<Vec<_>>().join(", ")
                }
            })
            .collect(),
        evaluated,
        answer,
        monotone,
    })
}

/// Checks what the loader cannot: that `minimize` names a key figure.
/// and that there are promises to keep.
pub fn validated(loaded: Loaded, file: &str) -> Result<Loaded, Vec<Diagnostic>> {
    let Some(spec) = &loaded.plan else { return Ok(loaded) };
    if loaded.expects.is_empty() {
        let why = "`plan`: a plan needs at least one [[expect]], the promises its answer keeps".to_string();
        return Err(vec![Diagnostic::whole_file(file, why)]);
    }
    match spec.minimize.as_ref().map(|m| figure(m, file)) {
        Some(Err(d)) => Err(vec![d]),
        _ => Ok(loaded),
    }
}

/// Whether, along `order`, no promise is broken after being kept while
/// another is kept after being broken.
fn one_way(order: &[usize], evaluated: &BTreeMap<usize, Evaluated>) -> bool {
    let lines: Vec<usize> = order.iter().flat_map(|i| evaluated[i].verdicts.iter().map(|v| v.line)).collect();
    let (mut rises, mut falls) = (false, false);
    for line in lines {
        let kept: Vec<bool> = order
            .iter()
            .filter_map(|i| evaluated[i].verdicts.iter().find(|v| v.line == line).map(|v| v.passed))
            .collect();
        rises |= kept.windows(2).any(|w| !w[0] && w[1]);
        falls |= kept.windows(2).any(|w| w[0] && !w[1]);
    }
    !(rises && falls)
}

/// The key figure `minimize` names.
fn figure(m: &Minimize, file: &str) -> Result<KeyFigure, Diagnostic> {
    let keys: Vec<&str> = KeyFigure::SWEEP_TABLE.iter().map(|f| f.key()).collect();
    KeyFigure::SWEEP_TABLE.into_iter().find(|f| f.key() == m.figure).ok_or_else(|| Diagnostic {
        file: file.to_string(),
        line: m.at.0,
        column: m.at.1,
        message: format!(
            "`plan.minimize`: expected one of {}, found \"{}\"{}",
            keys.join(", "),
            m.figure,
            did_you_mean(&m.figure, &keys, Quote::Value)
        ),
        warning: false,
    })
}

/// The key figures of a run, means over its replications.
fn figures(r: &RunResult) -> Vec<(&'static str, f64)> {
    let each = r.each();
    KeyFigure::SWEEP_TABLE
        .iter()
        .map(|f| (f.key(), each.iter().map(|s| f.of(&s.total(), s)).sum::<f64>() / each.len() as f64))
        .collect()
}

impl Plan {
    /// The candidate next to the answer on the failing side, or the best
    /// candidate when none passed: the one that shows why.
    fn foil(&self) -> Option<usize> {
        let n = self.candidates.len();
        let next = |a: usize| match self.goal {
            Goal::Least => a.checked_sub(1),
            Goal::Most => (a + 1 < n).then_some(a + 1),
        };
        match self.answer {
            Some(a) => next(a).filter(|b| self.evaluated.contains_key(b)),
            None => match self.goal {
                Goal::Least => n.checked_sub(1),
                Goal::Most => Some(0),
            },
        }
    }

    /// What people read: the answer and why.
    pub fn text(&self) -> String {
        let goal = self.goal.name();
        let (n, k) = (self.candidates.len(), self.evaluated.len());
        if let Some(f) = self.minimize {
            return match self.answer {
                Some(a) => format!(
                    "{} has the least {} ({}) of the candidates meeting every expectation ({k} of {n} evaluated)\n",
                    self.labels[a],
                    f.name(),
                    shown(Some(self.evaluated[&a].figure(f)))
                ),
                None => format!("no candidate of `{}` meets every expectation ({k} of {n} evaluated)\n", self.vary),
            };
        }
        let mut out = match self.answer {
            Some(a) => format!(
                "{} is the {goal} `{}` meeting every expectation ({k} of {n} candidates evaluated)",
                self.candidates[a], self.vary
            ),
            None => format!(
                "no `{}` from {} to {} meets every expectation ({k} of {n} candidates evaluated)",
                self.vary,
                self.candidates[0],
                self.candidates[n - 1]
            ),
        };
        if let Some(b) = self.foil() {
            let failed: Vec<String> = self.evaluated[&b]
                .verdicts
                .iter()
                .filter(|v| !v.passed)
                .map(|v| format!("`{}` = {} (bound {})", v.metric, shown(v.value), v.bound))
                .collect();
            out.push_str(&format!("; at {}: {}", self.candidates[b], failed.join(", ")));
        }
        out.push('\n');
        if !self.monotone {
            out.push_str(
                "note: the expectations did not hold on one side of a threshold, so every candidate was evaluated\n",
            );
        }
        out
    }

    /// What the plan's report shows: each promise at every candidate evaluated.
    pub fn report(&self, loaded: &Loaded) -> PlanReport {
        let promises = loaded
            .expects
            .iter()
            .map(|e| PlanPromise {
                metric: e.label(),
                bounds: [(e.min, ">="), (e.max, "<="), (e.equals, "==")]
                    .into_iter()
                    .filter_map(|(v, op)| v.map(|v| (v, format!("{op} {v}"))))
                    .collect(),
                values: self
                    .evaluated
                    .iter()
                    .filter_map(|(&i, ev)| {
                        let v = ev.verdicts.iter().find(|v| v.line == e.line)?;
                        Some((i, v.value?, v.passed))
                    })
                    .collect(),
            })
            .collect::<Vec<_>>();
        // The minimized figure first, without a bound.
        let minimized = self.minimize.map(|f| PlanPromise {
            metric: f.key().to_string(),
            bounds: Vec::new(),
            values: self.evaluated.iter().map(|(&i, e)| (i, e.figure(f), e.passed())).collect(),
        });
        let promises = minimized.into_iter().chain(promises).collect();
        PlanReport {
            vary: self.vary.clone(),
            candidates: self.candidates.clone(),
            answer: self.answer,
            promises,
            text: self.text(),
            json: self.json(),
        }
    }

    /// `plan.json`: every candidate evaluated, in order, and the answer.
    pub fn json(&self) -> Value {
        let evaluated: Vec<Value> = self
            .evaluated
            .iter()
            .map(|(&i, e)| {
                let expectations: Vec<Value> = e
                    .verdicts
                    .iter()
                    .map(|v| json!({ "metric": v.metric, "bound": v.bound, "value": v.value, "passed": v.passed }))
                    .collect();
                let figures: serde_json::Map<String, Value> =
                    e.figures.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
                json!({ "value": self.candidates[i], "passed": e.passed(), "expectations": expectations, "figures": figures })
            })
            .collect();
        json!({
            "name": self.name,
            "vary": self.vary,
            "goal": if self.minimize.is_some() { None } else { Some(self.goal.name()) },
            "minimize": self.minimize.map(|f| f.key()),
            "candidates": self.candidates.len(),
            "answer": self.answer.map(|a| self.candidates[a].clone()),
            "monotone": self.monotone,
            "evaluated": evaluated,
        })
    }
}
