//! `a2psim init`: a commented starter scenario, from a template or from a
//! few questions, written beside a copy of the JSON Schema its first line
//! names, so an editor checks it from the first keystroke.

use crate::scenario::bounds::MAX_ANSWER_BYTES;
use std::io::{self, BufRead, Read, Write};
use std::path::Path;

/// The starter templates: (name, text). Each validates and runs (a test
/// keeps it so).
pub const TEMPLATES: [(&str, &str); 5] = [
    ("otp", include_str!("templates/otp.toml")),
    ("promo", include_str!("templates/promo.toml")),
    ("daily-cap", include_str!("templates/daily-cap.toml")),
    ("expiry-sweep", include_str!("templates/expiry-sweep.toml")),
    ("ci", include_str!("templates/ci.toml")),
];

/// The schema's file name, as the templates' `#:schema` line names it.
pub const SCHEMA_FILE: &str = "a2psim.schema.json";

/// The text of template `name`, if there is one.
pub fn template(name: &str) -> Option<&'static str> {
    TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// One question: its prompt, default, and what makes an answer valid
/// (`Err` says what was expected).
struct Question {
    prompt: &'static str,
    default: &'static str,
    check: fn(&str) -> Result<String, String>,
}

/// A sending rate: a number (per second) or a rate such as `500/min`.
fn positive(a: &str) -> Result<String, String> {
    let rate = if a.contains('/') { a.to_string() } else { format!("{a}/s") };
    let scenario = questions_scenario(&Default::default()).replace("rate = \"2/s\"", &format!("rate = \"{rate}\""));
    crate::load::parse(&scenario, "answer", "answer", Path::new("."))
        .map(|_| rate)
        .map_err(|_| "messages a second above 0 (at most 6 decimals), such as 2.5, or a rate such as 500/min".into())
}

fn number_type(a: &str) -> Result<String, String> {
    match a.to_lowercase().as_str() {
        a @ ("long_code" | "toll_free" | "short_code") => Ok(a.to_string()),
        _ => Err("long_code, toll_free or short_code".into()),
    }
}

fn numbers(a: &str) -> Result<String, String> {
    match a.parse::<u32>() {
        Ok(n) if (1..=100_000).contains(&n) => Ok(n.to_string()),
        _ => Err("a whole number from 1 to 100000".into()),
    }
}

fn score(a: &str) -> Result<String, String> {
    match a.parse::<u8>() {
        Ok(n) if n <= 100 => Ok(n.to_string()),
        _ => Err("a whole number from 0 to 100".into()),
    }
}

fn kind(a: &str) -> Result<String, String> {
    match a.to_lowercase().as_str() {
        a @ ("otp" | "transactional" | "promotional") => Ok(a.to_string()),
        _ => Err("otp, transactional or promotional".into()),
    }
}

fn expiry(a: &str) -> Result<String, String> {
    let scenario = format!("{}message_expiry = \"{a}\"\n", questions_scenario(&Default::default()));
    crate::load::parse(&scenario, "answer", "answer", Path::new("."))
        .map(|_| a.to_string())
        .map_err(|_| "a duration from 5s to 3h, such as 90s, 5m or 1h30m".into())
}

const QUESTIONS: [Question; 6] = [
    Question { prompt: "How many messages a second do you send at your peak?", default: "2/s", check: positive },
    Question {
        prompt: "Which numbers do you send from (long_code, toll_free, short_code)?",
        default: "toll_free",
        check: number_type,
    },
    Question { prompt: "How many of them?", default: "1", check: numbers },
    Question { prompt: "Your brand's vetting score (10DLC long codes; 0 to 100)?", default: "62", check: score },
    Question { prompt: "What are the messages (otp, transactional, promotional)?", default: "otp", check: kind },
    Question {
        prompt: "How long may a message wait before it expires (message_expiry)?",
        default: "5m",
        check: expiry,
    },
];

/// The answers, in question order.
#[derive(Default)]
struct Answers([String; 6]);

/// Asks the questions on `output`, reading answers from `input` (an empty
/// answer takes the default; at the end of the input the defaults stand),
/// and returns the scenario they describe. A wrong answer is asked again
/// when `interactive` (a terminal), else it is the error.
pub fn from_questions(input: &mut dyn BufRead, output: &mut dyn Write, interactive: bool) -> Result<String, String> {
    asked(input, output, interactive).map_err(|e| match e {
        Asked::Io(e) => format!("cannot ask: {e}"),
        Asked::Wrong(why) => why,
    })
}

/// Why the questions ended without a scenario.
enum Asked {
    Io(io::Error),
    Wrong(String),
}

impl From<io::Error> for Asked {
    fn from(e: io::Error) -> Asked {
        Asked::Io(e)
    }
}

fn asked(input: &mut dyn BufRead, output: &mut dyn Write, interactive: bool) -> Result<String, Asked> {
    let mut answers = Answers::default();
    for (i, q) in QUESTIONS.iter().enumerate() {
        if i == 3 && answers.0[1] != "long_code" {
            answers.0[i] = q.default.to_string();
            continue;
        }
        answers.0[i] = loop {
            write!(output, "{} [{}] ", q.prompt, q.default)?;
            output.flush()?;
            let mut line = String::new();
            // Bounded: an endless input (a device, a line with no end) is refused, not read.
            if (&mut *input).take(MAX_ANSWER_BYTES + 1).read_line(&mut line)? == 0 {
                writeln!(output)?;
                break q.default.to_string();
            }
            if line.len() as u64 > MAX_ANSWER_BYTES {
                writeln!(output)?;
                let why = format!("the answer to \"{}\" is longer than {MAX_ANSWER_BYTES} bytes", q.prompt);
                return Err(Asked::Wrong(why));
            }
            let answer = line.trim();
            match (q.check)(if answer.is_empty() { q.default } else { answer }) {
                Ok(a) => break a,
                Err(expected) if interactive => writeln!(output, "  expected {expected}")?,
                Err(expected) => {
                    writeln!(output)?;
                    return Err(Asked::Wrong(format!("\"{answer}\" to \"{}\": expected {expected}", q.prompt)));
                }
            }
        };
    }
    let text = format!("{}message_expiry = \"{}\"\n{}", questions_scenario(&answers), answers.0[5], QUESTIONS_TAIL);
    // Each answer was checked; the whole is too, so no file is written that does not load.
    crate::load::parse(&text, "answers", "answers", Path::new("."))
        .map_err(|d| Asked::Wrong(d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")))?;
    Ok(text)
}

/// The scenario of `answers` up to the stream's `message_expiry`.
fn questions_scenario(answers: &Answers) -> String {
    let get = |i: usize| if answers.0[i].is_empty() { QUESTIONS[i].default } else { &answers.0[i] };
    let (rate, kind) = (get(0), get(4));
    let brand = if get(1) == "long_code" {
        format!("\n[[brands]]\nid = \"brand\"\nvetting_score = {}\n", get(3))
    } else {
        String::new()
    };
    let sender_brand = if get(1) == "long_code" { "brand = \"brand\"\n" } else { "" };
    format!(
        "#:schema ./{SCHEMA_FILE}\n\
# Question: how long do our messages wait at {rate}, and how many\n\
# expire? Written by `a2psim init --from-questions`; run `a2psim run` on it.\n\
name = \"{kind} messages at {rate}\"\n\
start = \"2026-03-10T09:00:00-07:00\"      # RFC 3339 with its offset: sets the Pacific days\n\
seed = 1\n\
\n\
[account]\n\
sms_mps = 5                              # the account's SMS limit (default 5/s)\n\
{brand}\n\
[[senders]]\n\
id = \"numbers\"\n\
type = \"{}\"\n\
{sender_brand}numbers = {}\n\
\n\
[[traffic]]\n\
name = \"messages\"\n\
sender = \"numbers\"\n\
kind = \"{kind}\"\n\
arrival = {{ process = \"poisson\", rate = \"{rate}\", until = \"1h\" }}\n",
        get(1),
        get(2),
    )
}

/// What follows the stream's keys: a promise to check.
const QUESTIONS_TAIL: &str =
    "\n[[expect]]\nmetric = \"expiry_rate\"                  # a path into summary.json\nmax = 0.01\n";

/// Writes the schema beside a new scenario in `dir`, unless a file of that
/// name is there and is not an a2psim schema (then it is left, and `false`
/// says so).
pub fn write_schema(dir: &Path) -> io::Result<bool> {
    let path = dir.join(SCHEMA_FILE);
    if let Ok(existing) = std::fs::read_to_string(&path)
        && !existing.contains("\"title\": \"a2psim scenario\"")
    {
        return Ok(false);
    }
    let text = serde_json::to_string_pretty(&crate::check::schema::schema()).expect("a schema serialises");
    std::fs::write(path, text + "\n")?;
    Ok(true)
}
