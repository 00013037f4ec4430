//! The locale files (`extension/_locales/*/messages.json`) against each other and
//! against the code that uses them.
//!
//! Fails when:
//! - a key is missing from either locale (en and de, both directions), a message is
//!   empty or a key is not one Chrome accepts;
//! - a message's placeholders differ between the locales (the `$NAME$` it uses, the
//!   `$1` each name stands for), or it uses one it does not define;
//! - a German message is the English one unchanged, unless listed in `SAME_IN_DE`;
//! - a plural message lacks one of the forms its language needs (`_one`, `_other`);
//! - a key is used in code but defined nowhere, or defined but used nowhere.
//!
//! "Used" means: `t('key')`, `plural('key', n)` (the `key_one` / `key_other` messages)
//! and `getMessage('key')` in `extension/*.js`; `data-i18n*="key"` and `__MSG_key__` in
//! `extension/*.html`; `__MSG_key__` in `manifest.json`; and the keys the scripts build
//! from codes (`t(\`cat${cat}\`)`): each such template is listed in `DYNAMIC` with its
//! codes, and where the codes come from Rust, the list is checked against `src/` (a
//! new variant without a message fails). A call whose key is neither a string nor a
//! listed template must be one of the pass-throughs in `PASS_THROUGH`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::disallowed_types, clippy::disallowed_methods, clippy::disallowed_macros)] // size rules bind the crate, not its tests

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every locale, and the plural forms (`Intl.PluralRules` cardinal categories) of its
/// language that a `plural()` message needs. English and German both have one and other.
const LOCALES: [(&str, &[&str]); 2] = [("en", &["one", "other"]), ("de", &["one", "other"])];

/// German messages that are the English ones on purpose (the same word in both).
const SAME_IN_DE: &[&str] = &["catNEWSLETTER", "rowNewsletter", "badgeErrTitle"];

/// Where a code list comes from, when Rust defines it (checked against `src/`).
#[derive(Clone, Copy, Debug)]
enum Source {
    /// The string literals of `pub const <name>: &[&str]`.
    RustConst(&'static str),
    /// The variants of `enum <name>`, in snake_case (as serde or `as_str` spell them).
    RustEnum(&'static str),
    /// The string literals `Some("…")` in the body of `fn <name>(`.
    RustFnSome(&'static str),
    /// Decided in the script itself (the comment says where).
    Script,
}

/// The received-invitation categories (`constants().categories`; a row's `category`).
const CATEGORIES: &[&str] = &["CONNECTION", "ORGANIZATION", "NEWSLETTER", "EVENT", "MEMBER_FOLLOW", "OTHER"];
/// `ActionKind::as_str`.
const ACTION_KINDS: &[&str] = &["withdraw", "accept", "ignore"];
/// A run's `progress.kind`: an `ActionKind`, or `mixed` when the run has several
/// (popup.js renderRun: `p.kind ?? 'mixed'`).
const RUN_KINDS: &[&str] = &["withdraw", "accept", "ignore", "mixed"];
/// The two daily caps popup.js allowanceText words: withdrawals, and responses (accept
/// and ignore).
const CAP_WORDS: &[&str] = &["withdraw", "respond"];
/// `AgeBucket` (serde snake_case): the Sent tab's age bars.
const AGE_BUCKETS: &[&str] = &["this_week", "one_to_two_weeks", "two_to_four_weeks", "one_to_three_months", "older"];
/// `Account::attention`: what the options page says next to an account that is not ready.
const ACCOUNT_ATTENTION: &[&str] = &["disabled", "no_seat", "warmup", "error", "unknown", "in_use", "other"];
/// `Invalid` (serde snake_case): what is wrong with an input that was never sent
/// (shared.js errorText, for an `invalid_input` error's `reason`).
const INVALID: &[&str] = &[
    "api_key_empty", "api_key_characters", "base_url_scheme", "base_url_port", "base_url_shape", "base_url_http", "account_id",
    "limits", "no_key", "no_snapshot", "no_writes", "busy", "nothing_to_do", "missing_field", "request", "argument",
];
/// `ItemReason` (serde snake_case): why an item of an action run failed, is unknown or
/// already gone (popup.js renderRun).
const ITEM_REASONS: &[&str] = &[
    "already_gone", "network", "timeout", "cancelled", "unreadable", "worker_stopped", "no_answer", "missing_field", "not_sent",
    "refused", "server", "unavailable", "rate_limited",
];
/// `StopReason` (serde snake_case): why a run stopped (popup.js stopText).
const STOP_REASONS: &[&str] = &["user", "cap", "unauthorized", "forbidden", "rate_limited", "account_changed", "repeated_failures"];
/// `CapKind` as it serializes: the daily limit a run reached (popup.js stopText).
const CAPS: &[&str] = &["withdrawals", "responses"];

/// The keys the scripts build at run time: the template as written in the call (between
/// the backticks), the codes that fill its one `${…}`, and where those come from.
const DYNAMIC: &[(&str, &[&str], Source)] = &[
    ("cat${cat}", CATEGORIES, Source::RustConst("CATEGORIES")),
    ("cat${row.category}", CATEGORIES, Source::RustConst("CATEGORIES")),
    ("act_${kind}", ACTION_KINDS, Source::RustEnum("ActionKind")),
    ("act_${kind}_n", ACTION_KINDS, Source::RustEnum("ActionKind")),
    ("act_${kind}_named", ACTION_KINDS, Source::RustEnum("ActionKind")),
    ("confirm_${kind}_title", ACTION_KINDS, Source::RustEnum("ActionKind")),
    ("confirm_${kind}_body", ACTION_KINDS, Source::RustEnum("ActionKind")),
    ("confirm_${kind}_all_title", ACTION_KINDS, Source::RustEnum("ActionKind")),
    ("confirm_${kind}_all_body", ACTION_KINDS, Source::RustEnum("ActionKind")),
    ("running_${p.kind ?? 'mixed'}", RUN_KINDS, Source::Script),
    ("done_${s.kind ?? 'mixed'}", RUN_KINDS, Source::Script),
    ("inv_${e.reason}", INVALID, Source::RustEnum("Invalid")),
    ("reason_${f.reason}", ITEM_REASONS, Source::RustEnum("ItemReason")),
    ("stop_${stop.reason}", STOP_REASONS, Source::RustEnum("StopReason")),
    ("cap_${stop.cap}", CAPS, Source::RustEnum("CapKind")),
    ("allow_${kind === 'withdraw' ? 'withdraw' : 'respond'}", CAP_WORDS, Source::Script),
    ("age_${bar.bucket}", AGE_BUCKETS, Source::RustEnum("AgeBucket")),
    ("acct_${a.attention}", ACCOUNT_ATTENTION, Source::RustFnSome("attention")),
];

/// Calls whose key is not written at the call: (file, function, the argument as
/// written, without comments). Each names where its keys are checked instead.
const PASS_THROUGH: &[(&str, &str, &str)] = &[
    // t() itself, in shared.js and in rows.js (a classic script): its callers are checked.
    ("shared.js", "getMessage", "key"),
    ("rows.js", "getMessage", "key"),
    // plural(), in shared.js and in rows.js: its callers are checked, with both forms.
    ("shared.js", "getMessage", "`${key}_${plurals.select(n)}`"),
    ("shared.js", "t", "`${key}_other`"),
    ("rows.js", "getMessage", "`${key}_${plurals.select(n)}`"),
    ("rows.js", "t", "`${key}_other`"),
    // localize(): the data-i18n* attributes of the HTML, checked below.
    ("shared.js", "t", "(el.dataset.i18n)"),
    ("shared.js", "t", "(el.dataset.i18nLabel)"),
    ("shared.js", "t", "(el.dataset.i18nPlaceholder)"),
    ("shared.js", "t", "(el.dataset.i18nTitle)"),
];

/// Error kinds (`Error::kind`) that shared.js errorText words with its default case
/// (`errOther` and the error's message) on purpose: none (every kind Rust sends has its
/// own words; the default is for errors of the browser's own).
const ERROR_KINDS_BY_DEFAULT: &[&str] = &[];

// ---------------------------------------------------------------------------------
// The locale files

#[derive(Debug)]
struct Message {
    text: String,
    /// Placeholder name (lower case: Chrome ignores case) → its content (`$1`).
    placeholders: BTreeMap<String, String>,
}

fn read_locale(lang: &str) -> BTreeMap<String, Message> {
    let path = Path::new(ROOT).join("extension/_locales").join(lang).join("messages.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
    let Value::Object(entries) = json else { panic!("{}: not an object", path.display()) };
    let mut out = BTreeMap::new();
    for (key, entry) in entries {
        let Value::Object(fields) = entry else { panic!("{lang}/{key}: not an object") };
        for field in fields.keys() {
            assert!(["message", "description", "placeholders"].contains(&field.as_str()), "{lang}/{key}: unknown field {field:?}");
        }
        let text = fields.get("message").and_then(Value::as_str).unwrap_or_else(|| panic!("{lang}/{key}: no message"));
        assert!(!text.trim().is_empty(), "{lang}/{key}: an empty message");
        let mut placeholders = BTreeMap::new();
        if let Some(p) = fields.get("placeholders") {
            let Value::Object(p) = p else { panic!("{lang}/{key}: placeholders is not an object") };
            for (name, def) in p {
                let content = def.get("content").and_then(Value::as_str).unwrap_or_else(|| panic!("{lang}/{key}: placeholder {name} has no content"));
                assert!(placeholders.insert(name.to_ascii_lowercase(), content.to_string()).is_none(), "{lang}/{key}: placeholder {name} twice");
            }
        }
        out.insert(key, Message { text: text.to_string(), placeholders });
    }
    out
}

/// The `$NAME$` placeholders a message uses (lower case), and its direct `$1`…`$9`.
fn placeholders_used(text: &str) -> (BTreeSet<String>, BTreeSet<char>) {
    let (mut named, mut positional) = (BTreeSet::new(), BTreeSet::new());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '$' {
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'$') {
            i += 2; // "$$" is a literal dollar
            continue;
        }
        if let Some(d) = chars.get(i + 1).filter(|c| c.is_ascii_digit()) {
            positional.insert(*d);
            i += 2;
            continue;
        }
        let name: String = chars[i + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '_' || **c == '@').collect();
        if !name.is_empty() && chars.get(i + 1 + name.len()) == Some(&'$') {
            named.insert(name.to_ascii_lowercase());
            i += name.len() + 2;
        } else {
            i += 1;
        }
    }
    (named, positional)
}

#[test]
fn both_locales_have_every_key_with_the_same_placeholders() {
    let en = read_locale("en");
    let mut problems = Vec::new();
    for (lang, _) in LOCALES {
        let other = read_locale(lang);
        for key in en.keys().filter(|k| !other.contains_key(*k)) {
            problems.push(format!("{lang}: missing {key} (defined in en)"));
        }
        for key in other.keys().filter(|k| !en.contains_key(*k)) {
            problems.push(format!("en: missing {key} (defined in {lang})"));
        }
        let mut folded = BTreeMap::new();
        for (key, message) in &other {
            if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@') || key.starts_with("@@") {
                problems.push(format!("{lang}/{key}: a key holds only A-Z a-z 0-9 _ (and no leading @@)"));
            }
            if let Some(first) = folded.insert(key.to_ascii_lowercase(), key) {
                problems.push(format!("{lang}: {first} and {key} are one key to the browser (case is ignored)"));
            }
            let (named, _) = placeholders_used(&message.text);
            for name in named.iter().filter(|n| !message.placeholders.contains_key(*n)) {
                problems.push(format!("{lang}/{key}: uses ${}$ but does not define it", name.to_uppercase()));
            }
            let Some(base) = en.get(key) else { continue };
            if placeholders_used(&message.text) != placeholders_used(&base.text) {
                problems.push(format!("{lang}/{key}: placeholders {:?} differ from en's {:?}", placeholders_used(&message.text), placeholders_used(&base.text)));
            }
            if message.placeholders != base.placeholders {
                problems.push(format!("{lang}/{key}: placeholder definitions {:?} differ from en's {:?}", message.placeholders, base.placeholders));
            }
            if lang != "en" && message.text == base.text && !SAME_IN_DE.contains(&key.as_str()) && key != "extName" {
                problems.push(format!("{lang}/{key}: not translated (\"{}\"); if it is the same word, list it in SAME_IN_DE", message.text));
            }
        }
    }
    assert!(en.len() > 100, "the English locale is read ({} keys)", en.len());
    assert!(problems.is_empty(), "locale problems:\n  {}", problems.join("\n  "));
}

#[test]
fn plural_messages_have_every_form_of_their_language() {
    let mut problems = Vec::new();
    for (lang, forms) in LOCALES {
        let messages = read_locale(lang);
        let bases: BTreeSet<&str> = messages.keys().filter_map(|k| plural_base(k)).collect();
        for base in bases {
            for form in forms {
                if !messages.contains_key(&format!("{base}_{form}")) {
                    problems.push(format!("{lang}: {base}_{form} is missing (plural forms of {lang}: {forms:?})"));
                }
            }
        }
        let lang_tag = messages.get("lang").map(|m| m.text.as_str());
        if lang_tag != Some(lang) {
            problems.push(format!("{lang}: the `lang` message is {lang_tag:?}: it names the locale's own language, {lang:?}"));
        }
    }
    assert!(problems.is_empty(), "plural problems:\n  {}", problems.join("\n  "));
}

/// `skipped` for `skipped_one`: a key ending in a plural form other than `other` (which
/// also ends keys that are not plural, such as the account status `acct_other`). Keys
/// used through plural() need every form anyway: `used_keys` counts them all as used.
fn plural_base(key: &str) -> Option<&str> {
    let forms: BTreeSet<&str> = LOCALES.iter().flat_map(|(_, f)| f.iter().copied()).filter(|f| *f != "other").collect();
    let (base, form) = key.rsplit_once('_')?;
    forms.contains(form).then_some(base)
}

// ---------------------------------------------------------------------------------
// The scripts

/// One argument as written: a string literal, a template literal (between backticks),
/// or any other expression.
#[derive(Debug, PartialEq)]
enum Arg {
    Literal(String),
    Template(String),
    Expr(String),
}

fn files(dir: &str, ext: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fs::read_dir(Path::new(ROOT).join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// The source without its comments (strings, templates and regular expressions that
/// hold `//` are kept as they are).
fn strip_js_comments(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            out.push(' ');
        } else if c == '\'' || c == '"' || c == '`' {
            let end = string_end(&chars, i);
            out.extend(&chars[i..end]);
            i = end;
        } else if c == '/' && regex_may_start(&out) {
            // A regular expression literal: copied to its closing slash.
            out.push(c);
            i += 1;
            let mut class = false;
            while i < chars.len() && chars[i] != '\n' {
                let d = chars[i];
                out.push(d);
                i += 1;
                if d == '\\' {
                    if let Some(e) = chars.get(i) {
                        out.push(*e);
                        i += 1;
                    }
                } else if d == '[' {
                    class = true;
                } else if d == ']' {
                    class = false;
                } else if d == '/' && !class {
                    break;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Whether a `/` after `before` starts a regular expression (not a division).
fn regex_may_start(before: &str) -> bool {
    matches!(before.trim_end().chars().last(), None | Some('(' | ',' | '=' | ':' | '[' | '!' | '&' | '|' | '?' | '{' | '}' | ';'))
}

/// The index after the string, template or quoted literal starting at `start`.
fn string_end(chars: &[char], start: usize) -> usize {
    let quote = chars[start];
    let mut i = start + 1;
    let mut depth = 0; // `${ … }` nesting inside a template
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            i += 2;
            continue;
        }
        if quote == '`' && depth == 0 && c == '$' && chars.get(i + 1) == Some(&'{') {
            depth = 1;
            i += 2;
            continue;
        }
        if depth > 0 {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                '\'' | '"' | '`' => {
                    i = string_end(chars, i);
                    continue;
                }
                _ => {}
            }
        } else if c == quote {
            return i + 1;
        }
        i += 1;
    }
    chars.len()
}

/// The first argument of every call of `name` in `src` (comments stripped): `t(` and
/// `plural(` as plain calls (not methods, not their own definitions), `getMessage(`
/// also as a method.
fn first_args(src: &str, name: &str) -> Vec<Arg> {
    let chars: Vec<char> = src.chars().collect();
    let pattern: Vec<char> = format!("{name}(").chars().collect();
    let method = name == "getMessage";
    let mut out = Vec::new();
    let mut i = 0;
    while i + pattern.len() <= chars.len() {
        if chars[i] == '`' {
            // Calls inside a template's `${…}` are calls too.
            for hole in template_holes(&chars, i) {
                out.extend(first_args(&hole, name));
            }
        }
        if chars[i] == '\'' || chars[i] == '"' || chars[i] == '`' {
            i = string_end(&chars, i);
            continue;
        }
        if chars[i..i + pattern.len()] != pattern[..] {
            i += 1;
            continue;
        }
        let before = if i == 0 { ' ' } else { chars[i - 1] };
        let before_word: String = chars[..i].iter().collect::<String>().trim_end().rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("").to_string();
        let is_call = !(before.is_alphanumeric() || before == '_' || before == '$' || (before == '.' && !method)) && before_word != "function";
        i += pattern.len();
        if !is_call {
            continue;
        }
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let start = i;
        let end = arg_end(&chars, start);
        let text: String = chars[start..end].iter().collect::<String>().trim().to_string();
        let first = chars.get(start).copied().unwrap_or(' ');
        let whole_literal = matches!(first, '\'' | '"' | '`') && string_end(&chars, start) == start + text.chars().count();
        out.push(match (first, whole_literal) {
            ('\'' | '"', true) => Arg::Literal(text[1..text.len() - 1].to_string()),
            ('`', true) => Arg::Template(text[1..text.len() - 1].to_string()),
            _ => Arg::Expr(text),
        });
        i = end;
    }
    out
}

/// The source of each `${…}` of the template starting at `start`.
fn template_holes(chars: &[char], start: usize) -> Vec<String> {
    let end = string_end(chars, start);
    let mut holes = Vec::new();
    let mut i = start + 1;
    while i < end {
        match chars[i] {
            '\\' => i += 2,
            '$' if chars.get(i + 1) == Some(&'{') => {
                let (mut depth, from) = (0, i + 1);
                while i < end {
                    match chars[i] {
                        '\'' | '"' | '`' => {
                            i = string_end(chars, i);
                            continue;
                        }
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                holes.push(chars[from + 1..i.min(end)].iter().collect());
                i += 1;
            }
            _ => i += 1,
        }
    }
    holes
}

/// The end of the argument starting at `start`: the first `,` or `)` outside brackets
/// and strings.
fn arg_end(chars: &[char], start: usize) -> usize {
    let mut depth = 0i32;
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '\'' | '"' | '`' => {
                i = string_end(chars, i);
                continue;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth > 0 => depth -= 1,
            ',' | ')' if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    chars.len()
}

/// The keys of a template's codes: `cat${cat}` with `CONNECTION` is `catCONNECTION`.
fn expand(template: &str, codes: &[&str]) -> Vec<String> {
    let chars: Vec<char> = template.chars().collect();
    let open = (0..chars.len().saturating_sub(1))
        .find(|&i| chars[i] == '$' && chars[i + 1] == '{')
        .unwrap_or_else(|| panic!("`{template}` has no ${{…}}"));
    let (mut depth, mut i) = (0, open + 1);
    let close = loop {
        match chars.get(i) {
            None => panic!("`{template}`: no closing brace"),
            Some('\'' | '"' | '`') => {
                i = string_end(&chars, i);
                continue;
            }
            Some('{') => depth += 1,
            Some('}') => {
                depth -= 1;
                if depth == 0 {
                    break i;
                }
            }
            _ => {}
        }
        i += 1;
    };
    let head: String = chars[..open].iter().collect();
    let tail: String = chars[close + 1..].iter().collect();
    assert!(!tail.contains("${"), "`{template}`: one ${{…}} per template (the codes fill it)");
    codes.iter().map(|c| format!("{head}{c}{tail}")).collect()
}

/// Every key the scripts, the pages and the manifest use; panics on a call it cannot
/// account for.
fn used_keys() -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let mut unknown = Vec::new();
    let mut pass_through_seen = BTreeSet::new();
    let mut templates_seen = BTreeSet::new();
    let plural_forms = |base: &str| -> Vec<String> {
        let forms: BTreeSet<&str> = LOCALES.iter().flat_map(|(_, f)| f.iter().copied()).collect();
        forms.into_iter().map(|f| format!("{base}_{f}")).collect()
    };
    for (file, src) in files("extension", "js") {
        let src = strip_js_comments(&src);
        for name in ["t", "plural", "getMessage"] {
            for arg in first_args(&src, name) {
                let written = match &arg {
                    Arg::Template(t) => format!("`{t}`"),
                    Arg::Literal(l) | Arg::Expr(l) => l.clone(),
                };
                if let Some(p) = PASS_THROUGH.iter().position(|(f, n, a)| *f == file && *n == name && *a == written) {
                    pass_through_seen.insert(p);
                    continue;
                }
                let keys = match &arg {
                    Arg::Literal(key) => vec![key.clone()],
                    Arg::Template(t) => match DYNAMIC.iter().find(|(d, _, _)| d == t) {
                        Some((d, codes, _)) => {
                            templates_seen.insert(*d);
                            expand(t, codes)
                        }
                        None => {
                            unknown.push(format!("{file}: {name}(`{t}`) builds keys from codes the test does not know: list the template and its codes in DYNAMIC"));
                            continue;
                        }
                    },
                    Arg::Expr(e) => {
                        unknown.push(format!("{file}: {name}({e}, …): the key is neither a string nor a known template (write t('key'), or list it in PASS_THROUGH)"));
                        continue;
                    }
                };
                for key in keys {
                    if name == "plural" {
                        used.extend(plural_forms(&key));
                    } else {
                        used.insert(key);
                    }
                }
            }
        }
    }
    for (p, entry) in PASS_THROUGH.iter().enumerate() {
        if !pass_through_seen.contains(&p) {
            unknown.push(format!("PASS_THROUGH lists {entry:?}, which no script has any more"));
        }
    }
    for (d, _, _) in DYNAMIC {
        if !templates_seen.contains(d) {
            unknown.push(format!("DYNAMIC lists `{d}`, which no script builds any more"));
        }
    }

    let handled = strip_js_comments(&fs::read_to_string(Path::new(ROOT).join("extension/shared.js")).unwrap());
    for (file, html) in files("extension", "html") {
        for (attr, key) in i18n_attributes(&html) {
            if !handled.contains(&format!("[{attr}]")) {
                unknown.push(format!("{file}: {attr}=\"{key}\" is not an attribute shared.js localize() fills"));
            }
            used.insert(key);
        }
        used.extend(msg_refs(&html));
    }
    used.extend(msg_refs(&fs::read_to_string(Path::new(ROOT).join("manifest.json")).unwrap()));
    assert!(unknown.is_empty(), "keys the test cannot check:\n  {}", unknown.join("\n  "));
    used
}

/// `(data-i18n…, key)` for each such attribute of a page.
fn i18n_attributes(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, _) in html.match_indices("data-i18n") {
        let rest = &html[i..];
        let Some(eq) = rest.find('=') else { continue };
        let attr = &rest[..eq];
        assert!(attr.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "an attribute without a value: {attr}");
        let value = &rest[eq + 1..];
        let quote = value.chars().next().unwrap();
        assert!(quote == '"' || quote == '\'', "{attr}: an unquoted value");
        let end = value[1..].find(quote).unwrap();
        out.push((attr.to_string(), value[1..1 + end].to_string()));
    }
    out
}

/// The keys of `__MSG_key__` references.
fn msg_refs(text: &str) -> Vec<String> {
    text.match_indices("__MSG_")
        .filter_map(|(i, _)| {
            let rest = &text[i + "__MSG_".len()..];
            rest.find("__").map(|end| rest[..end].to_string())
        })
        .collect()
}

#[test]
fn every_key_used_is_defined_and_every_key_defined_is_used() {
    let used = used_keys();
    let defined: BTreeSet<String> = read_locale("en").into_keys().collect();
    // `lang` is read through t('lang') in shared.js, so it is used like any other key.
    let missing: Vec<_> = used.difference(&defined).collect();
    let unused: Vec<_> = defined.difference(&used).collect();
    assert!(used.len() > 100, "the scanner finds the keys in use ({} found)", used.len());
    assert!(missing.is_empty() && unused.is_empty(), "used in code but defined nowhere: {missing:?}\ndefined but used nowhere: {unused:?}");
}

// ---------------------------------------------------------------------------------
// The codes Rust sends

fn rust_sources() -> String {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&Path::new(ROOT).join("src"), &mut paths);
    paths.sort();
    paths.iter().map(|p| fs::read_to_string(p).unwrap()).collect::<Vec<_>>().join("\n")
}

/// The text of the first `{ … }` block after `head` (which must occur once in `src`).
fn block_after<'a>(src: &'a str, head: &str) -> &'a str {
    let found: Vec<_> = src.match_indices(head).collect();
    assert_eq!(found.len(), 1, "`{head}` occurs {} times in src/", found.len());
    block_at(src, found[0].0)
}

/// The text of the first `{ … }` block at or after `from`.
fn block_at(src: &str, from: usize) -> &str {
    let start = from + src[from..].find('{').unwrap();
    let mut depth = 0;
    for (i, c) in src[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &src[start + 1..start + i];
                }
            }
            _ => {}
        }
    }
    panic!("no closing brace after {:?}", &src[from..(from + 40).min(src.len())]);
}

/// The body of the one method `method` of the `impl` blocks that open with `head`.
fn method_body<'a>(src: &'a str, head: &str, method: &str) -> &'a str {
    let mut found = Vec::new();
    for (i, _) in src.match_indices(head) {
        let block = block_at(src, i);
        if block.contains(method) {
            found.push(block_after(block, method));
        }
    }
    assert_eq!(found.len(), 1, "`{method}` in `{head}` occurs {} times in src/", found.len());
    found[0]
}

fn string_literals(text: &str) -> Vec<String> {
    text.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn rust_codes(src: &str, source: Source) -> Option<Vec<String>> {
    Some(match source {
        Source::RustConst(name) => {
            let head = format!("pub const {name}: &[&str] = &[");
            let start = src.find(&head).unwrap_or_else(|| panic!("`{head}` not found in src/")) + head.len();
            string_literals(&src[start..start + src[start..].find(']').unwrap()])
        }
        Source::RustEnum(name) => block_after(src, &format!("pub enum {name} "))
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
            .map(|l| snake_case(&l.chars().take_while(|c| c.is_alphanumeric()).collect::<String>()))
            .collect(),
        Source::RustFnSome(name) => {
            let body = block_after(src, &format!("pub fn {name}(&self)"));
            body.match_indices("Some(\"").map(|(i, _)| string_literals(&body[i..])[0].clone()).collect()
        }
        Source::Script => return None,
    })
}

#[test]
fn every_code_rust_sends_has_its_message() {
    let src = rust_sources();
    let mut problems = Vec::new();
    for (template, codes, source) in DYNAMIC {
        let Some(mut rust) = rust_codes(&src, *source) else { continue };
        let mut ours: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
        rust.sort();
        ours.sort();
        if rust != ours {
            problems.push(format!("`{template}`: src/ has the codes {rust:?} ({source:?}), the test knows {ours:?}: add the new ones to the list and their messages to every locale"));
        }
    }
    // Error kinds: shared.js errorText words each one (a `case`), or lets the default
    // word it on purpose.
    let kinds = string_literals(method_body(&src, "impl Error {", "pub fn kind(&self)"));
    let shared = fs::read_to_string(Path::new(ROOT).join("extension/shared.js")).unwrap();
    let error_text = &shared[shared.find("export function errorText").expect("shared.js errorText")..];
    for kind in kinds.iter().filter(|k| !ERROR_KINDS_BY_DEFAULT.contains(&k.as_str())) {
        if !error_text.contains(&format!("case '{kind}'")) {
            problems.push(format!("the error kind {kind:?} (Error::kind) has no case in shared.js errorText"));
        }
    }
    assert!(kinds.len() >= 10, "Error::kind's kinds are read ({kinds:?})");
    assert!(problems.is_empty(), "codes without messages:\n  {}", problems.join("\n  "));
}

// ---------------------------------------------------------------------------------
// The test's own tools

#[test]
fn the_scanner_reads_calls_as_written() {
    let src = strip_js_comments(
        "// t('comment')\nconst a = t('one', x); /* t('block') */ b.t('method'); plural('p', n);\n\
         t(`cat${c}`); t(k ? 'x' : 'y'); api.i18n.getMessage('g'); function t(key) {}\n\
         const url = 'https://x//t(\\'no\\')'; s.replace(/\\/\\*$/, ''); t(\"dq\"); x = `${a} ${t(`in${b}`)}`;",
    );
    assert_eq!(first_args(&src, "t"), [
        Arg::Literal("one".into()),
        Arg::Template("cat${c}".into()),
        Arg::Expr("k ? 'x' : 'y'".into()),
        Arg::Literal("dq".into()),
        Arg::Template("in${b}".into()),
    ]);
    assert_eq!(first_args(&src, "plural"), [Arg::Literal("p".into())]);
    assert_eq!(first_args(&src, "getMessage"), [Arg::Literal("g".into())]);
    assert_eq!(expand("a_${x ? 'b' : `c${d}`}_z", &["1", "2"]), ["a_1_z", "a_2_z"]);
    assert_eq!(placeholders_used("$N$ of $Total$, $1 and $$5"), (["n", "total"].map(String::from).into(), ['1'].into()));
    assert_eq!(snake_case("OneToTwoWeeks"), "one_to_two_weeks");
}
