//! The source keeps its layers: each folder of `src/` uses only the folders
//! below it, so no change can quietly add a circle or an upward arrow.

use std::path::Path;

/// The folders of `src/`, bottom first; folders on one level use neither
/// each other nor anything above.
const LAYERS: [&[&str]; 7] =
    [&["scenario"], &["load", "engine"], &["stats", "mdr"], &["run"], &["report"], &["check"], &["plan"]];

fn level(folder: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&folder))
}

/// The `crate::<folder>` names used in code (comments left out).
fn uses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            out.push(name);
        }
    }
    out
}

#[test]
fn every_folder_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    crate::helpers::files_with_ext(&src, "rs", &mut files);
    files.sort();
    let mut wrong = Vec::new();
    let mut seen = 0;
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let mut parts = relative.components();
        let folder = parts.next().unwrap().as_os_str().to_string_lossy().into_owned();
        if parts.next().is_none() {
            // lib.rs and main.rs sit on top.
            continue;
        }
        let from = level(&folder).unwrap_or_else(|| panic!("{folder}/ is not in LAYERS"));
        seen += 1;
        for to in uses(&std::fs::read_to_string(file).unwrap()) {
            let ok = to == folder || level(&to).is_some_and(|l| l < from);
            if !ok {
                wrong.push(format!("{}: uses crate::{to}", relative.display()));
            }
        }
    }
    assert!(seen > 20, "read only {seen} files");
    assert!(wrong.is_empty(), "upward or sideways arrows:\n{}", wrong.join("\n"));
}

#[test]
fn the_check_sees_an_upward_arrow() {
    assert_eq!(
        uses("use crate::report::summary;\n// crate::check in a comment\nx(crate::stats::y)"),
        ["report", "stats"]
    );
    assert!(level("stats") > level("engine") && level("load") == level("engine"));
}
