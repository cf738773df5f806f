//! The `krusty` suite: kustomize's own `api/krusty` tests as data (see the corpus README).
//!
//! Each case builds `input/<build_dir>` with the options of its `case.yaml`, on a file tree
//! whose root `/` is the case's `input/`. Output cases compare byte for byte with
//! `expected.yaml`; error cases must fail with a message (paths made relative to `input/`)
//! that satisfies every `error_checks` entry. A case is skipped only when its case.yaml
//! has a `skip_reason`, except that a case whose only need is `helm` runs: krust renders
//! charts itself (krust-chart), so only charts that must be downloaded stay out.
//!
//! The tree is an in-memory file system, as in the Go harness, except for Go tests that ran
//! on the real disk (see [`tests_run_on_disk`]): those are copied to a temporary directory
//! and built there, with that directory's path removed from error messages.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use krust_yaml::{Typing, Value};

use crate::case::{run_jobs, CaseResult, Job, Limits, Outcome};
use crate::engine::{self, BuildOptions, Reorder, Tree};
use crate::errcheck::{check_all, ErrorCheck, Op};
use crate::suites::canonical::first_difference;

/// Runs every case of the suite found under `shared` (the ../shared directory).
pub fn run(shared: &Path) -> anyhow::Result<Vec<CaseResult>> {
    let root = shared.join("conformance/krusty");
    let index = root.join("INDEX.tsv");
    let text =
        std::fs::read_to_string(&index).with_context(|| format!("reading {}", index.display()))?;
    let mut rows = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let mut cols = line.split('\t');
        let id = cols.next().unwrap_or_default().to_string();
        let _status = cols.next();
        let tags: Vec<String> = cols
            .next()
            .unwrap_or_default()
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        rows.push((id, tags));
    }
    let disk_tests = tests_run_on_disk(&root, rows.iter().map(|(id, _)| id.as_str()));
    let mut jobs = Vec::new();
    for (id, tags) in rows {
        let dir = root.join(&id);
        let on_disk = disk_tests.contains(go_test(&id));
        let known = known_divergence(&id);
        jobs.push(Job::new(id, tags, move || match run_case(&dir, on_disk) {
            Outcome::Fail(why) => match known {
                Some(reason) => Outcome::fail(format!("known divergence ({reason}): {why}")),
                None => Outcome::Fail(why),
            },
            other => other,
        }));
    }
    anyhow::ensure!(!jobs.is_empty(), "no cases in {}", index.display());
    Ok(run_jobs(jobs, Limits::default()))
}

/// Cases whose expected output is kustomize HEAD's (the corpus's commit, 12f9e63) or the Go
/// test binary's and not kustomize v5.8.1's, the version krust follows: they stay failing,
/// with the reason (crates/krust-kustomize/src/versions.md has the table).
pub const KNOWN_DIVERGENCES: &[(&str, &str)] = &[
    (
        "managedbylabel_test/TestAddManagedbyLabel/step-1",
        "the test binary's placeholder version `(test)`; krust labels kustomize-v5.8.1",
    ),
    (
        "managedbylabel_test/TestAddManagedbyLabel/step-2",
        "the test binary's placeholder version `(test)`; krust labels kustomize-v5.8.1",
    ),
    (
        "namespaces_test/TestNamespaceNotAddedToValidatingAdmissionPolicies",
        "kustomize HEAD fcef996b1 (after v5.8.1) made ValidatingAdmissionPolicy cluster-scoped; \
         v5.8.1 (kyaml/openapi/openapi.go at api/v0.21.1) adds the namespace",
    ),
];

fn known_divergence(id: &str) -> Option<&'static str> {
    KNOWN_DIVERGENCES
        .iter()
        .find(|(case, _)| *case == id)
        .map(|(_, reason)| *reason)
}

/// What a case.yaml says, as far as running the case needs it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseSpec {
    pub build_dir: String,
    pub expect_error: bool,
    pub error_checks: Vec<ErrorCheck>,
    pub options: BuildOptions,
    pub empty_dirs: Vec<String>,
    pub input_root_placeholder: Option<String>,
    pub skip_reason: Option<String>,
    /// `needs`: what the case needs beyond an offline library (`helm`, `network`, ...).
    pub needs: Vec<String>,
    /// `options.helm_enabled`: the Go test enabled helm (`--enable-helm`).
    pub helm_enabled: bool,
}

impl CaseSpec {
    /// The reason to skip the case, if any: its `skip_reason`, unless the helm binary is
    /// all it needs.
    pub fn skip(&self) -> Option<&str> {
        if self.needs.iter().all(|n| n == "helm") && !self.needs.is_empty() {
            return None;
        }
        self.skip_reason.as_deref()
    }
}

impl CaseSpec {
    /// Reads case.yaml (YAML 1.1 typing, as the corpus was written by a Go YAML v2 tool).
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let docs = krust_yaml::parse_stream(text, "case.yaml", Typing::Yaml11)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let Some(doc) = docs.first() else {
            bail!("case.yaml is empty")
        };
        let build_dir = str_field(doc, "build_dir")?.unwrap_or(".").to_string();
        let expect_error = match str_field(doc, "expect")? {
            Some("output") => false,
            Some("error") => true,
            other => bail!("case.yaml: expect is {other:?}, not output or error"),
        };
        let mut error_checks = Vec::new();
        if let Some(checks) = doc.get("error_checks").filter(|v| !v.is_null()) {
            let Some(seq) = checks.as_seq() else {
                bail!("case.yaml: error_checks is not a list")
            };
            for c in seq.iter() {
                let op = str_field(c, "op")?.context("case.yaml: error check without op")?;
                let text = str_field(c, "text")?.context("case.yaml: error check without text")?;
                error_checks.push(ErrorCheck {
                    op: Op::parse(op)?,
                    text: text.to_string(),
                });
            }
        }
        let mut options = BuildOptions::default();
        let mut helm_enabled = false;
        if let Some(o) = doc.get("options").filter(|v| !v.is_null()) {
            options.load_restrictor_none = match str_field(o, "load_restrictor")? {
                None | Some("LoadRestrictionsRootOnly") => false,
                Some("LoadRestrictionsNone") => true,
                Some(other) => bail!("case.yaml: unknown load_restrictor {other:?}"),
            };
            options.reorder = match str_field(o, "reorder")? {
                None | Some("none") => Reorder::None,
                Some("legacy") => Reorder::Legacy,
                Some("unspecified") => Reorder::Unspecified,
                Some(other) => bail!("case.yaml: unknown reorder {other:?}"),
            };
            options.plugins_enabled = bool_field(o, "plugins_enabled")?;
            options.add_managed_by_label = bool_field(o, "add_managed_by_label")?;
            helm_enabled = bool_field(o, "helm_enabled")?;
        }
        let mut needs = Vec::new();
        if let Some(list) = doc.get("needs").filter(|v| !v.is_null()) {
            let Some(seq) = list.as_seq() else {
                bail!("case.yaml: needs is not a list")
            };
            for n in seq.iter() {
                needs.push(
                    n.as_str()
                        .context("case.yaml: needs entry is not a string")?
                        .to_string(),
                );
            }
        }
        let mut empty_dirs = Vec::new();
        if let Some(dirs) = doc.get("empty_dirs").filter(|v| !v.is_null()) {
            let Some(seq) = dirs.as_seq() else {
                bail!("case.yaml: empty_dirs is not a list")
            };
            for d in seq.iter() {
                empty_dirs.push(
                    d.as_str()
                        .context("case.yaml: empty_dirs entry is not a string")?
                        .to_string(),
                );
            }
        }
        Ok(CaseSpec {
            build_dir,
            expect_error,
            error_checks,
            options,
            empty_dirs,
            input_root_placeholder: str_field(doc, "input_root_placeholder")?.map(str::to_string),
            skip_reason: str_field(doc, "skip_reason")?.map(str::to_string),
            needs,
            helm_enabled,
        })
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> anyhow::Result<Option<&'a str>> {
    match v.get(key) {
        None => Ok(None),
        Some(x) if x.is_null() => Ok(None),
        Some(x) => x
            .as_str()
            .map(Some)
            .with_context(|| format!("case.yaml: {key} is a {}, not a string", x.type_name())),
    }
}

fn bool_field(v: &Value, key: &str) -> anyhow::Result<bool> {
    match v.get(key) {
        None => Ok(false),
        Some(x) if x.is_null() => Ok(false),
        Some(x) => x
            .as_bool()
            .with_context(|| format!("case.yaml: {key} is a {}, not a boolean", x.type_name())),
    }
}

/// The Go test a case comes from: the `<file_stem>/<TestName>` part of its id.
fn go_test(id: &str) -> &str {
    match id.match_indices('/').nth(1) {
        Some((i, _)) => &id[..i],
        None => id,
    }
}

/// The Go tests that ran on the real disk rather than the harness's in-memory file system.
/// The corpus marks them by the cases that write absolute paths (`input_root_placeholder`);
/// the other subtests of such a test share its file system, so they run on disk too.
fn tests_run_on_disk<'a>(root: &Path, ids: impl Iterator<Item = &'a str>) -> HashSet<String> {
    let mut out = HashSet::new();
    for id in ids {
        let Ok(text) = std::fs::read_to_string(root.join(id).join("case.yaml")) else {
            continue;
        };
        // A case.yaml that does not parse fails when its case runs; here it marks nothing.
        if CaseSpec::parse(&text).is_ok_and(|spec| spec.input_root_placeholder.is_some()) {
            out.insert(go_test(id).to_string());
        }
    }
    out
}

fn run_case(dir: &Path, on_disk: bool) -> Outcome {
    match try_case(dir, on_disk) {
        Ok(outcome) => outcome,
        Err(e) => Outcome::fail(format!("{e:#}")),
    }
}

fn try_case(dir: &Path, on_disk: bool) -> anyhow::Result<Outcome> {
    let text = std::fs::read_to_string(dir.join("case.yaml")).context("reading case.yaml")?;
    let spec = CaseSpec::parse(&text)?;
    if let Some(reason) = spec.skip() {
        return Ok(Outcome::Skip(reason.to_string()));
    }
    let input = dir.join("input");
    let mut files = Vec::new();
    if input.is_dir() {
        collect_files(&input, &input, &mut files)?;
    }
    let tree = Tree {
        files,
        empty_dirs: spec.empty_dirs,
        placeholder: spec.input_root_placeholder,
    };
    let result = if spec.helm_enabled && !on_disk {
        build_with_helm(&tree, &spec.build_dir, &spec.options)
    } else if on_disk {
        engine::build_on_disk(&tree, &spec.build_dir, &spec.options)
    } else {
        engine::build(&tree, &spec.build_dir, &spec.options)
    };
    if spec.expect_error {
        return Ok(match result {
            Ok(_) => Outcome::fail("build succeeded, expected an error"),
            Err(message) => match check_all(&spec.error_checks, &message) {
                Ok(()) => Outcome::Pass,
                Err(why) => Outcome::fail(why),
            },
        });
    }
    let expected =
        std::fs::read_to_string(dir.join("expected.yaml")).context("reading expected.yaml")?;
    Ok(match result {
        Err(e) => Outcome::fail(format!("build failed: {e}")),
        Ok(actual) if actual == expected => Outcome::Pass,
        Ok(actual) => Outcome::fail(first_difference(&expected, &actual)),
    })
}

/// [`engine::build`] with helm enabled (kustomize's `--enable-helm`; krust renders the
/// charts itself).
// TODO(helmcharts): drop once `BuildOptions` carries `helm_enabled` (asked the lead).
fn build_with_helm(tree: &Tree, dir: &str, o: &BuildOptions) -> Result<String, String> {
    use krust_kustomize::{HelmOptions, Kustomizer, LoadRestrictor, MemFs, Options};
    let mut fs = MemFs::new();
    for (path, bytes) in tree.files_for_root("") {
        fs.add_file(path, bytes);
    }
    for d in &tree.empty_dirs {
        fs.add_dir(d);
    }
    let options = Options::default()
        .load_restrictor(if o.load_restrictor_none {
            LoadRestrictor::None
        } else {
            LoadRestrictor::RootOnly
        })
        .reorder(match o.reorder {
            Reorder::None => krust_kustomize::Reorder::None,
            Reorder::Legacy => krust_kustomize::Reorder::Legacy,
            Reorder::Unspecified => krust_kustomize::Reorder::Unspecified,
        })
        .add_managed_by_label(o.add_managed_by_label)
        .plugins_enabled(o.plugins_enabled)
        .helm(HelmOptions {
            enabled: true,
            ..HelmOptions::default()
        });
    let target = krust_kustomize::clean_path(Path::new(dir));
    let resmap = Kustomizer::new(options)
        .build(&fs, &target)
        .map_err(|e| engine::error_chain(&e))?;
    resmap.to_yaml().map_err(|e| engine::error_chain(&e))
}

/// Every file under `dir`, as (path relative to `root` with `/` separators, contents), in
/// name order.
fn collect_files(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) -> anyhow::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .with_context(|| format!("reading {}", dir.display()))?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_files(root, &path, out)?;
        } else {
            let rel = path
                .strip_prefix(root)
                .context("file outside the input tree")?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            out.push((rel, bytes));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_belong_to_their_go_test() {
        assert_eq!(
            go_test("accumulation_test/TestErrors/relative_path/step-1"),
            "accumulation_test/TestErrors"
        );
        assert_eq!(
            go_test("simple_test/TestSimple1"),
            "simple_test/TestSimple1"
        );
        assert_eq!(go_test("odd"), "odd");
    }

    #[test]
    fn a_skip_reason_is_read() {
        let text =
            "build_dir: .\nexpect: output\nneeds:\n- helm\nskip_reason: needs the helm binary\n";
        let spec = CaseSpec::parse(text).expect("case.yaml parses");
        assert_eq!(spec.skip_reason.as_deref(), Some("needs the helm binary"));
        // krust renders local charts itself; a download still skips.
        assert_eq!(spec.skip(), None);
        let remote = CaseSpec::parse(&text.replace("- helm\n", "- helm\n- network\n"))
            .expect("case.yaml parses");
        assert_eq!(remote.skip(), Some("needs the helm binary"));
        assert!(!spec.expect_error);
        assert_eq!(spec.options, BuildOptions::default());
        assert!(CaseSpec::parse("expect: maybe\n").is_err());
    }

    #[test]
    fn parses_a_case_yaml() {
        let text = r#"source: api/krusty/x_test.go
test: TestX
build_dir: overlay
expect: error
error_match: all
error_checks:
- op: contains
  text: 'accumulating resources'
- op: regexp
  text: 'file ''/base/r\.yaml'' .+'
options:
  load_restrictor: LoadRestrictionsNone
  reorder: legacy
  plugins_enabled: false
  add_managed_by_label: true
empty_dirs:
- charts/templates
input_root_placeholder: __ROOT__
tags:
- resources
"#;
        let spec = CaseSpec::parse(text).expect("case.yaml parses");
        assert_eq!(spec.build_dir, "overlay");
        assert!(spec.expect_error);
        assert_eq!(
            spec.error_checks,
            [
                ErrorCheck {
                    op: Op::Contains,
                    text: "accumulating resources".into()
                },
                ErrorCheck {
                    op: Op::Regexp,
                    text: r"file '/base/r\.yaml' .+".into()
                },
            ]
        );
        assert!(spec.options.load_restrictor_none);
        assert_eq!(spec.options.reorder, Reorder::Legacy);
        assert!(!spec.options.plugins_enabled);
        assert!(spec.options.add_managed_by_label);
        assert_eq!(spec.empty_dirs, ["charts/templates"]);
        assert_eq!(spec.input_root_placeholder.as_deref(), Some("__ROOT__"));
        assert_eq!(spec.skip_reason, None);
    }

    #[test]
    fn input_files_are_listed_relative_to_input_in_name_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("input");
        std::fs::create_dir_all(input.join("base/sub")).expect("mkdir");
        std::fs::write(input.join("kustomization.yaml"), "resources:\n- base\n").expect("write");
        std::fs::write(input.join("base/kustomization.yaml"), "x").expect("write");
        std::fs::write(input.join("base/sub/a.yaml"), [0xff, 0x00]).expect("write");
        let mut files = Vec::new();
        collect_files(&input, &input, &mut files).expect("collect");
        let names: Vec<_> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "base/kustomization.yaml",
                "base/sub/a.yaml",
                "kustomization.yaml"
            ]
        );
        assert_eq!(files[1].1, [0xff, 0x00]);
    }
}
