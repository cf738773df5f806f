//! The ExternalArtifacts of an ArtifactGenerator (flux-semantics §4), staged as
//! source-watcher stages them (fluxcd/source-watcher `internal/builder/builder.go`
//! `applyCopyOperations`, `merge.go`): the copy operations of one `artifacts[]` entry run in
//! order over an empty staging tree, with `cp`-like semantics:
//!
//! * `from: "@alias/path"` without glob characters (`*?[]`) copies a file (to `to` when `to`
//!   has no trailing slash and is not a staged directory, else into it) or a directory (as a
//!   subdirectory of `to`; `@alias/` copies the source's contents);
//! * a glob `from` is matched with Go's `io/fs.Glob` (one segment per pattern segment, so
//!   `dir/**` is `dir/*`); each match is copied, a `dir/**` match without the `dir/` prefix,
//!   any other match at its full path below `to`; a directory match is copied recursively;
//! * `exclude` patterns (doublestar) are matched against the source-relative path and the
//!   path relative to the literal prefix of `from`; one without `/` also against the file
//!   name;
//! * `strategy: Merge` deep-merges a YAML file into an existing staged file (maps merged,
//!   everything else replaced, all documents of a file merged into one map), printed as
//!   sigs.k8s.io/yaml prints it; `Overwrite` (the default) replaces it.
//!
//! The staged tree is then archived with `SourceIgnoreFilter(nil, nil)`: the default
//! exclusions (VCS, extensions, CI files) leave it.
//!
//! # Limitations
//! `strategy: Extract` (tarballs) and `spec.pathPattern` are not supported.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use krust_kustomize::FileSystem;
use krust_yaml::{Typing, Value};

use crate::doublestar;
use crate::sourceignore::IgnoreRules;

/// One file of a staged artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StagedFile {
    /// The file at this path of the artifact file system (a source's mount).
    Copy(PathBuf),
    /// Contents made by a merge.
    Bytes(Arc<Vec<u8>>),
}

/// A staged artifact: files and directories by slash-separated relative path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Tree {
    pub files: BTreeMap<String, StagedFile>,
    /// Every directory, the parents of every file included (the root is not listed).
    pub dirs: BTreeSet<String>,
}

impl Tree {
    fn is_dir(&self, rel: &str) -> bool {
        rel == "." || rel.is_empty() || self.dirs.contains(rel)
    }

    fn exists(&self, rel: &str) -> bool {
        self.is_dir(rel) || self.files.contains_key(rel)
    }

    fn mkdir_all(&mut self, rel: &str) -> Result<(), String> {
        if rel == "." || rel.is_empty() {
            return Ok(());
        }
        let mut cur = String::new();
        for part in rel.split('/') {
            if !cur.is_empty() {
                cur.push('/');
            }
            cur.push_str(part);
            if self.files.contains_key(&cur) {
                return Err(format!("mkdir {cur}: not a directory"));
            }
            self.dirs.insert(cur.clone());
        }
        Ok(())
    }

    fn write(&mut self, rel: &str, f: StagedFile) -> Result<(), String> {
        if self.dirs.contains(rel) || rel == "." {
            return Err(format!("open {rel}: is a directory"));
        }
        if let Some((parent, _)) = rel.rsplit_once('/') {
            self.mkdir_all(parent)?;
        }
        self.files.insert(rel.to_string(), f);
        Ok(())
    }

    /// The names directly below directory `rel`.
    pub(crate) fn children(&self, rel: &str) -> Vec<String> {
        let prefix = if rel.is_empty() || rel == "." {
            String::new()
        } else {
            format!("{rel}/")
        };
        let mut out: BTreeSet<String> = BTreeSet::new();
        let below = |k: &String| -> Option<String> {
            let rest = k.strip_prefix(&prefix)?;
            Some(rest.split('/').next().unwrap_or(rest).to_string())
        };
        for k in self.files.keys().chain(self.dirs.iter()) {
            if let Some(n) = below(k).filter(|n| !n.is_empty()) {
                out.insert(n);
            }
        }
        out.into_iter().collect()
    }
}

/// One `spec.artifacts[].copy[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CopyOp {
    pub from: String,
    pub to: String,
    pub exclude: Vec<String>,
    pub strategy: String,
}

impl CopyOp {
    /// Reads a copy entry; `None` when it is not a mapping.
    pub(crate) fn from_value(v: &Value) -> Option<CopyOp> {
        if !v.is_map() {
            return None;
        }
        Some(CopyOp {
            from: v.str_at(&["from"]).unwrap_or("").to_string(),
            to: v.str_at(&["to"]).unwrap_or("").to_string(),
            exclude: v
                .get("exclude")
                .and_then(Value::as_seq)
                .into_iter()
                .flatten()
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect(),
            strategy: v.str_at(&["strategy"]).unwrap_or("").to_string(),
        })
    }
}

/// `parseCopySource`: `@alias/pattern`.
pub(crate) fn source_alias(from: &str) -> Result<(&str, &str), String> {
    let rest = from
        .strip_prefix('@')
        .ok_or_else(|| "source must start with '@'".to_string())?;
    rest.split_once('/')
        .ok_or_else(|| "source format must be '@alias/pattern'".to_string())
}

/// Where the sources of the generator are: alias → the source's root in `fs`.
pub(crate) struct Sources<'a> {
    pub fs: &'a dyn FileSystem,
    pub roots: &'a HashMap<String, PathBuf>,
}

impl Sources<'_> {
    fn abs(&self, root: &Path, rel: &str) -> PathBuf {
        if rel == "." || rel.is_empty() {
            root.to_path_buf()
        } else {
            root.join(rel)
        }
    }
}

/// Stages one artifact from its copy operations; the error is source-watcher's message.
pub(crate) fn stage(ops: &[CopyOp], sources: &Sources<'_>) -> Result<Tree, String> {
    let mut tree = Tree::default();
    for op in ops {
        apply(op, sources, &mut tree).map_err(|e| {
            format!(
                "failed to apply copy operation from '{}' to '{}': {e}",
                op.from, op.to
            )
        })?;
    }
    Ok(finish(tree))
}

/// The archive step: `SourceIgnoreFilter(nil, nil)` drops the default exclusions.
fn finish(tree: Tree) -> Tree {
    let rules = IgnoreRules::defaults();
    let parts = |p: &str| p.split('/').map(str::to_string).collect::<Vec<_>>();
    let mut out = Tree::default();
    for (p, f) in tree.files {
        let v = parts(&p);
        let refs: Vec<&str> = v.iter().map(String::as_str).collect();
        if rules.is_excluded_lazy(&refs, &|| false) {
            continue;
        }
        if let Some((parent, _)) = p.rsplit_once('/') {
            // Extraction creates the parents of every file.
            let _ = out.mkdir_all(parent);
        }
        out.files.insert(p, f);
    }
    for d in tree.dirs {
        let v = parts(&d);
        let refs: Vec<&str> = v.iter().map(String::as_str).collect();
        if !rules.is_excluded_lazy(&refs, &|| true) {
            out.dirs.insert(d);
        }
    }
    out
}

fn apply(op: &CopyOp, sources: &Sources<'_>, tree: &mut Tree) -> Result<(), String> {
    let (alias, pattern) =
        source_alias(&op.from).map_err(|e| format!("invalid copy source '{}': {e}", op.from))?;
    let dest = op.to.strip_prefix("@artifact/").ok_or_else(|| {
        format!(
            "invalid copy destination '{}': destination must start with '@artifact/'",
            op.to
        )
    })?;
    let root = sources
        .roots
        .get(alias)
        .ok_or_else(|| format!("source alias '{alias}' not found"))?;
    for p in &op.exclude {
        if doublestar::matches(p, ".").is_err() {
            return Err(format!("invalid exclude pattern '{p}'"));
        }
    }
    if op.strategy == "Extract" {
        return Err("the Extract strategy (tarballs) is not supported offline by krust".into());
    }
    let dest_slash = op.to.ends_with('/');
    if !pattern.contains(['*', '?', '[', ']']) {
        return single_source(op, sources, root, pattern, tree, dest, dest_slash);
    }
    let matches = fs_glob(sources, root, pattern, 0)
        .map_err(|_| format!("invalid glob pattern '{pattern}': syntax error in pattern"))?;
    if matches.is_empty() {
        return Err(format!(
            "no files match pattern '{pattern}' in source '{alias}'"
        ));
    }
    let base = selection_root(pattern);
    let filtered: Vec<String> = matches
        .into_iter()
        .filter(|m| m != "." && m != "..")
        .filter(|m| !exclude_path(m, &base, &op.exclude))
        .collect();
    if filtered.is_empty() {
        return Err(format!(
            "all files matching pattern '{pattern}' in source '{alias}' were excluded"
        ));
    }
    for m in filtered {
        let to = glob_destination(pattern, &m, dest);
        copy_entry(op, sources, root, &m, tree, &to, &base)
            .map_err(|e| format!("failed to copy file '{m}' to '{to}': {e}"))?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn single_source(
    op: &CopyOp,
    sources: &Sources<'_>,
    root: &Path,
    src: &str,
    tree: &mut Tree,
    dest: &str,
    dest_slash: bool,
) -> Result<(), String> {
    let src = clean(src);
    check_rel(&src)?;
    let abs = sources.abs(root, &src);
    if !sources.fs.exists(&abs) {
        return Err(format!("source '{src}' does not exist"));
    }
    if sources.fs.is_dir(&abs) {
        let to = join(dest, base_name(&src));
        return copy_entry(op, sources, root, &src, tree, &to, &src);
    }
    if exclude_path(&src, ".", &op.exclude) {
        return Ok(());
    }
    let to = if dest_slash || tree.is_dir(&clean(dest)) {
        join(dest, base_name(&src))
    } else {
        clean(dest)
    };
    copy_entry(op, sources, root, &src, tree, &to, ".")
}

/// `copyFileWithRoots`.
fn copy_entry(
    op: &CopyOp,
    sources: &Sources<'_>,
    root: &Path,
    src: &str,
    tree: &mut Tree,
    dest: &str,
    exclude_base: &str,
) -> Result<(), String> {
    check_rel(dest)?;
    let abs = sources.abs(root, src);
    if sources.fs.is_dir(&abs) {
        return copy_dir(sources, root, src, tree, dest, &op.exclude, exclude_base);
    }
    if op.strategy == "Merge" && tree.exists(dest) {
        return merge(sources, &abs, tree, dest);
    }
    tree.write(dest, StagedFile::Copy(abs))
}

/// `copyDirWithRoots`: a walk in lexical order, excluded directories skipped whole.
fn copy_dir(
    sources: &Sources<'_>,
    root: &Path,
    src: &str,
    tree: &mut Tree,
    dest: &str,
    exclude: &[String],
    exclude_base: &str,
) -> Result<(), String> {
    tree.mkdir_all(dest)?;
    let mut stack = vec![(src.to_string(), String::new(), 0usize)];
    while let Some((dir, rel, depth)) = stack.pop() {
        if depth > 64 {
            return Err(format!("{dir}: directories nested too deeply"));
        }
        let entries = sources
            .fs
            .read_dir(&sources.abs(root, &dir))
            .map_err(|e| format!("reading {dir}: {e}"))?;
        let mut subdirs = Vec::new();
        for e in entries {
            let Some(name) = e.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                continue;
            };
            let path = join(&dir, &name);
            let rel = join(&rel, &name);
            if exclude_path(&path, exclude_base, exclude) {
                continue;
            }
            let to = join(dest, &rel);
            if sources.fs.is_dir(&e) {
                tree.mkdir_all(&to)?;
                subdirs.push((path, rel, depth + 1));
            } else {
                tree.write(&to, StagedFile::Copy(e))?;
            }
        }
        // Depth first in lexical order, as fs.WalkDir visits.
        stack.extend(subdirs.into_iter().rev());
    }
    Ok(())
}

fn read_text(sources: &Sources<'_>, tree: &Tree, rel: &str) -> Result<String, String> {
    let bytes = match tree.files.get(rel) {
        Some(StagedFile::Copy(p)) => sources.fs.read_file(p).map_err(|e| e.to_string())?,
        Some(StagedFile::Bytes(b)) => b.as_ref().clone(),
        None => return Err(format!("read {rel}: is a directory")),
    };
    String::from_utf8(bytes).map_err(|_| format!("{rel}: not valid UTF-8"))
}

/// `loadYAML`: every document of a file merged into one map.
fn load_yaml(text: &str, name: &str) -> Result<Value, String> {
    let docs = krust_yaml::parse_stream(text, name, Typing::Yaml11)
        .map_err(|e| format!("error reading YAML document: {e}"))?;
    let mut out = Value::map();
    for d in docs {
        if d.is_null() {
            continue;
        }
        if !d.is_map() {
            return Err(format!(
                "cannot unmarshal YAML document: a {} is not an object",
                d.type_name()
            ));
        }
        out = merge_map(&out, &d);
    }
    Ok(out)
}

/// `mergeMap`: maps merge recursively, the overlay's other values replace.
pub(crate) fn merge_map(base: &Value, overlay: &Value) -> Value {
    let mut out = base.clone();
    let Some(entries) = overlay.as_map() else {
        return out;
    };
    for (k, v) in entries {
        let merged = match (out.get(k.as_str()), v.is_map()) {
            (Some(b), true) if b.is_map() => merge_map(b, v),
            _ => v.clone(),
        };
        out.insert(k.clone(), merged);
    }
    out
}

fn merge(sources: &Sources<'_>, src: &Path, tree: &mut Tree, dest: &str) -> Result<(), String> {
    let src_text = String::from_utf8(sources.fs.read_file(src).map_err(|e| e.to_string())?)
        .map_err(|_| format!("{}: not valid UTF-8", src.display()))?;
    let overlay = load_yaml(&src_text, &src.display().to_string())?;
    let base = load_yaml(&read_text(sources, tree, dest)?, dest)?;
    let merged = merge_map(&base, &overlay);
    let text = krust_yaml::to_yaml(&merged).map_err(|e| format!("failed to merged YAML: {e}"))?;
    tree.write(dest, StagedFile::Bytes(Arc::new(text.into_bytes())))
}

/// Go `io/fs.Glob` over a source (`pattern` relative to its root), sorted per directory.
fn fs_glob(
    sources: &Sources<'_>,
    root: &Path,
    pattern: &str,
    depth: usize,
) -> Result<Vec<String>, ()> {
    if depth > 10_000 || crate::envsubst::glob_match(pattern, "").is_none() {
        return Err(());
    }
    if !has_meta(pattern) {
        if valid_fs_path(pattern) && sources.fs.exists(&sources.abs(root, pattern)) {
            return Ok(vec![pattern.to_string()]);
        }
        return Ok(Vec::new());
    }
    let (dir, file) = match pattern.rfind('/') {
        Some(i) => (
            pattern.get(..i).unwrap_or(""),
            pattern.get(i + 1..).unwrap_or(""),
        ),
        None => (".", pattern),
    };
    if !has_meta(dir) {
        return glob_dir(sources, root, dir, file, Vec::new());
    }
    if dir == pattern {
        return Err(());
    }
    let mut out = Vec::new();
    for d in fs_glob(sources, root, dir, depth + 1)? {
        out = glob_dir(sources, root, &d, file, out)?;
    }
    Ok(out)
}

fn glob_dir(
    sources: &Sources<'_>,
    root: &Path,
    dir: &str,
    pattern: &str,
    mut out: Vec<String>,
) -> Result<Vec<String>, ()> {
    if !valid_fs_path(dir) {
        return Ok(out);
    }
    let Ok(entries) = sources.fs.read_dir(&sources.abs(root, dir)) else {
        return Ok(out);
    };
    for e in entries {
        let Some(name) = e.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        match crate::envsubst::glob_match(pattern, &name) {
            Some(true) => out.push(join(dir, &name)),
            Some(false) => {}
            None => return Err(()),
        }
    }
    Ok(out)
}

/// `io/fs.ValidPath`.
fn valid_fs_path(p: &str) -> bool {
    p == "." || (!p.is_empty() && p.split('/').all(|e| !e.is_empty() && e != "." && e != ".."))
}

fn has_meta(p: &str) -> bool {
    p.contains(['*', '?', '[', '\\'])
}

/// Staging paths are confined to the artifact (`os.Root`).
fn check_rel(p: &str) -> Result<(), String> {
    if p == ".." || p.starts_with("../") || p.starts_with('/') {
        return Err(format!("path '{p}' escapes from the artifact root"));
    }
    Ok(())
}

/// `calculateGlobDestination`.
fn glob_destination(pattern: &str, m: &str, dest: &str) -> String {
    if let Some(prefix) = pattern.strip_suffix("/**") {
        if let Some(rel) = m.strip_prefix(&format!("{prefix}/")) {
            return join(dest, rel);
        }
    }
    join(dest, m)
}

/// `sourceSelectionRoot`: the literal segments before the first glob segment.
fn selection_root(pattern: &str) -> String {
    let cleaned = clean(pattern);
    let parts: Vec<&str> = cleaned
        .split('/')
        .take_while(|p| !p.contains(['*', '?', '[', ']']))
        .collect();
    if parts.is_empty() {
        ".".into()
    } else {
        clean(&parts.join("/"))
    }
}

/// `shouldExcludePath`.
fn exclude_path(file: &str, base: &str, patterns: &[String]) -> bool {
    if excluded(file, patterns) {
        return true;
    }
    let base = clean(base);
    let file = clean(file);
    let rel = if base == "." {
        file.clone()
    } else if file == base {
        ".".to_string()
    } else if let Some(r) = file.strip_prefix(&format!("{base}/")) {
        r.to_string()
    } else {
        return false;
    };
    if rel == "." || rel == file {
        return false;
    }
    excluded(&rel, patterns)
}

/// `shouldExclude`.
fn excluded(path: &str, patterns: &[String]) -> bool {
    let name = base_name(path);
    patterns.iter().any(|p| {
        doublestar::matches_unvalidated(p, path)
            || (!p.contains('/') && doublestar::matches_unvalidated(p, name))
    })
}

fn base_name(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return if p.is_empty() { "." } else { "/" };
    }
    t.rsplit('/').next().unwrap_or(t)
}

/// Go `path.Join`.
fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => String::new(),
        (true, false) => clean(b),
        (false, true) => clean(a),
        (false, false) => clean(&format!("{a}/{b}")),
    }
}

/// Go `path.Clean`.
pub(crate) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            x => out.push(x),
        }
    }
    let body = out.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use krust_kustomize::MemFs;

    fn op(from: &str, to: &str) -> CopyOp {
        CopyOp {
            from: from.into(),
            to: to.into(),
            exclude: Vec::new(),
            strategy: String::new(),
        }
    }

    fn run(files: &[(&str, &str)], ops: &[CopyOp]) -> Result<Tree, String> {
        let fs = MemFs::from_files(files.iter().map(|(p, t)| (format!("src/{p}"), *t)));
        let roots: HashMap<String, PathBuf> =
            [("source".to_string(), PathBuf::from("/src"))].into();
        stage(
            ops,
            &Sources {
                fs: &fs,
                roots: &roots,
            },
        )
    }

    fn names(t: &Tree) -> Vec<&str> {
        t.files.keys().map(String::as_str).collect()
    }

    // Expectations below are those of source-watcher's builder_test.go (TestBuild cases
    // named in each comment) unless said otherwise.

    #[test]
    fn single_file_to_file_and_into_directory() {
        // "build artifact with single file copy": @source/config.yaml → @artifact/config.yaml
        let files = [("config.yaml", "a: 1\n"), ("other.yaml", "b: 1\n")];
        let t = run(&files, &[op("@source/config.yaml", "@artifact/app.yaml")]).unwrap();
        assert_eq!(names(&t), ["app.yaml"]);
        let t = run(&files, &[op("@source/config.yaml", "@artifact/apps/")]).unwrap();
        assert_eq!(names(&t), ["apps/config.yaml"]);
        // Into a directory staged by an earlier operation, without a trailing slash.
        let t = run(
            &files,
            &[
                op("@source/other.yaml", "@artifact/apps/"),
                op("@source/config.yaml", "@artifact/apps"),
            ],
        )
        .unwrap();
        assert_eq!(names(&t), ["apps/config.yaml", "apps/other.yaml"]);
    }

    #[test]
    fn directory_copies_as_subdirectory_and_root_copies_contents() {
        // "build artifact with directory copy" / "root directory copy".
        let files = [("root.yaml", "r"), ("subdir/nested.yaml", "n")];
        let t = run(&files, &[op("@source/subdir/", "@artifact/apps/")]).unwrap();
        assert_eq!(names(&t), ["apps/subdir/nested.yaml"]);
        let t = run(&files, &[op("@source/subdir", "@artifact/")]).unwrap();
        assert_eq!(names(&t), ["subdir/nested.yaml"]);
        let t = run(&files, &[op("@source/", "@artifact/")]).unwrap();
        assert_eq!(names(&t), ["root.yaml", "subdir/nested.yaml"]);
    }

    #[test]
    fn recursive_glob_strips_the_prefix_other_globs_keep_the_path() {
        let files = [
            ("configs/app.yaml", "a"),
            ("configs/sub/deep.yaml", "d"),
            ("deployment.yaml", "x"),
            ("service.yaml", "y"),
            ("notes.txt", "t"),
        ];
        let t = run(&files, &[op("@source/configs/**", "@artifact/apps/")]).unwrap();
        assert_eq!(names(&t), ["apps/app.yaml", "apps/sub/deep.yaml"]);
        // "build artifact with glob pattern": @source/*.yaml → @artifact/manifests/
        let t = run(&files, &[op("@source/*.yaml", "@artifact/manifests/")]).unwrap();
        assert_eq!(
            names(&t),
            ["manifests/deployment.yaml", "manifests/service.yaml"]
        );
        // A glob below a directory keeps the directory (calculateGlobDestination).
        let t = run(&files, &[op("@source/configs/*.yaml", "@artifact/out/")]).unwrap();
        assert_eq!(names(&t), ["out/configs/app.yaml"]);
        // io/fs.Glob: `**` is one segment, so `configs/**/*.yaml` is `configs/*/*.yaml`.
        let t = run(&files, &[op("@source/configs/**/*.yaml", "@artifact/")]).unwrap();
        assert_eq!(names(&t), ["configs/sub/deep.yaml"]);
    }

    #[test]
    fn excludes_match_paths_prefix_relative_paths_and_names() {
        let files = [
            ("deploy/app.yaml", "a"),
            ("deploy/README.md", "r"),
            ("deploy/charts/c.yaml", "c"),
            ("deploy/sub/x.yaml", "x"),
            ("deploy/sub/y.md", "y"),
        ];
        let mut o = op("@source/deploy/**", "@artifact/");
        o.exclude = vec!["*.md".into(), "**/charts/**".into(), "sub/x.yaml".into()];
        let t = run(&files, &[o]).unwrap();
        assert_eq!(names(&t), ["app.yaml"]);
        // "exclude single file copy": the file itself is skipped, no error.
        let mut o = op("@source/deploy/README.md", "@artifact/");
        o.exclude = vec!["*.md".into()];
        assert!(run(&files, &[o]).unwrap().files.is_empty());
        // Everything a glob matches excluded is an error.
        let mut o = op("@source/deploy/*.md", "@artifact/");
        o.exclude = vec!["*.md".into()];
        assert_eq!(
            run(&files, &[o]).unwrap_err(),
            "failed to apply copy operation from '@source/deploy/*.md' to '@artifact/': all files matching pattern 'deploy/*.md' in source 'source' were excluded"
        );
    }

    #[test]
    fn errors_name_the_operation() {
        let files = [("a.yaml", "a")];
        let e = run(&files, &[op("@source/*.json", "@artifact/")]).unwrap_err();
        assert!(
            e.ends_with("no files match pattern '*.json' in source 'source'"),
            "{e}"
        );
        let e = run(&files, &[op("@source/[", "@artifact/")]).unwrap_err();
        assert!(e.contains("syntax error in pattern"), "{e}");
        let e = run(&files, &[op("@other/a.yaml", "@artifact/")]).unwrap_err();
        assert!(e.ends_with("source alias 'other' not found"), "{e}");
        let e = run(&files, &[op("@source/missing.yaml", "@artifact/")]).unwrap_err();
        assert!(e.ends_with("source 'missing.yaml' does not exist"), "{e}");
        let e = run(&files, &[op("source/a.yaml", "@artifact/")]).unwrap_err();
        assert!(e.contains("source must start with '@'"), "{e}");
        let e = run(&files, &[op("@source/a.yaml", "artifact/")]).unwrap_err();
        assert!(
            e.contains("destination must start with '@artifact/'"),
            "{e}"
        );
        let mut o = op("@source/a.yaml", "@artifact/");
        o.exclude = vec!["[".into()];
        let e = run(&files, &[o]).unwrap_err();
        assert!(e.ends_with("invalid exclude pattern '['"), "{e}");
    }

    #[test]
    fn later_operations_overwrite_and_merge_deep_merges_yaml() {
        let files = [
            (
                "chart/values.yaml",
                "image:\n  tag: 1.0\n  repo: x\nlist: [1, 2]\nkeep: k\n",
            ),
            (
                "prod.yaml",
                "image:\n  tag: '2.0'\nlist: [3]\n---\nextra: e\n",
            ),
        ];
        let mut m = op("@source/prod.yaml", "@artifact/chart/values.yaml");
        m.strategy = "Merge".into();
        let t = run(&files, &[op("@source/chart", "@artifact/"), m.clone()]).unwrap();
        let Some(StagedFile::Bytes(b)) = t.files.get("chart/values.yaml") else {
            panic!("not merged: {t:?}");
        };
        // sigs.k8s.io/yaml Marshal: keys sorted, arrays replaced.
        assert_eq!(
            std::str::from_utf8(b).unwrap(),
            "extra: e\nimage:\n  repo: x\n  tag: \"2.0\"\nkeep: k\nlist:\n- 3\n"
        );
        // Overwrite (the default) replaces the file.
        m.strategy = String::new();
        let t = run(&files, &[op("@source/chart", "@artifact/"), m]).unwrap();
        assert_eq!(
            t.files.get("chart/values.yaml"),
            Some(&StagedFile::Copy(PathBuf::from("/src/prod.yaml")))
        );
    }

    #[test]
    fn default_exclusions_leave_the_archive() {
        let files = [("a.yaml", "a"), ("logo.png", "p"), (".github/w.yaml", "w")];
        let t = run(&files, &[op("@source/", "@artifact/")]).unwrap();
        assert_eq!(names(&t), ["a.yaml"]);
    }

    #[test]
    fn go_path_helpers() {
        assert_eq!(clean(""), ".");
        assert_eq!(clean("a/../b/"), "b");
        assert_eq!(clean("../a"), "../a");
        assert_eq!(join("", "x"), "x");
        assert_eq!(join("apps/", "x.yaml"), "apps/x.yaml");
        assert_eq!(base_name("."), ".");
        assert_eq!(selection_root("configs/**"), "configs");
        assert_eq!(selection_root("*.yaml"), ".");
    }
}
