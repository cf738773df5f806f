//! `krust diff --git REV1 REV2 PATH`: PATH rendered at two revisions, read from the git
//! object store with gix (no checkout, no git binary).
//!
//! Each revision's tree is read into an in-memory file system. The files whose blobs differ
//! between the two trees are the change; a build under PATH is rendered (at both
//! revisions) only when a changed file reaches it, by the reference graph of
//! `krust_testing::discover`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use krust_kustomize::{clean_path, Kustomizer, MemFs, Options};
use krust_testing::diff::Objects;
use krust_testing::discover::Graph;
use krust_testing::fleet::FleetRenderer;

/// The two sides of a git diff and what they covered.
pub struct GitDiff {
    pub before: Objects,
    pub after: Objects,
    /// Builds rendered (those the change reaches).
    pub rendered: usize,
    /// Builds under PATH at either revision.
    pub builds: usize,
    /// Files that differ between the revisions (anywhere in the repository).
    pub changed_files: usize,
}

/// One revision's tree: its files, and each file's blob id.
struct Tree {
    fs: MemFs,
    blobs: BTreeMap<PathBuf, gix::ObjectId>,
}

pub fn diff_revisions(
    rev1: &str,
    rev2: &str,
    path: &str,
    options: &Options,
    jobs: usize,
) -> anyhow::Result<GitDiff> {
    let cwd = std::env::current_dir()?;
    let repo = gix::discover(&cwd)
        .with_context(|| format!("no git repository at or above {}", cwd.display()))?;
    let sub = repo_relative(&repo, &cwd, path)?;
    let a = read_tree(&repo, rev1)?;
    let b = read_tree(&repo, rev2)?;
    let changed = changed_files(&a, &b);
    let root = clean_path(&Path::new("/").join(&sub));

    let graph_a = scan(&a, &root);
    let graph_b = scan(&b, &root);
    let mut builds: BTreeSet<PathBuf> = BTreeSet::new();
    for g in graph_a.iter().chain(graph_b.iter()) {
        builds.extend(g.roots());
    }
    let reached: Vec<PathBuf> = builds
        .iter()
        .filter(|build| {
            [&graph_a, &graph_b].iter().any(|g| {
                g.as_ref().is_some_and(|g| {
                    g.get(build).is_some() && changed.iter().any(|f| g.reaches(build, f))
                })
            })
        })
        .cloned()
        .collect();

    let before = render(&a, graph_a.as_ref(), &root, &reached, options, jobs, rev1)?;
    let after = render(&b, graph_b.as_ref(), &root, &reached, options, jobs, rev2)?;
    Ok(GitDiff {
        before,
        after,
        rendered: reached.len(),
        builds: builds.len(),
        changed_files: changed.len(),
    })
}

/// PATH as a path inside the repository: relative paths are taken from the current
/// directory, which must be inside the work tree.
fn repo_relative(repo: &gix::Repository, cwd: &Path, path: &str) -> anyhow::Result<PathBuf> {
    let Some(workdir) = repo.workdir() else {
        // A bare repository has no current directory inside it: PATH is from the top.
        return Ok(clean_path(Path::new(path)));
    };
    let workdir = std::fs::canonicalize(workdir).unwrap_or_else(|_| workdir.to_path_buf());
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let full = clean_path(&cwd.join(path));
    let rel = full
        .strip_prefix(&workdir)
        .map_err(|_| anyhow!("{path} is outside the repository at {}", workdir.display()))?;
    Ok(rel.to_path_buf())
}

fn read_tree(repo: &gix::Repository, rev: &str) -> anyhow::Result<Tree> {
    let id = repo
        .rev_parse_single(rev)
        .with_context(|| format!("revision {rev:?}"))?;
    let tree = id
        .object()
        .and_then(|o| o.peel_to_tree())
        .with_context(|| format!("revision {rev:?} has no tree"))?;
    let mut out = Tree {
        fs: MemFs::new(),
        blobs: BTreeMap::new(),
    };
    walk(repo, &tree, Path::new("/"), &mut out).with_context(|| format!("reading {rev}"))?;
    Ok(out)
}

fn walk(
    repo: &gix::Repository,
    tree: &gix::Tree<'_>,
    prefix: &Path,
    out: &mut Tree,
) -> anyhow::Result<()> {
    for entry in tree.iter() {
        let entry = entry?;
        let Ok(name) = std::str::from_utf8(entry.filename()) else {
            continue;
        };
        let path = prefix.join(name);
        let mode = entry.mode();
        if mode.is_tree() {
            let sub = repo.find_tree(entry.object_id())?;
            walk(repo, &sub, &path, out)?;
        } else if mode.is_blob() {
            // Symbolic links and submodules are left out: a build cannot follow them
            // without a checkout.
            let blob = repo.find_blob(entry.object_id())?;
            out.fs.add_file(&path, blob.data.clone());
            out.blobs.insert(path, entry.object_id());
        }
    }
    Ok(())
}

fn changed_files(a: &Tree, b: &Tree) -> Vec<PathBuf> {
    let mut changed: Vec<PathBuf> = a
        .blobs
        .iter()
        .filter(|(p, id)| b.blobs.get(*p) != Some(id))
        .map(|(p, _)| p.clone())
        .collect();
    changed.extend(
        b.blobs
            .keys()
            .filter(|p| !a.blobs.contains_key(*p))
            .cloned(),
    );
    changed.sort();
    changed
}

/// The reference graph of PATH at one revision; `None` when PATH is not a directory there.
fn scan(tree: &Tree, root: &Path) -> Option<Graph> {
    Graph::scan(&tree.fs, root).ok()
}

fn render(
    tree: &Tree,
    graph: Option<&Graph>,
    root: &Path,
    reached: &[PathBuf],
    options: &Options,
    jobs: usize,
    rev: &str,
) -> anyhow::Result<Objects> {
    let mut objects = Objects::new();
    let Some(graph) = graph else {
        return Ok(objects);
    };
    // A build that exists at only one revision is all added (or all removed).
    let here: Vec<PathBuf> = reached
        .iter()
        .filter(|b| graph.get(b).is_some())
        .cloned()
        .collect();
    let kustomizer = Kustomizer::new(options.clone());
    let outputs = FleetRenderer::new(&kustomizer, &tree.fs, root, jobs)?.render(&here, &|_| {});
    for out in outputs {
        let rendered = out.result.map_err(|e| anyhow!("at {rev}: {e}"))?;
        let source = if out.name == "." { "" } else { &out.name };
        objects
            .add_stream(source, &rendered.yaml, &format!("{rev}:{}", out.name))
            .map_err(|e| anyhow!("at {rev}: {e}"))?;
    }
    Ok(objects)
}
