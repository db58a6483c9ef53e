//! `a2psim init`: every template validates, runs and keeps its promises;
//! the questions write the scenario their answers describe.

use crate::helpers::*;

#[test]
fn every_template_validates_runs_and_keeps_its_promises() {
    let dir = tempdir();
    let validator = jsonschema::validator_for(&a2psim::check::schema::schema()).unwrap();
    for (name, _) in a2psim::init::TEMPLATES {
        let file = format!("{name}.toml");
        let out = a2psim(&["init", &file, "--template", name], dir.path());
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let text = std::fs::read_to_string(dir.path().join(&file)).unwrap();
        assert!(text.starts_with("#:schema ./a2psim.schema.json\n# Question:"), "{name}");
        let doc: toml::Value = toml::from_str(&text).unwrap();
        let json = serde_json::to_value(&doc).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&json).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{name} does not fit the schema: {errors:#?}");
        let out = a2psim(&["check", &file, "-q"], dir.path());
        assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stdout));
    }
    let schema = std::fs::read_to_string(dir.path().join("a2psim.schema.json")).unwrap();
    let printed = String::from_utf8(a2psim(&["schema"], dir.path()).stdout).unwrap();
    assert_eq!(schema, printed, "the schema beside the scenario is a2psim's");
}

#[test]
fn init_never_replaces_a_file_unless_told_to() {
    let dir = tempdir();
    std::fs::write(dir.path().join("scenario.toml"), "mine").unwrap();
    std::fs::write(dir.path().join("a2psim.schema.json"), "{ \"mine\": true }").unwrap();
    let out = a2psim(&["init"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("scenario.toml exists: choose another name, or --force"));
    assert_eq!(std::fs::read_to_string(dir.path().join("scenario.toml")).unwrap(), "mine");
    let out = a2psim(&["init", "--force", "--template", "promo"], dir.path());
    assert!(out.status.success());
    assert!(std::fs::read_to_string(dir.path().join("scenario.toml")).unwrap().contains("10DLC"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a2psim.schema.json exists and is not a2psim's schema"));
    assert_eq!(std::fs::read_to_string(dir.path().join("a2psim.schema.json")).unwrap(), "{ \"mine\": true }");
}

/// Runs `init --from-questions` with `answers` on standard input.
fn answered(answers: &str) -> Result<(String, String), String> {
    use std::io::Write;
    let dir = tempdir();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_a2psim"))
        .args(["init", "q.toml", "--from-questions"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(answers.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    if !out.status.success() {
        assert_eq!(out.status.code(), Some(2));
        assert!(!dir.path().join("q.toml").exists(), "a wrong answer wrote the file");
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = std::fs::read_to_string(dir.path().join("q.toml")).unwrap();
    let check = a2psim(&["validate", "q.toml"], dir.path());
    assert!(check.status.success(), "{}\n{}", text, String::from_utf8_lossy(&check.stderr));
    Ok((text, String::from_utf8_lossy(&out.stderr).into_owned()))
}

#[test]
fn questions_write_the_scenario_their_answers_describe() {
    let (text, _) = answered("500/min\nLong_Code\n3\n62\npromotional\n10m\n").unwrap();
    for wanted in [
        "type = \"long_code\"\nbrand = \"brand\"\nnumbers = 3\n",
        "vetting_score = 62\n",
        "kind = \"promotional\"\n",
        "rate = \"500/min\"",
        "message_expiry = \"10m\"\n",
    ] {
        assert!(text.contains(wanted), "{wanted:?} not in\n{text}");
    }
    assert!(answered("7.5\n").unwrap().0.contains("rate = \"7.5/s\""), "a bare number is per second");
    // Not on a terminal, a wrong answer is an error: nothing asked again, nothing written.
    for (answers, expected) in [
        ("0\n", "expected messages a second above 0"),
        ("0.0000004\n", "expected messages a second above 0 (at most 6 decimals)"),
        (
            "2\nlong_code\n3\n150\n",
            "\"150\" to \"Your brand's vetting score (10DLC long codes; 0 to 100)?\": expected a whole number from 0 to 100",
        ),
        ("\n\n\n\n5 minutes\n", "expected a duration from 5s to 3h"),
    ] {
        let e = answered(answers).unwrap_err();
        assert!(e.contains(expected), "{expected:?} not in\n{e}");
    }
    // An answer with no end (a device such as /dev/zero) is refused, not read on.
    let e = answered(&"0".repeat(5000)).unwrap_err();
    assert!(e.contains("is longer than 4096 bytes"), "{e}");
    // Empty answers and the end of the input take the defaults; no vetting
    // score is asked for toll-free numbers.
    let (text, asked) = answered("\n\n").unwrap();
    assert!(text.contains("type = \"toll_free\"\nnumbers = 1\n") && !text.contains("[[brands]]"), "{text}");
    assert!(text.contains("rate = \"2/s\"") && text.contains("message_expiry = \"5m\""), "{text}");
    assert!(!asked.contains("vetting score"), "{asked}");
}
