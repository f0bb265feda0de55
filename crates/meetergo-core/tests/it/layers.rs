//! The core's modules form layers: no module uses another that uses it back, directly or through others. Read from
//! the sources (`use crate::x`, `crate::x::...` outside comments and test modules); a submodule counts as its parent
//! (`event/parse.rs` is `event`). A macro's `$crate::x` paths are the dependencies of the modules that invoke it (and
//! those modules depend on the macro's module).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of `src/` and the modules it refers to.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&src).expect("src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            for inner in std::fs::read_dir(&path).expect("dir") {
                files.push(inner.expect("entry").path());
            }
        } else {
            files.push(path);
        }
    }
    let module_of = |path: &Path| -> String {
        let relative = path.strip_prefix(&src).expect("under src");
        let first = relative.components().next().expect("a component");
        let name = first.as_os_str().to_string_lossy();
        name.trim_end_matches(".rs").to_owned()
    };
    let modules: BTreeSet<String> = files.iter().map(|p| module_of(p)).collect();
    // Per module: the modules its code names, the modules its macros' bodies name, and the macros it defines.
    let mut direct: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut through_macros: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut macros: BTreeMap<String, String> = BTreeMap::new();
    let mut sources = Vec::new();
    for file in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
    {
        let from = module_of(file);
        if from == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("source");
        let code = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for (at, _) in code.match_indices("macro_rules! ") {
            let name = code[at + "macro_rules! ".len()..]
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .next()
                .unwrap_or_default();
            macros.insert(name.to_owned(), from.clone());
        }
        let mut rest = code.as_str();
        while let Some(at) = rest.find("crate::") {
            let in_macro = rest[..at].ends_with('$');
            rest = &rest[at + "crate::".len()..];
            // `crate::x::...`, `crate::x;` or a group `crate::{x, y::z}`.
            let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
                let group = group.split('}').next().unwrap_or_default();
                group
                    .split(',')
                    .map(|part| part.trim().split("::").next().unwrap_or_default())
                    .collect()
            } else {
                vec![
                    rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next()
                        .unwrap_or_default(),
                ]
            };
            let into = if in_macro {
                &mut through_macros
            } else {
                &mut direct
            };
            for name in names
                .into_iter()
                .filter(|n| modules.contains(*n) && **n != from)
            {
                into.entry(from.clone())
                    .or_default()
                    .insert(name.to_owned());
            }
        }
        sources.push((from, code));
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, code) in &sources {
        let edges = graph.entry(from.clone()).or_default();
        edges.extend(direct.get(from).into_iter().flatten().cloned());
        for (name, defined_in) in &macros {
            if defined_in != from && code.contains(&format!("{name}!")) {
                edges.insert(defined_in.clone());
                edges.extend(
                    through_macros
                        .get(defined_in)
                        .into_iter()
                        .flatten()
                        .cloned(),
                );
            }
        }
        edges.remove(from);
    }
    graph
}

/// A cycle through `start`, if any: the modules in order, `start` first and last.
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_owned()];
    walk(graph, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn the_core_has_no_import_circles() {
    let graph = graph();
    assert!(graph.len() > 15, "the sources were found: {graph:?}");
    assert!(
        graph["client"].contains("http"),
        "edges were found: {graph:?}"
    );
    assert!(
        graph["event"].contains("json_out"),
        "macro bodies count where they are invoked: {graph:?}"
    );
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|m| cycle_from(&graph, m))
        .map(|c| c.join(" -> "))
        .collect();
    assert!(cycles.is_empty(), "import circles:\n{}", cycles.join("\n"));
}

#[test]
fn a_circle_is_found() {
    let mut graph = BTreeMap::new();
    for (from, to) in [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")] {
        graph
            .entry(from.to_owned())
            .or_insert_with(BTreeSet::new)
            .insert(to.to_owned());
    }
    assert_eq!(cycle_from(&graph, "a").unwrap(), ["a", "b", "c", "a"]);
    assert_eq!(cycle_from(&graph, "d"), None);
}
