//! `a2psim plan`: the inverse question. A scenario's `[plan]` names one
//! parameter and its candidates in order; its `[[expect]]` tables are the
//! promises. The plan finds the least (or most) candidate keeping every
//! promise, evaluating only as many candidates as a search needs.

pub mod search;

use crate::check::ci::shown;
use crate::check::expect::{Verdict, evaluate};
use crate::load::{Diagnostic, Expect, Goal, Loaded, Minimize, Quote, did_you_mean, magnitude, show};
use crate::report::{PlanPromise, PlanReport};
use crate::run::batch;
use crate::run::simulate::RunResult;
use crate::stats::figure::KeyFigure;
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

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
    /// The varied paths, in order.
    pub parameters: Vec<String>,
    /// The parameter searched along (each line of it, the others fixed,
    /// when several are varied).
    pub along: usize,
    /// Every candidate's value of each parameter, as written.
    pub values: Vec<Vec<String>>,
    /// Whether the parameter searched along is numbers or durations.
    ordered: bool,
    grid: Grid,
    /// What is made smallest, if anything.
    pub minimize: Option<Objective>,
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
    /// Promises bounded on both sides (`min` and `max`), which make the
    /// plan evaluate every candidate.
    pub bands: Vec<String>,
}

/// Candidates a search round evaluates (in parallel): fixed, not the thread
/// count, so which candidates a plan evaluates, and `plan.json`, are the
/// same on every machine.
pub const WIDTH: usize = 4;

/// What a plan with `minimize` makes smallest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Objective {
    /// A key figure of the run.
    Figure(KeyFigure),
    /// One of the varied parameters (by position in `vary`): the candidate
    /// listed first among those keeping every promise.
    Parameter(usize),
}

/// Runs the plan of `loaded` (a scenario with `[plan]`), `width` candidates
/// at a time; `stem` and `file` name it in verdicts. A `minimize` that names
/// neither a key figure nor a varied path is an error at its place in the file.
pub fn plan(stem: &str, file: &str, loaded: &Loaded, width: usize) -> Result<Plan, Diagnostic> {
    let sweep = loaded.sweep.as_ref().expect("a [plan] has its candidates as sweep points");
    let spec = loaded.plan.clone().expect("a scenario with [plan]");
    let objective = spec.minimize.map(|m| objective(&m, &sweep.parameters, file)).transpose()?;
    let evaluated = Mutex::new(BTreeMap::new());
    let run = |indices: &[usize]| -> Vec<bool> {
        let mut some = loaded.clone();
        let points = indices.iter().map(|&i| sweep.points[i].clone()).collect();
        some.sweep = Some(crate::load::Sweep { parameters: sweep.parameters.clone(), points });
        let all = [&some];
        let jobs = batch::jobs(&all);
        let done = batch::run(&all, &jobs, None, &|_| {}, None).expect("no records, nothing written");
        let results = batch::assemble(&all, jobs.into_iter().zip(done).collect()).expect("every job ran");
        let verdicts = evaluate(stem, file, &some, &results[0]);
        let mut map = evaluated.lock().expect("no evaluation panicked");
        indices
            .iter()
            .zip(&results[0])
            .map(|(&i, r)| {
                let label = sweep.points[i].to_string();
                let mine = verdicts.iter().filter(|v| v.point.as_deref() == Some(label.as_str())).cloned().collect();
                let e = Evaluated { verdicts: mine, figures: figures(r) };
                let passed = e.passed();
                map.insert(i, e);
                passed
            })
            .collect()
    };
    let n = sweep.points.len();
    let grid = Grid::of(sweep);
    let searched = match objective {
        Some(Objective::Parameter(p)) => p,
        // The parameter with the most candidates (the last listed of a tie).
        _ => (0..grid.counts.len()).max_by_key(|&j| (grid.counts[j], j)).unwrap_or(0),
    };
    let (answer, monotone) = match objective {
        None => {
            let mut line: Vec<usize> = (0..n).collect();
            if spec.goal == Goal::Most {
                line.reverse();
            }
            along(&line, width, &loaded.expects, &run, &evaluated)
        }
        Some(objective) => {
            let value = |i: usize, map: &BTreeMap<usize, Evaluated>| match objective {
                Objective::Figure(f) => map[&i].figure(f),
                Objective::Parameter(p) => grid.position(i, p) as f64,
            };
            // Each line along the searched parameter, the others fixed, in
            // parallel; every line searched to the end (no short cut), so
            // what is evaluated does not depend on timing.
            let lines: Vec<bool> = grid
                .lines(searched)
                .into_par_iter()
                .map(|line| {
                    let (first, monotone) = along(&line, width, &loaded.expects, &run, &evaluated);
                    let (Objective::Figure(_), Some(first)) = (objective, first) else { return monotone };
                    // The figure must not fall beyond the line's first passing
                    // candidate: checked at its neighbour.
                    let k = line.iter().position(|&i| i == first).expect("on its line");
                    let Some(&next) = line.get(k + 1) else { return monotone };
                    let known = |i: &usize| evaluated.lock().expect("no evaluation panicked").contains_key(i);
                    if !known(&next) {
                        run(&[next]);
                    }
                    let falls = {
                        let map = evaluated.lock().expect("no evaluation panicked");
                        map[&next].passed() && value(next, &map) < value(first, &map)
                    };
                    if falls {
                        let rest: Vec<usize> = line.iter().copied().filter(|i| !known(i)).collect();
                        for chunk in rest.chunks(width.max(1)) {
                            run(chunk);
                        }
                    }
                    monotone && !falls
                })
                .collect();
            let monotone = lines.iter().all(|&m| m);
            let map = evaluated.lock().expect("no evaluation panicked");
            let kept = map.keys().copied().filter(|i| map[i].passed());
            (kept.min_by(|&a, &b| value(a, &map).total_cmp(&value(b, &map))), monotone)
        }
    };
    Ok(Plan {
        name: loaded.scenario.name.clone(),
        vary: sweep.parameters.join(", "),
        parameters: sweep.parameters.clone(),
        along: searched,
        values: sweep.points.iter().map(|p| p.values.iter().map(show).collect()).collect(),
        ordered: sweep.points.iter().all(|p| magnitude(&p.values[searched]).is_some()),
        grid,
        goal: spec.goal,
        minimize: objective,
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
        evaluated: evaluated.into_inner().expect("no evaluation panicked"),
        answer,
        monotone,
        bands: loaded.expects.iter().filter(|e| e.min.is_some() && e.max.is_some()).map(|e| e.label()).collect(),
    })
}

/// The first candidate of `line` (indices in the order searched) keeping
/// every promise, and whether they held on one side of a threshold along
/// it; when not, every candidate of the line is evaluated.
fn along(
    line: &[usize],
    width: usize,
    expects: &[Expect],
    run: &(dyn Fn(&[usize]) -> Vec<bool> + Sync),
    evaluated: &Mutex<BTreeMap<usize, Evaluated>>,
) -> (Option<usize>, bool) {
    // A promise bounded on both sides can hold only between two
    // thresholds, where a search may never look: every candidate then.
    let found = if expects.iter().any(|e| e.min.is_some() && e.max.is_some()) {
        search::Found { answer: None, monotone: false, known: BTreeMap::new() }
    } else {
        search::search(line.len(), Goal::Least, width, &mut |ks| run(&ks.iter().map(|&k| line[k]).collect::<Vec<_>>()))
    };
    let map = evaluated.lock().expect("no evaluation panicked");
    // Each promise on its own must change at most once, the same way for
    // all: one kept at a candidate and broken at a later one while another
    // goes the other way leaves no threshold (both ends can fail while the
    // middle passes).
    let order: Vec<usize> = line.iter().copied().filter(|i| map.contains_key(i)).collect();
    if found.monotone && one_way(&order, &map, expects) {
        return (found.answer.map(|k| line[k]), true);
    }
    let rest: Vec<usize> = line.iter().copied().filter(|i| !map.contains_key(i)).collect();
    drop(map);
    for chunk in rest.chunks(width.max(1)) {
        run(chunk);
    }
    let map = evaluated.lock().expect("no evaluation panicked");
    (line.iter().copied().find(|i| map[i].passed()), false)
}

/// The candidates of a plan over several parameters as a grid: the first
/// parameter varies slowest.
#[derive(Clone, Debug)]
struct Grid {
    /// Each parameter's number of candidates.
    counts: Vec<usize>,
}

impl Grid {
    fn of(sweep: &crate::load::Sweep) -> Grid {
        let counts = (0..sweep.parameters.len())
            .map(|j| sweep.points.iter().map(|p| show(&p.values[j])).collect::<BTreeSet<_>>().len())
            .collect();
        Grid { counts }
    }

    /// Distance between neighbouring candidates of parameter `j`.
    fn stride(&self, j: usize) -> usize {
        self.counts[j + 1..].iter().product()
    }

    /// Where candidate `i` is along parameter `j`.
    fn position(&self, i: usize, j: usize) -> usize {
        (i / self.stride(j)) % self.counts[j]
    }

    /// Every line along parameter `j`, the others fixed, in candidate order.
    fn lines(&self, j: usize) -> Vec<Vec<usize>> {
        let n: usize = self.counts.iter().product();
        let stride = self.stride(j);
        (0..n)
            .filter(|&i| self.position(i, j) == 0)
            .map(|base| (0..self.counts[j]).map(|k| base + k * stride).collect())
            .collect()
    }
}

/// Checks what the loader cannot: that `minimize` names a key figure or a
/// varied path, and that there are promises to keep.
pub fn validated(loaded: Loaded, file: &str) -> Result<Loaded, Vec<Diagnostic>> {
    let Some(spec) = &loaded.plan else { return Ok(loaded) };
    if loaded.expects.is_empty() {
        let why = "`plan`: a plan needs at least one [[expect]], the promises its answer keeps".to_string();
        let (line, column) = spec.at;
        return Err(vec![Diagnostic { file: file.into(), line, column, message: why, warning: false }]);
    }
    let parameters = loaded.sweep.as_ref().map_or(&[][..], |s| &s.parameters[..]);
    match spec.minimize.as_ref().map(|m| objective(m, parameters, file)) {
        Some(Err(d)) => Err(vec![d]),
        _ => Ok(loaded),
    }
}

/// Whether, along `order`, no promise is broken after being kept while
/// another is kept after being broken. Each side of a promise (its lower
/// and its upper bound) counts as a promise of its own: `equals` holds
/// only where both sides do.
fn one_way(order: &[usize], evaluated: &BTreeMap<usize, Evaluated>, expects: &[Expect]) -> bool {
    let (mut rises, mut falls) = (false, false);
    for e in expects {
        // (bound, whether it is the lower one)
        let sides = [e.min.or(e.equals).map(|b| (b, true)), e.max.or(e.equals).map(|b| (b, false))];
        for (bound, lower) in sides.into_iter().flatten() {
            let holds = |x: f64| if lower { x >= bound } else { x <= bound };
            let kept: Vec<bool> = order
                .iter()
                .filter_map(|i| evaluated[i].verdicts.iter().find(|v| v.line == e.line))
                .map(|v| v.value.is_some_and(holds))
                .collect();
            rises |= kept.windows(2).any(|w| !w[0] && w[1]);
            falls |= kept.windows(2).any(|w| w[0] && !w[1]);
        }
    }
    !(rises && falls)
}

/// What `minimize` names: a key figure or one of the varied paths.
fn objective(m: &Minimize, parameters: &[String], file: &str) -> Result<Objective, Diagnostic> {
    if let Some(p) = parameters.iter().position(|p| *p == m.figure) {
        return Ok(Objective::Parameter(p));
    }
    let keys: Vec<&str> =
        KeyFigure::SWEEP_TABLE.iter().map(|f| f.key()).chain(parameters.iter().map(String::as_str)).collect();
    KeyFigure::SWEEP_TABLE.into_iter().find(|f| f.key() == m.figure).map(Objective::Figure).ok_or_else(|| Diagnostic {
        file: file.to_string(),
        line: m.at.0,
        column: m.at.1,
        message: format!(
            "`plan.minimize`: expected a key figure or a varied path, one of {}, found \"{}\"{}",
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
        let (stride, count) = (self.grid.stride(self.along), self.grid.counts[self.along]);
        let at = |i: usize| self.grid.position(i, self.along);
        let most = self.minimize.is_none() && self.goal == Goal::Most;
        match self.answer {
            // Its neighbour along the parameter searched, on the failing side.
            Some(a) => {
                let b = if most { (at(a) + 1 < count).then(|| a + stride) } else { (at(a) > 0).then(|| a - stride) };
                b.filter(|b| self.evaluated.get(b).is_some_and(|e| !e.passed()))
            }
            None if self.minimize.is_none() => Some(if most { 0 } else { self.candidates.len() - 1 }),
            None => None,
        }
    }

    /// "; at <candidate>: <each promise it breaks>", for the foil.
    fn why(&self) -> String {
        let Some(b) = self.foil() else { return String::new() };
        let failed: Vec<String> = self.evaluated[&b]
            .verdicts
            .iter()
            .filter(|v| !v.passed)
            .map(|v| format!("`{}` = {} (bound {})", v.metric, shown(v.value), v.bound))
            .collect();
        format!("; at {}: {}", self.labels[b], failed.join(", "))
    }

    /// What people read: the answer and why.
    pub fn text(&self) -> String {
        // Names listed in no order of size: "least" is the first listed.
        let goal = match (self.ordered, self.goal) {
            (true, g) => g.name(),
            (false, Goal::Least) => "first listed",
            (false, Goal::Most) => "last listed",
        };
        let (n, k) = (self.candidates.len(), self.evaluated.len());
        if let Some(objective) = self.minimize {
            let mut out = match (self.answer, objective) {
                (Some(a), Objective::Figure(f)) => format!(
                    "{} has the least {} of the candidates meeting every expectation: {} ({k} of {n} evaluated)",
                    self.labels[a],
                    f.name(),
                    shown(Some(self.evaluated[&a].figure(f)))
                ),
                (Some(a), Objective::Parameter(p)) => format!(
                    "{} has the least `{}` of the candidates meeting every expectation ({k} of {n} evaluated)",
                    self.labels[a], self.parameters[p]
                ),
                (None, _) => {
                    let never: Vec<String> = self
                        .evaluated
                        .values()
                        .next()
                        .into_iter()
                        .flat_map(|e| &e.verdicts)
                        .filter(|v| {
                            self.evaluated.values().all(|e| e.verdicts.iter().any(|w| w.line == v.line && !w.passed))
                        })
                        .map(|v| format!("`{}` (bound {})", v.metric, v.bound))
                        .collect();
                    let why = if never.is_empty() {
                        String::new()
                    } else {
                        format!("; broken at every one: {}", never.join(", "))
                    };
                    format!("no candidate of `{}` meets every expectation ({k} of {n} evaluated){why}", self.vary)
                }
            };
            out.push_str(&self.why());
            out.push('\n');
            out.push_str(&self.note());
            return out;
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
        out.push_str(&self.why());
        out.push('\n');
        out.push_str(&self.note());
        out
    }

    /// Why more candidates were evaluated than a search needs, if they were.
    fn note(&self) -> String {
        if self.monotone {
            return String::new();
        }
        let which = if self.parameters.len() > 1 {
            format!("along `{}`, those candidates were all evaluated", self.parameters[self.along])
        } else {
            "every candidate was evaluated".to_string()
        };
        let why = if !self.bands.is_empty() {
            let bands: Vec<String> = self.bands.iter().map(|m| format!("`{m}`")).collect();
            format!("{} must stay between two bounds, which a search may step over", bands.join(" and "))
        } else if matches!(self.minimize, Some(Objective::Figure(_))) {
            "the expectations did not hold on one side of a threshold, or the minimized figure fell beyond it".into()
        } else {
            "the expectations did not hold on one side of a threshold".into()
        };
        format!("note: {why}, so {which}\n")
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
        let minimized = self.minimize.and_then(|o| match o {
            Objective::Figure(f) => Some(f),
            Objective::Parameter(_) => None,
        });
        let minimized = minimized.map(|f| PlanPromise {
            metric: f.key().to_string(),
            bounds: Vec::new(),
            values: self.evaluated.iter().map(|(&i, e)| (i, e.figure(f), e.passed())).collect(),
        });
        let promises = minimized.into_iter().chain(promises).collect();
        // A line per combination of the other parameters, named by their values.
        let mut series: Vec<String> = Vec::new();
        let place = (0..self.candidates.len())
            .map(|i| {
                let others: Vec<String> = (0..self.parameters.len())
                    .filter(|&j| j != self.along)
                    .map(|j| format!("{} = {}", self.parameters[j], self.values[i][j]))
                    .collect();
                let name = others.join(", ");
                let line = series.iter().position(|s| *s == name).unwrap_or_else(|| {
                    series.push(name);
                    series.len() - 1
                });
                (line, self.grid.position(i, self.along))
            })
            .collect();
        let steps = self.grid.lines(self.along)[0].iter().map(|&i| self.values[i][self.along].clone()).collect();
        PlanReport {
            vary: self.vary.clone(),
            along: self.parameters[self.along].clone(),
            steps,
            series,
            place,
            ordered: self.ordered,
            candidates: self.candidates.clone(),
            answer: self.answer,
            promises,
            text: self.text(),
            json: self.json(),
        }
    }

    /// Candidate `i`'s value of each parameter, by path, as written.
    fn values_of(&self, i: usize) -> serde_json::Map<String, Value> {
        self.parameters.iter().zip(&self.values[i]).map(|(p, v)| (p.clone(), json!(v))).collect()
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
                json!({
                    "value": self.candidates[i],
                    "values": self.values_of(i),
                    "passed": e.passed(),
                    "expectations": expectations,
                    "figures": figures
                })
            })
            .collect();
        json!({
            "name": self.name,
            "vary": self.vary,
            "goal": if self.minimize.is_some() { None } else { Some(self.goal.name()) },
            "minimize": self.minimize.map(|o| match o {
                Objective::Figure(f) => f.key(),
                Objective::Parameter(p) => self.parameters[p].as_str(),
            }),
            "candidates": self.candidates.len(),
            "answer": self.answer.map(|a| self.candidates[a].clone()),
            "answer_values": self.answer.map(|a| self.values_of(a)),
            "parameters": self.parameters,
            "along": self.parameters[self.along],
            "monotone": self.monotone,
            "evaluated": evaluated,
        })
    }
}
