//! `a2psim init`: a commented starter scenario, from a template or from a
//! few questions, written beside a copy of the JSON Schema its first line
//! names, so an editor checks it from the first keystroke.

use std::io::{self, BufRead, Write};
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

fn positive(a: &str) -> Result<String, String> {
    match a.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 1_000_000.0 => Ok(a.to_string()),
        _ => Err("a number of messages per second above 0, such as 2.5".into()),
    }
}

fn number_type(a: &str) -> Result<String, String> {
    match a {
        "long_code" | "toll_free" | "short_code" => Ok(a.to_string()),
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
    match a {
        "otp" | "transactional" | "promotional" => Ok(a.to_string()),
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
    Question { prompt: "How many messages a second do you send at your peak?", default: "2", check: positive },
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
/// answer takes the default; a wrong one is asked again; at the end of the
/// input the defaults stand), and returns the scenario they describe.
pub fn from_questions(input: &mut dyn BufRead, output: &mut dyn Write) -> io::Result<String> {
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
            if input.read_line(&mut line)? == 0 {
                writeln!(output)?;
                break q.default.to_string();
            }
            let answer = line.trim();
            match (q.check)(if answer.is_empty() { q.default } else { answer }) {
                Ok(a) => break a,
                Err(expected) => writeln!(output, "  expected {expected}")?,
            }
        };
    }
    Ok(format!("{}message_expiry = \"{}\"\n{}", questions_scenario(&answers), answers.0[5], QUESTIONS_TAIL))
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
# Question: how long do our messages wait at {rate} a second, and how many\n\
# expire? Written by `a2psim init --from-questions`; run `a2psim run` on it.\n\
name = \"{kind} messages at {rate} a second\"\n\
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
arrival = {{ process = \"poisson\", rate = \"{rate}/s\", until = \"1h\" }}\n",
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
    let text = serde_json::to_string_pretty(&crate::load::schema::schema()).expect("a schema serialises");
    std::fs::write(path, text + "\n")?;
    Ok(true)
}
