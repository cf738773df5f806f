//! The artifact's exclusion rules (flux-semantics §2.1 step 1): gitignore patterns from
//! every `.sourceignore` in the tree plus `spec.ignore`, matched as go-git's `gitignore`
//! package does (fluxcd/pkg `sourceignore/sourceignore.go`); the defaults apply only when
//! no pattern exists at all (§5-A9).

use crate::fxhash::FxHashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use krust_kustomize::FileSystem;

const VCS: &[&str] = &[".git/", ".gitignore", ".gitmodules", ".gitattributes"];
const DEFAULTS: &[&str] = &[
    "*.jpg",
    "*.jpeg",
    "*.gif",
    "*.png",
    "*.wmv",
    "*.flv",
    "*.tar.gz",
    "*.zip",
    ".github/",
    ".circleci/",
    ".travis.yml",
    ".gitlab-ci.yml",
    "appveyor.yml",
    ".drone.yml",
    "cloudbuild.yaml",
    "codeship-services.yml",
    "codeship-steps.yml",
    "**/.goreleaser.yml",
    "**/.sops.yaml",
    "**/.flux.yaml",
];

/// One gitignore pattern (go-git `gitignore.pattern`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    domain: Vec<String>,
    inclusion: bool,
    dir_only: bool,
    is_glob: bool,
    parts: Vec<Part>,
}

/// One `/`-separated part of a pattern, with the form of Go `filepath.Match` it needs
/// decided once: most patterns are plain names or `*.ext`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    text: String,
    form: Form,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// No glob syntax: the name itself.
    Exact,
    /// `*` followed by a plain suffix: `filepath.Match` on a name (which has no `/`) is
    /// then `ends_with`.
    Suffix,
    /// Anything else.
    Glob,
}

impl Part {
    fn new(text: &str) -> Part {
        let meta = |s: &str| s.contains(['*', '?', '[', '\\']);
        let form = if !meta(text) {
            Form::Exact
        } else if text.strip_prefix('*').is_some_and(|rest| !meta(rest)) {
            Form::Suffix
        } else {
            Form::Glob
        };
        Part {
            text: text.to_string(),
            form,
        }
    }

    /// Go `filepath.Match` on one name; `None` for a bad pattern.
    fn matches(&self, name: &str) -> Option<bool> {
        match self.form {
            Form::Exact => Some(self.text == name),
            Form::Suffix => Some(name.ends_with(self.text.get(1..).unwrap_or_default())),
            Form::Glob => crate::envsubst::glob_match(&self.text, name),
        }
    }
}

impl Pattern {
    fn parse(line: &str, domain: &[String]) -> Option<Pattern> {
        if line.starts_with('#') || line.trim().is_empty() {
            return None;
        }
        let mut p = line;
        let inclusion = if let Some(rest) = p.strip_prefix('!') {
            p = rest;
            true
        } else {
            false
        };
        if !p.ends_with("\\ ") {
            p = p.trim_end_matches(' ');
        }
        let dir_only = if let Some(rest) = p.strip_suffix('/') {
            p = rest;
            true
        } else {
            false
        };
        Some(Pattern {
            domain: domain.to_vec(),
            inclusion,
            dir_only,
            is_glob: p.contains('/'),
            parts: p.split('/').map(Part::new).collect(),
        })
    }

    /// The one name an exclusion matches in any path component: a domain-free exclusion of
    /// one plain name or `*suffix` (`name`, `name/`), or the same after `**/`.
    fn by_name(&self) -> Option<&Part> {
        if !self.domain.is_empty() || self.inclusion {
            return None;
        }
        let part = match (self.is_glob, self.parts.as_slice()) {
            (false, [p]) => p,
            (true, [any, p]) if any.text == "**" => p,
            _ => return None,
        };
        (part.form != Form::Glob && !part.text.is_empty() && !part.text.contains("**"))
            .then_some(part)
    }

    /// `Some(true)`: excluded, `Some(false)`: included, `None`: no match.
    fn matches(&self, path: &[&str], is_dir: &dyn Fn() -> bool) -> Option<bool> {
        if path.len() <= self.domain.len() {
            return None;
        }
        if self.domain.iter().zip(path).any(|(d, p)| d != p) {
            return None;
        }
        let rest = path.get(self.domain.len()..).unwrap_or_default();
        let hit = if self.is_glob {
            self.glob_match(rest, is_dir)
        } else {
            self.simple_match(rest, is_dir)
        };

        hit.then_some(!self.inclusion)
    }

    fn simple_match(&self, path: &[&str], is_dir: &dyn Fn() -> bool) -> bool {
        let Some(pat) = self.parts.first() else {
            return false;
        };
        for (i, name) in path.iter().enumerate() {
            match pat.matches(name) {
                None => return false,
                Some(false) => continue,
                Some(true) => {}
            }
            if self.dir_only && i + 1 == path.len() && !is_dir() {
                return false;
            }
            return true;
        }
        false
    }

    fn glob_match(&self, path: &[&str], is_dir: &dyn Fn() -> bool) -> bool {
        let mut path = path;
        let mut matched = false;
        let mut can_traverse = false;
        for (i, pat) in self.parts.iter().enumerate() {
            let text = pat.text.as_str();
            if text.is_empty() {
                can_traverse = false;
                continue;
            }
            if text == "**" {
                if i + 1 == self.parts.len() {
                    break;
                }
                can_traverse = true;
                continue;
            }
            if text.contains("**") {
                return false;
            }
            let Some((first, _)) = path.split_first() else {
                return false;
            };
            if can_traverse {
                can_traverse = false;
                while let Some((e, rest)) = path.split_first() {
                    path = rest;
                    match pat.matches(e) {
                        None => return false,
                        Some(true) => {
                            matched = true;
                            break;
                        }
                        Some(false) if path.is_empty() => matched = false,
                        Some(false) => {}
                    }
                }
            } else {
                if pat.matches(first) != Some(true) {
                    return false;
                }
                matched = true;
                path = path.get(1..).unwrap_or_default();
            }
        }
        if matched && self.dir_only && path.is_empty() && !is_dir() {
            matched = false;
        }
        matched
    }
}

/// The exclusion rules of one source artifact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreRules {
    /// The VCS entries, and the defaults when nothing else is given (parsed once).
    base: &'static [Pattern],
    /// The base patterns as (name, directories only), when every one of them excludes by
    /// the name of one path component, so that a path is excluded by them when its parent
    /// is or when its own name matches: true of the VCS entries and the defaults.
    by_name: Option<&'static [(&'static Part, bool)]>,
    /// The patterns found in the tree and `spec.ignore`, in order.
    found: Vec<Pattern>,
}

fn parsed(lines: &[&[&str]]) -> Vec<Pattern> {
    lines
        .iter()
        .flat_map(|l| l.iter())
        .filter_map(|p| Pattern::parse(p, &[]))
        .collect()
}

impl IgnoreRules {
    /// The rules of the source tree at `root`: its `.sourceignore` files plus `extra`
    /// (`spec.ignore`, one pattern per line), or the defaults when there is none.
    #[cfg(test)]
    pub fn load(fs: &dyn FileSystem, root: &Path, extra: &str) -> IgnoreRules {
        SourceIndex::build(fs, root, extra).rules
    }

    fn from_found(found: Vec<Pattern>) -> IgnoreRules {
        static VCS_ONLY: OnceLock<Vec<Pattern>> = OnceLock::new();
        static WITH_DEFAULTS: OnceLock<Vec<Pattern>> = OnceLock::new();
        static VCS_NAMES: OnceLock<Option<Vec<(&'static Part, bool)>>> = OnceLock::new();
        static DEFAULT_NAMES: OnceLock<Option<Vec<(&'static Part, bool)>>> = OnceLock::new();
        let (base, names) = if found.is_empty() {
            (
                WITH_DEFAULTS.get_or_init(|| parsed(&[VCS, DEFAULTS])),
                &DEFAULT_NAMES,
            )
        } else {
            (VCS_ONLY.get_or_init(|| parsed(&[VCS])), &VCS_NAMES)
        };
        let base: &'static [Pattern] = base;
        let by_name = names
            .get_or_init(|| {
                base.iter()
                    .map(|p| p.by_name().map(|n| (n, p.dir_only)))
                    .collect()
            })
            .as_deref();
        IgnoreRules {
            base,
            by_name,
            found,
        }
    }

    /// The VCS entries and the default exclusions (fluxcd/pkg `NewDefaultMatcher`), as
    /// `SourceIgnoreFilter(nil, nil)` applies them to an ExternalArtifact.
    pub(crate) fn defaults() -> IgnoreRules {
        IgnoreRules::from_found(Vec::new())
    }

    /// The base patterns, when every one of them excludes by the name of one path
    /// component (so that a path is excluded by them when its parent is or when its own
    /// name matches): true of the VCS entries and the defaults.
    fn base_by_name(&self) -> Option<&'static [(&'static Part, bool)]> {
        self.by_name
    }

    /// The verdict of the patterns found in the tree and `spec.ignore` alone.
    fn found_verdict(&self, rel: &[&str], is_dir: bool) -> Option<bool> {
        self.found
            .iter()
            .rev()
            .find_map(|p| p.matches(rel, &|| is_dir))
    }

    /// Whether the path (components relative to the source root) is left out of the artifact.
    #[cfg(test)]
    pub fn is_excluded(&self, rel: &[&str], is_dir: bool) -> bool {
        self.is_excluded_lazy(rel, &|| is_dir)
    }

    /// [`IgnoreRules::is_excluded`], asking whether the path is a directory only when a
    /// directory-only pattern needs to know.
    pub(crate) fn is_excluded_lazy(&self, rel: &[&str], is_dir: &dyn Fn() -> bool) -> bool {
        self.found
            .iter()
            .rev()
            .chain(self.base.iter().rev())
            .find_map(|p| p.matches(rel, is_dir))
            .unwrap_or(false)
    }
}

/// One walk of a source tree: its rules, and for every entry whether it is a directory and
/// whether it is excluded, so that a file access is a table lookup rather than a pattern
/// match and a `stat` (the tree is assumed not to change during a render, as the
/// `Kustomizer` cache assumes).
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceIndex {
    pub rules: IgnoreRules,
    /// Walked entries by real path (the path's bytes: every path here is clean, so byte
    /// equality is path equality, and hashing bytes is far cheaper than `Path`'s hash).
    entries: FxHashMap<OsString, Entry>,
    /// The root itself.
    root: Entry,
    /// Whether the walk left parts out (`.git`, or nesting past the depth limit): paths
    /// there are checked against the rules and the file system when asked.
    partial: bool,
}

/// One walked entry.
#[derive(Debug, Clone, Default)]
pub(crate) struct Entry {
    pub is_dir: bool,
    pub excluded: bool,
    /// Where the entry's symbolic links lead, resolved the first time it is asked.
    pub canon: OnceLock<Canon>,
}

/// The `canonical` form of a real path, relative to its source root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Canon {
    /// No symbolic link on the way: the path itself.
    Same,
    /// Another path inside the source tree.
    Inside(PathBuf),
    /// A path outside the source tree (the entry is hidden).
    Outside,
    /// `canonical` failed.
    Failed,
}

impl Canon {
    /// Classifies `canonical(real)` for a source tree at `root` (both clean).
    pub(crate) fn of(real: &Path, root: &Path, canonical: Option<PathBuf>) -> Canon {
        match canonical {
            None => Canon::Failed,
            Some(c) if c.as_os_str() == real.as_os_str() || c == real => Canon::Same,
            Some(c) => {
                let fast = crate::artifact::is_clean(&c) && crate::artifact::is_clean(root);
                if crate::artifact::below(&c, root, fast).is_some() {
                    Canon::Inside(c)
                } else {
                    Canon::Outside
                }
            }
        }
    }
}

/// What the index knows about one path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Known<'a> {
    /// A walked entry.
    Entry(&'a Entry),
    /// Not in the tree.
    Missing,
    /// Not walked: ask the rules and the file system.
    Unknown,
}

const MAX_DEPTH: usize = 64;

impl SourceIndex {
    /// Walks the tree at `root` (a real, clean directory of `fs`); `extra` is `spec.ignore`.
    pub(crate) fn build(fs: &dyn FileSystem, root: &Path, extra: &str) -> SourceIndex {
        let mut w = Walk::default();
        w.walk(fs, root, None, &mut Vec::new(), 0);
        for line in extra.lines() {
            w.found.extend(Pattern::parse(line, &[]));
        }
        let rules = IgnoreRules::from_found(w.found);
        let mut entries = FxHashMap::with_capacity_and_hasher(w.walked.len(), Default::default());
        let mut parts: Vec<&str> = Vec::new();
        let by_name = rules.base_by_name();
        // Whether the base patterns exclude each walked entry (when they go by name).
        let mut base_excluded: Vec<bool> = Vec::with_capacity(w.walked.len());
        for (path, is_dir, parent) in &w.walked {
            let is_dir = *is_dir;
            let mut verdict = |parts: &[&str]| match by_name {
                Some(names) => {
                    let name = path.file_name().map(|n| n.to_string_lossy());
                    let inherited = parent
                        .and_then(|p| base_excluded.get(p).copied())
                        .unwrap_or(false);
                    let base = inherited
                        || name.is_some_and(|n| {
                            // `Pattern::matches` of a by-name pattern on the last component
                            // of a path none of whose directories it matches.
                            names.iter().any(|(part, dir_only)| {
                                part.matches(&n) == Some(true) && (!dir_only || is_dir)
                            })
                        });
                    base_excluded.push(base);
                    rules.found_verdict(parts, is_dir).unwrap_or(base)
                }
                None => rules.is_excluded_lazy(parts, &|| is_dir),
            };
            let rel = crate::artifact::below(path, root, true);
            let excluded = match rel.and_then(Path::to_str) {
                Some(r) => {
                    parts.clear();
                    if by_name.is_none() || !rules.found.is_empty() {
                        parts.extend(r.split('/'));
                    }
                    verdict(&parts)
                }
                None => {
                    let owned = components(path.strip_prefix(root).unwrap_or(path));
                    let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
                    verdict(&refs)
                }
            };
            entries.insert(
                path.as_os_str().to_os_string(),
                Entry {
                    is_dir,
                    excluded,
                    canon: OnceLock::new(),
                },
            );
        }
        SourceIndex {
            rules,
            entries,
            root: Entry {
                is_dir: true,
                excluded: false,
                canon: OnceLock::new(),
            },
            partial: w.partial,
        }
    }

    /// What the walk saw at `real` (a clean path below `root`).
    pub(crate) fn lookup(&self, root: &Path, real: &Path) -> Known<'_> {
        if real.as_os_str() == root.as_os_str() {
            return Known::Entry(&self.root);
        }
        if let Some(e) = self.entries.get(real.as_os_str()) {
            return Known::Entry(e);
        }
        if self.partial {
            return Known::Unknown;
        }
        Known::Missing
    }

    /// Whether a path the walk did not see is excluded by the rules.
    pub(crate) fn excluded_unwalked(
        &self,
        root: &Path,
        real: &Path,
        is_dir: &dyn Fn() -> bool,
    ) -> bool {
        let Ok(rel) = real.strip_prefix(root) else {
            return false;
        };
        let parts = components(rel);
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        !refs.is_empty() && self.rules.is_excluded_lazy(&refs, is_dir)
    }
}

/// The normal components of a relative path.
fn components(rel: &Path) -> Vec<String> {
    rel.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// The state of one walk.
#[derive(Default)]
struct Walk {
    found: Vec<Pattern>,
    /// Entries in walk order: path, is a directory, index of the parent directory's entry.
    walked: Vec<(PathBuf, bool, Option<usize>)>,
    partial: bool,
}

impl Walk {
    fn walk(
        &mut self,
        fs: &dyn FileSystem,
        dir: &Path,
        parent: Option<usize>,
        domain: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            self.partial = true;
            return;
        }
        let Ok(entries) = fs.read_dir(dir) else {
            return;
        };
        let has_ignore = entries
            .iter()
            .any(|e| e.file_name().is_some_and(|n| n == ".sourceignore"));
        if has_ignore {
            if let Ok(bytes) = fs.read_file(&dir.join(".sourceignore")) {
                for line in String::from_utf8_lossy(&bytes).lines() {
                    self.found.extend(Pattern::parse(line, domain));
                }
            }
        }
        for e in entries {
            let Some(name) = e.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                continue;
            };
            let is_dir = fs.is_dir(&e);
            if !is_dir {
                self.walked.push((e, false, parent));
                continue;
            }
            let me = self.walked.len();
            self.walked.push((e.clone(), true, parent));
            if name == ".git" {
                self.partial = true;
                continue;
            }
            domain.push(name);
            self.walk(fs, &e, Some(me), domain, depth + 1);
            domain.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use krust_kustomize::MemFs;

    #[test]
    fn defaults_apply_only_without_patterns() {
        let fs = MemFs::from_files([("r/a.yaml", "")]);
        let r = IgnoreRules::load(&fs, Path::new("/r"), "");
        assert!(r.is_excluded(&[".github", "workflows", "x.yaml"], false));
        assert!(r.is_excluded(&["img.png"], false));
        let r = IgnoreRules::load(&fs, Path::new("/r"), "docs/\n");
        assert!(!r.is_excluded(&[".github", "workflows", "x.yaml"], false));
        assert!(r.is_excluded(&[".git", "config"], false));
        assert!(r.is_excluded(&["docs", "a.yaml"], false));
    }

    #[test]
    fn negation_and_anchors() {
        let fs = MemFs::from_files([("r/.sourceignore", "/*\n!/apps/\n!/clusters/\n")]);
        let r = IgnoreRules::load(&fs, Path::new("/r"), "");
        assert!(r.is_excluded(&["README.md"], false));
        assert!(r.is_excluded(&["scripts", "x.yaml"], false));
        assert!(!r.is_excluded(&["apps", "base", "x.yaml"], false));
        assert!(!r.is_excluded(&["clusters"], true));
    }

    /// The index decides exclusion by name for the base patterns; it agrees with the rules
    /// applied to whole paths.
    #[test]
    fn index_agrees_with_the_rules() {
        let files = [
            "r/a.yaml",
            "r/img.png",
            "r/.github/workflows/ci.yaml",
            "r/docs/.github",
            "r/x/.git/config",
            "r/x/.gitignore",
            "r/deep/er/.sops.yaml",
            "r/deep/er/keep.yaml",
            "r/.circleci/config.yml",
            "r/a.tar.gz/inner.yaml",
            "r/sub/logo.jpg",
        ];
        for extra in ["", "docs/\n", "*.yaml\n!keep.yaml\n", "/deep\n"] {
            for with_ignore in [false, true] {
                let mut list: Vec<(&str, &str)> = files.iter().map(|f| (*f, "")).collect();
                if with_ignore {
                    list.push(("r/sub/.sourceignore", "*.jpg\n!logo.jpg\n"));
                }
                let fs = MemFs::from_files(list);
                let root = Path::new("/r");
                let index = SourceIndex::build(&fs, root, extra);
                let mut checked = 0;
                for (path, e) in &index.entries {
                    let path = Path::new(path);
                    let rel = path.strip_prefix(root).unwrap();
                    let parts: Vec<&str> = rel.iter().map(|c| c.to_str().unwrap()).collect();
                    assert_eq!(
                        e.excluded,
                        index.rules.is_excluded(&parts, e.is_dir),
                        "{} (extra {extra:?}, .sourceignore {with_ignore})",
                        rel.display()
                    );
                    checked += 1;
                }
                assert!(checked > files.len());
            }
        }
    }

    #[test]
    fn nested_sourceignore_is_scoped() {
        let fs = MemFs::from_files([("r/sub/.sourceignore", "*.yaml\n"), ("r/a.yaml", "")]);
        let r = IgnoreRules::load(&fs, Path::new("/r"), "");
        assert!(r.is_excluded(&["sub", "x.yaml"], false));
        assert!(!r.is_excluded(&["a.yaml"], false));
    }
}
