//! The architecture of `src/`, checked by reading it: four layers, each a folder (`api`
//! at the bottom, then `view`, `store`, `app`), and the bindings on top.
//!
//! - A module uses only its own layer and the layers below it: every `crate::…` path
//!   in the code (imports, paths in expressions, serde's `deserialize_with = "crate::…"`)
//!   names its own layer or a lower one. Paths through the crate root's re-exports
//!   count as the item they re-export.
//! - The layers do not import one another in a circle, and neither do the modules of a
//!   layer (`api::client`, `api::decode`, …; a module's own submodules are part of it).
//! - No module file is longer than 900 lines (separate `tests.rs` files included).
//! - `src/` holds only `lib.rs`, `bindings.rs` and the layers' folders, and each
//!   layer's `mod.rs` opens with its doc: what the layer is and which layers it uses.
//!
//! Comments are not code: a doc link is not an import. Test code counts: a test of a
//! lower layer does not reach up either. The parse is deliberately
//! simple (no macro expansion, no name resolution beyond the root's `pub use`): the
//! crate writes its cross-module paths as `crate::layer::module::…`, which is what
//! this reads.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::disallowed_types, clippy::disallowed_methods)] // size rules bind the crate, not its tests

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, bottom first: each may use itself and those before it.
const LAYERS: &[&str] = &["api", "view", "store", "app", "bindings"];
/// The longest a module file may be.
const MAX_LINES: usize = 900;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// A file's module path: `src/api/client/tests.rs` → `[api, client, tests]`,
/// `src/store/mod.rs` → `[store]`, `src/lib.rs` → `[]`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The full paths of a use tree starting at `text` (just after `crate::`): `a::b::C`,
/// `a::{b, c::{d, e}}`, `a::*`. Expressions (`a::b::f(x)`) read as their path.
fn use_tree(text: &str) -> Vec<Vec<String>> {
    fn tree(chars: &[char], i: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
        let mut path = prefix.to_vec();
        loop {
            while chars.get(*i).is_some_and(|c| c.is_whitespace()) {
                *i += 1;
            }
            match chars.get(*i) {
                Some('{') => {
                    *i += 1;
                    loop {
                        tree(chars, i, &path, out);
                        while chars.get(*i).is_some_and(|c| c.is_whitespace()) {
                            *i += 1;
                        }
                        match chars.get(*i) {
                            Some(',') => *i += 1,
                            Some('}') => {
                                *i += 1;
                                return;
                            }
                            _ => return,
                        }
                        while chars.get(*i).is_some_and(|c| c.is_whitespace()) {
                            *i += 1;
                        }
                        if chars.get(*i) == Some(&'}') {
                            *i += 1;
                            return;
                        }
                    }
                }
                Some(c) if is_ident(*c) => {
                    let start = *i;
                    while chars.get(*i).is_some_and(|c| is_ident(*c)) {
                        *i += 1;
                    }
                    path.push(chars[start..*i].iter().collect());
                    if chars.get(*i) == Some(&':') && chars.get(*i + 1) == Some(&':') {
                        *i += 2;
                        continue;
                    }
                    out.push(path);
                    return;
                }
                Some('*') => {
                    // Everything of the module the path names so far.
                    out.push(path);
                    return;
                }
                _ => {
                    // The end of the path.
                    if !path.is_empty() {
                        out.push(path);
                    }
                    return;
                }
            }
        }
    }
    let chars: Vec<char> = text.chars().take(4_000).collect();
    let mut out = Vec::new();
    tree(&chars, &mut 0, &[], &mut out);
    out
}

/// A file's code without its comments (line comments and doc comments), line numbers
/// kept.
fn code_of(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            if line.trim_start().starts_with("//") {
                return String::new();
            }
            // A trailing comment; `//` inside a string (a URL) is left alone.
            match line.find(" // ") {
                Some(i) if line[..i].matches('"').count() % 2 == 0 => line[..i].to_string(),
                _ => line.to_string(),
            }
        })
        .collect()
}

/// Every path of a file that names another module, from the crate root, with its line
/// number (1-based): `crate::a::b` as written; `super::b` from the module the file (or
/// the inline module it stands in, such as `mod tests { … }`) is in.
fn paths_of(file_module: &[String], text: &str) -> Vec<(usize, Vec<String>)> {
    let code = code_of(text);
    // Inline modules (`mod tests {` … a `}` at the start of a line): their lines' module.
    let mut modules = Vec::with_capacity(code.len());
    let mut inline: Option<String> = None;
    for line in &code {
        let words: Vec<&str> = line.split_whitespace().collect();
        if inline.is_none() && !line.starts_with(' ') && line.ends_with('{') {
            if let Some(at) = words.iter().position(|w| *w == "mod") {
                inline = words.get(at + 1).map(|n| n.to_string());
            }
        } else if line.starts_with('}') {
            inline = None;
        }
        let mut m = file_module.to_vec();
        m.extend(inline.clone());
        modules.push(m);
    }
    let joined = code.join("\n");
    let mut out = Vec::new();
    for root in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = joined[from..].find(root) {
            let start = from + at;
            from = start + root.len();
            // `pending_crate::`, `$crate::`, or the second `super` of `super::super::`.
            if joined[..start].chars().next_back().is_some_and(|c| is_ident(c) || c == '$' || c == ':') {
                continue;
            }
            let line = joined[..start].matches('\n').count() + 1;
            for path in use_tree(&joined[from..]) {
                let full = if root == "crate::" {
                    path
                } else {
                    let mut base = modules.get(line - 1).cloned().unwrap_or_default();
                    base.pop();
                    let mut rest = path.as_slice();
                    while rest.first().is_some_and(|s| s == "super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                    base.extend(rest.iter().cloned());
                    base
                };
                out.push((line, full));
            }
        }
    }
    out
}

/// What the crate root re-exports: name → the path it stands for (from `lib.rs`'s
/// `pub use` lines).
fn root_reexports() -> BTreeMap<String, Vec<String>> {
    let lib = fs::read_to_string(src().join("lib.rs")).unwrap();
    let mut out = BTreeMap::new();
    for line in code_of(&lib) {
        if let Some(rest) = line.trim().strip_prefix("pub use ") {
            for path in use_tree(rest) {
                if let Some(name) = path.last() {
                    out.insert(name.clone(), path.clone());
                }
            }
        }
    }
    out
}

/// The path a `crate::` path stands for, through the root's re-exports.
fn resolve(path: &[String], root: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    match path.first().and_then(|first| root.get(first)) {
        Some(target) => target.iter().chain(path.iter().skip(1)).cloned().collect(),
        None => path.to_vec(),
    }
}

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == layer)
}

/// The module a path is in, at most two deep: `[api, client]` when `src/api/client.rs`
/// or `src/api/client/mod.rs` exists, else `[api]`.
fn module_key(path: &[String]) -> Vec<String> {
    let mut key: Vec<String> = path.iter().take(1).cloned().collect();
    if let (Some(layer), Some(module)) = (path.first(), path.get(1)) {
        let dir = src().join(layer);
        if dir.join(format!("{module}.rs")).is_file() || dir.join(module).join("mod.rs").is_file() {
            key.push(module.clone());
        }
    }
    key
}

/// The cycles of a directed graph, each as the nodes along it.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_string());
            found.push(cycle);
            return;
        }
        if done.contains(node) {
            return;
        }
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, stack, done, found);
        }
        stack.pop();
        done.insert(node.to_string());
    }
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        visit(node, edges, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

fn rel(file: &Path) -> String {
    file.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap().display().to_string()
}

#[test]
fn no_layer_uses_a_layer_above_it() {
    let root = root_reexports();
    let mut wrong = Vec::new();
    for file in rust_files(&src()) {
        let Some(layer) = module_of(&file).first().cloned() else { continue };
        let Some(own) = rank(&layer) else { continue };
        for (line, path) in paths_of(&module_of(&file), &fs::read_to_string(&file).unwrap()) {
            let target = resolve(&path, &root);
            let Some(to) = target.first() else { continue };
            if rank(to).is_some_and(|r| r > own) {
                wrong.push(format!("{}:{line}: {layer} uses crate::{} ({to} is above {layer})", rel(&file), target.join("::")));
            }
        }
    }
    assert!(wrong.is_empty(), "imports from a lower layer to a higher one:\n{}", wrong.join("\n"));
}

#[test]
fn neither_layers_nor_modules_import_each_other_in_a_circle() {
    let root = root_reexports();
    let mut layers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&src()) {
        let from = module_of(&file);
        if from.is_empty() {
            continue; // lib.rs: the module list and the re-exports
        }
        let from_key = module_key(&from);
        for (_, path) in paths_of(&from, &fs::read_to_string(&file).unwrap()) {
            let target = resolve(&path, &root);
            if target.first().and_then(|t| rank(t)).is_none() {
                continue; // a root item of its own (none today), or a macro's path
            }
            if target.first() != from.first() {
                layers.entry(from[0].clone()).or_default().insert(target[0].clone());
            }
            let to_key = module_key(&target);
            // A module and the modules it is inside of are one: a submodule may use its
            // layer's shared items, a layer's index re-exports its modules.
            let inside = |a: &[String], b: &[String]| a.len() <= b.len() && b.starts_with(a);
            if !inside(&from_key, &to_key) && !inside(&to_key, &from_key) {
                modules.entry(from_key.join("::")).or_default().insert(to_key.join("::"));
            }
        }
    }
    let layer_cycles = cycles(&layers);
    assert!(layer_cycles.is_empty(), "layers in a circle: {layer_cycles:?} (edges: {layers:?})");
    let module_cycles = cycles(&modules);
    assert!(module_cycles.is_empty(), "modules in a circle: {module_cycles:?}");
    // `LAYERS_SHOW=1 cargo test --test layers -- --nocapture` prints both graphs.
    if std::env::var_os("LAYERS_SHOW").is_some() {
        println!("layers: {layers:#?}\nmodules: {modules:#?}");
    }
    // The check sees something: the app uses the store, the store the view and the API.
    assert!(layers.get("app").is_some_and(|t| t.contains("store")), "{layers:?}");
    assert!(layers.get("store").is_some_and(|t| t.contains("view") && t.contains("api")), "{layers:?}");
}

#[test]
fn no_module_file_is_longer_than_900_lines() {
    let long: Vec<String> = rust_files(&src())
        .iter()
        .map(|f| (rel(f), fs::read_to_string(f).unwrap().lines().count()))
        .filter(|(_, n)| *n > MAX_LINES)
        .map(|(f, n)| format!("{f}: {n} lines"))
        .collect();
    assert!(long.is_empty(), "split these by concept (at most {MAX_LINES} lines a file):\n{}", long.join("\n"));
}

#[test]
fn the_top_of_src_is_the_layers_and_each_says_what_it_is() {
    let mut top: Vec<String> =
        fs::read_dir(src()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    top.sort();
    assert_eq!(top, ["api", "app", "bindings.rs", "lib.rs", "store", "view"], "src/ holds lib.rs, bindings.rs and the layers");
    for layer in LAYERS.iter().filter(|l| **l != "bindings") {
        let index = fs::read_to_string(src().join(layer).join("mod.rs")).unwrap();
        let doc: String = index.lines().take_while(|l| l.starts_with("//!")).collect::<Vec<_>>().join("\n").to_ascii_lowercase();
        assert!(doc.contains("layer"), "src/{layer}/mod.rs opens with what the layer is: {doc:?}");
        // It names the layers it uses, or says it uses none.
        let below: Vec<&str> = LAYERS.iter().take_while(|l| *l != layer).copied().collect();
        assert!(
            below.iter().all(|b| doc.contains(b)) && (!below.is_empty() || doc.contains("bottom")),
            "src/{layer}/mod.rs says which layers it uses ({below:?}): {doc:?}"
        );
    }
}

#[test]
fn the_parse_reads_paths_as_the_crate_writes_them() {
    let text = "use crate::api::{client::{Client, Scope}, decode};\n\
                // use crate::app::App;\n\
                #[serde(deserialize_with = \"crate::api::lenient::text\")]\n\
                let x = crate::view::Row::from(&s); // crate::store::x\n\
                use crate::{Error, api::sync::Snapshot};\n";
    let paths: Vec<(usize, String)> = paths_of(&[], text).into_iter().map(|(l, p)| (l, p.join("::"))).collect();
    let want = [
        (1, "api::client::Client"),
        (1, "api::client::Scope"),
        (1, "api::decode"),
        (3, "api::lenient::text"),
        (4, "view::Row::from"),
        (5, "Error"),
        (5, "api::sync::Snapshot"),
    ];
    assert_eq!(paths, want.map(|(l, p)| (l, p.to_string())));
    // `super::` from a file's module, and from an inline module in it.
    let text = "use super::chart::AgeBucket;\nfn f() {}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::super::rows::Row;\n}\n";
    let module = ["view".to_string(), "search".to_string()];
    let paths: Vec<String> = paths_of(&module, text).into_iter().map(|(_, p)| p.join("::")).collect();
    assert_eq!(paths, ["view::chart::AgeBucket", "view::search", "view::rows::Row"]);
    let root = root_reexports();
    assert_eq!(resolve(&["Error".into()], &root)[0], "api", "the root's re-exports count as what they re-export");
    assert_eq!(module_key(&["api".into(), "client".into(), "Client".into()]), ["api", "client"]);
    assert_eq!(module_key(&["store".into(), "Settings".into()]), ["store"]);
}
