//! The cluster render: discovery from `clusters/<cluster>`, source resolution, one build
//! per Flux Kustomization (flux-semantics §2.1 steps 2–6), HelmReleases, plan and checks.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use krust_kustomize::{FileSystem, Kustomizer, LoadRestrictor, Options, Reorder};
use krust_yaml::Value;

use crate::artifact::{secure_join, ArtifactFs, BuildFs, Content, Mount, Source};
use crate::bootstrap;
use crate::generate::prepare;
use crate::generator::{self, CopyOp, Sources};
use crate::model::*;
use crate::sourceignore::SourceIndex;
use crate::spec::{is_flux_kustomization, FluxKustomization, ObjectKey};
use crate::{checks, helm, helm_render, plan, varsub, Error};

const VIRTUAL_ROOT: &str = "/krust-flux";
/// `definedIn` of the stand-in root Kustomization.
pub const SYNTHETIC_ROOT: &str = "synthesized (flux bootstrap gotk-sync.yaml)";

enum Resolution {
    Mounted(PathBuf),
    Unresolved(String),
    /// Might resolve once more of the cluster is rendered (an ExternalArtifact whose
    /// ArtifactGenerator has not been seen yet).
    Pending(String),
    /// The source exists but producing its artifact fails (an ArtifactGenerator's copy
    /// operation): the Kustomization fails as the controller's would.
    Failed(String),
}

struct State<'a> {
    afs: ArtifactFs<'a>,
    repo_root: PathBuf,
    /// Whether `repo_root` is clean.
    repo_fast: bool,
    mounts: HashMap<ObjectKey, PathBuf>,
    sources: HashMap<ObjectKey, SourceMapping>,
    kustomizer: Kustomizer,
    renders: Vec<KustomizationRender>,
    findings: Vec<Finding>,
    /// Real roots of the mounted sources other than the repository (cleaned, by bytes),
    /// for display.
    labels: crate::fxhash::FxHashMap<std::ffi::OsString, String>,
    /// Ids of every Kustomization discovered so far.
    seen: HashSet<String>,
    /// Rendered objects by (kind, namespace, name); the first one applied wins.
    index: crate::fxhash::FxHashMap<(String, String, String), Value>,
    strict: bool,
    no_cross_ns: bool,
    /// ExternalArtifacts being staged (a generator that copies from its own output).
    staging: HashSet<ObjectKey>,
    /// Display forms of the files objects came from, by path (bytes).
    shown: crate::fxhash::FxHashMap<std::ffi::OsString, String>,
}

/// Renders every Flux Kustomization of `opts.cluster` in the repository at `root`, reading
/// only through `fs` and only inside the source trees.
pub fn render_cluster(
    fs: &dyn FileSystem,
    root: &Path,
    opts: &ClusterOptions,
) -> Result<ClusterRender, Error> {
    let repo_root = fs.canonical(root).map_err(|e| Error::Io {
        path: root.display().to_string(),
        message: e.to_string(),
    })?;
    if !fs.is_dir(&repo_root) {
        return Err(Error::Io {
            path: root.display().to_string(),
            message: "not a directory".into(),
        });
    }
    let root_key = ObjectKey::new("GitRepository", "flux-system", "flux-system");
    let mut sources: HashMap<ObjectKey, SourceMapping> = opts
        .sources
        .iter()
        .map(|s| (s.key.clone(), s.clone()))
        .collect();
    sources.entry(root_key.clone()).or_insert(SourceMapping {
        key: root_key.clone(),
        path: repo_root.clone(),
        ignore: opts.root_ignore.clone(),
    });
    let mut st = State {
        afs: ArtifactFs::new(fs),
        repo_root: repo_root.clone(),
        repo_fast: crate::artifact::is_clean(&repo_root),
        mounts: HashMap::new(),
        sources,
        kustomizer: Kustomizer::new(
            Options::default()
                .load_restrictor(LoadRestrictor::None)
                .reorder(Reorder::None)
                .limits(opts.limits),
        ),
        renders: Vec::new(),
        findings: Vec::new(),
        labels: Default::default(),
        seen: HashSet::new(),
        index: Default::default(),
        strict: opts.strict_substitution,
        no_cross_ns: false,
        staging: HashSet::new(),
        shown: Default::default(),
    };
    // The bootstrap objects come from the repository's own artifact (without the
    // GitRepository's spec.ignore, which is only known after reading them).
    let root_mount = match st.mount_plain(&root_key, "") {
        Ok(p) => p,
        Err(why) => {
            return Err(Error::Io {
                path: root.display().to_string(),
                message: why,
            })
        }
    };
    let boot = bootstrap::read(&st.afs, &root_mount, &opts.cluster);
    if let Some(ignore) = &boot.ignore {
        // Re-mount with the GitRepository's own patterns.
        st.afs.remove(&root_mount);
        st.mounts.remove(&root_key);
        st.kustomizer.clear_cache();
        let _ = st.mount_plain(&root_key, ignore);
    }
    let root_file = if boot.synthetic_root {
        SYNTHETIC_ROOT.to_string()
    } else {
        format!("clusters/{}/flux-system/gotk-sync.yaml", opts.cluster)
    };
    st.no_cross_ns = boot.flags.iter().any(|(n, a)| {
        n == "kustomize-controller" && a.iter().any(|f| f == "--no-cross-namespace-refs=true")
    });
    let root_ks = FluxKustomization::from_value(&boot.root, &root_file)?;
    st.seen.insert(root_ks.id());
    st.renders.push(KustomizationRender {
        spec: root_ks,
        defined_in: if boot.synthetic_root {
            SYNTHETIC_ROOT.to_string()
        } else {
            "bootstrap".to_string()
        },
        file: root_file,
        status: Status::Built,
        kustomization_file: None,
        objects: Vec::new(),
        output: String::new(),
        remote_entries: Vec::new(),
    });
    let mut queue: VecDeque<usize> = VecDeque::from([0]);
    loop {
        let mut pending = Vec::new();
        let mut progressed = false;
        while let Some(i) = queue.pop_front() {
            let known = st.renders.len();
            match st.process(i) {
                Some(why) => {
                    if let Some(r) = st.renders.get_mut(i) {
                        r.status = Status::UnresolvedSource(why);
                    }
                    pending.push(i);
                }
                None => {
                    progressed = true;
                    queue.extend(known..st.renders.len());
                }
            }
        }
        // Retry what waited for an ArtifactGenerator while anything else moved.
        if pending.is_empty() || !progressed {
            break;
        }
        queue.extend(pending);
    }
    for r in &st.renders {
        if let Status::UnresolvedSource(why) = &r.status {
            st.findings.push(Finding {
                rule: "SOURCE".into(),
                severity: Severity::Warning,
                object: format!("Kustomization/{}", r.spec.id()),
                file: r.file.clone(),
                message: format!(
                    "source {} cannot be resolved offline ({why}); its subtree is not rendered",
                    r.spec.source_ref
                ),
                fix: format!(
                    "map it with --source {}=PATH if a local copy exists",
                    r.spec.source_ref
                ),
            });
        }
    }
    let default_sa_helm = boot
        .flags
        .iter()
        .find(|(c, _)| c == "helm-controller")
        .and_then(|(_, a)| {
            a.iter()
                .find_map(|f| f.strip_prefix("--default-service-account="))
        })
        .map(str::to_string);
    let mut helm_releases = helm::collect(&st.renders, default_sa_helm.as_deref());
    // fluxcharts: charts of HelmReleases available locally (helm_render.rs).
    let chart_roots: HashMap<ObjectKey, Result<PathBuf, String>> =
        helm_render::chart_sources(&helm_releases, &st.renders)
            .into_iter()
            .map(|k| {
                let root = match st.resolve(&k) {
                    Resolution::Mounted(p) => Ok(p),
                    Resolution::Unresolved(w) | Resolution::Pending(w) | Resolution::Failed(w) => {
                        Err(w)
                    }
                };
                (k, root)
            })
            .collect();
    helm_render::render_charts(
        &mut helm_releases,
        &helm_render::ChartInputs {
            artifacts: &st.afs,
            host: fs,
            roots: &chart_roots,
            renders: &st.renders,
            options: &opts.charts,
        },
    );
    let mut render = ClusterRender {
        cluster: opts.cluster.clone(),
        repository: repo_root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        controller_flags: boot.flags,
        kustomizations: st.renders,
        helm_releases,
        findings: st.findings,
        plan: Vec::new(),
    };
    let (waves, graph_findings) = plan::plan(&render.kustomizations);
    render.plan = waves;
    render.findings.extend(graph_findings);
    let more = checks::run(&render, opts.git_url_pattern.as_deref());
    render.findings.extend(more);
    Ok(render)
}

impl State<'_> {
    /// Mounts a source given by the user (or the repository itself).
    fn mount_plain(&mut self, key: &ObjectKey, extra_ignore: &str) -> Result<PathBuf, String> {
        if let Some(p) = self.mounts.get(key) {
            return Ok(p.clone());
        }
        let Some(m) = self.sources.get(key) else {
            return Err("no source mapping".into());
        };
        let inner = self.afs.inner;
        let real = inner
            .canonical(&m.path)
            .map_err(|e| format!("source path {}: {e}", m.path.display()))?;
        if !inner.is_dir(&real) {
            return Err(format!("source path {} is not a directory", real.display()));
        }
        let overlaps = self.afs.overlaps(&real);
        let root = if overlaps {
            PathBuf::from(VIRTUAL_ROOT)
                .join(&key.kind)
                .join(&key.namespace)
                .join(&key.name)
        } else {
            real.clone()
        };
        if real != self.repo_root {
            self.labels.insert(
                crate::artifact::clean(&real).into_os_string(),
                key.to_string(),
            );
        }
        let ignore = format!("{}\n{extra_ignore}", m.ignore);
        let index = SourceIndex::build(inner, &real, &ignore);
        self.afs.add(Mount::new(
            root.clone(),
            Content::Source(Arc::new(Source::new(real, index))),
        ));
        self.mounts.insert(key.clone(), root.clone());
        Ok(root)
    }

    fn all_objects(&self) -> impl Iterator<Item = &Value> {
        self.renders
            .iter()
            .flat_map(|r| r.objects.iter().map(|o| &o.object))
    }

    fn find_object(&self, kind: &str, ns: &str, name: &str) -> Option<Value> {
        self.index
            .get(&(kind.to_string(), ns.to_string(), name.to_string()))
            .cloned()
    }

    fn resolve(&mut self, key: &ObjectKey) -> Resolution {
        if let Some(p) = self.mounts.get(key) {
            return Resolution::Mounted(p.clone());
        }
        if key.kind == "ExternalArtifact" {
            return self.resolve_external(key);
        }
        if self.sources.contains_key(key) {
            let ignore = self
                .find_object(&key.kind, &key.namespace, &key.name)
                .and_then(|o| o.str_at(&["spec", "ignore"]).map(str::to_string))
                .unwrap_or_default();
            return match self.mount_plain(key, &ignore) {
                Ok(p) => Resolution::Mounted(p),
                Err(why) => Resolution::Unresolved(why),
            };
        }
        match key.kind.as_str() {
            "OCIRepository" | "Bucket" => {
                Resolution::Unresolved("remote artifact, not available offline".into())
            }
            _ => Resolution::Unresolved(format!("no --source mapping for {key}")),
        }
    }

    /// An ExternalArtifact staged by the ArtifactGenerator that declares it
    /// (flux-semantics §4, `generator.rs`).
    fn resolve_external(&mut self, key: &ObjectKey) -> Resolution {
        let generator = self.all_objects().find(|o| {
            o.str_at(&["kind"]) == Some("ArtifactGenerator")
                && o.str_at(&["metadata", "namespace"]) == Some(key.namespace.as_str())
                && o.path(&["spec", "artifacts"])
                    .and_then(Value::as_seq)
                    .is_some_and(|a| a.iter().any(|x| x.str_at(&["name"]) == Some(&key.name)))
        });
        let Some(generator) = generator.cloned() else {
            return Resolution::Pending(format!("no ArtifactGenerator declares {key}"));
        };
        let gen_id = format!(
            "ArtifactGenerator {}/{}",
            key.namespace,
            generator.str_at(&["metadata", "name"]).unwrap_or("")
        );
        if generator.path(&["spec", "pathPattern"]).is_some() {
            return Resolution::Unresolved(format!(
                "{gen_id}: spec.pathPattern is not supported offline"
            ));
        }
        let gen_ns = key.namespace.clone();
        let mut aliases: HashMap<String, ObjectKey> = HashMap::new();
        for s in generator
            .path(&["spec", "sources"])
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
        {
            let alias = s.str_at(&["alias"]).unwrap_or("").to_string();
            aliases.insert(
                alias,
                ObjectKey::new(
                    s.str_at(&["kind"]).unwrap_or(""),
                    s.str_at(&["namespace"]).unwrap_or(&gen_ns),
                    s.str_at(&["name"]).unwrap_or(""),
                ),
            );
        }
        let ops: Vec<CopyOp> = generator
            .path(&["spec", "artifacts"])
            .and_then(Value::as_seq)
            .and_then(|a| a.iter().find(|x| x.str_at(&["name"]) == Some(&key.name)))
            .and_then(|a| a.get("copy"))
            .and_then(Value::as_seq)
            .into_iter()
            .flatten()
            .filter_map(CopyOp::from_value)
            .collect();
        if ops.iter().any(|o| o.strategy == "Extract") {
            return Resolution::Unresolved(format!(
                "{gen_id}: copy operations with strategy Extract (tarballs) are not supported offline"
            ));
        }
        if !self.staging.insert(key.clone()) {
            return Resolution::Failed(format!("{gen_id}: {key} is copied from itself"));
        }
        let mut roots: HashMap<String, PathBuf> = HashMap::new();
        for op in &ops {
            // Malformed sources and unknown aliases are reported by `stage`.
            let Ok((alias, _)) = generator::source_alias(&op.from) else {
                continue;
            };
            if roots.contains_key(alias) {
                continue;
            }
            let Some(src_key) = aliases.get(alias).cloned() else {
                continue;
            };
            let why = match self.resolve(&src_key) {
                Resolution::Mounted(p) => {
                    roots.insert(alias.to_string(), p);
                    continue;
                }
                Resolution::Pending(why) => Resolution::Pending(format!("source @{alias}: {why}")),
                Resolution::Unresolved(why) => {
                    Resolution::Unresolved(format!("source @{alias}: {why}"))
                }
                Resolution::Failed(why) => Resolution::Failed(format!("source @{alias}: {why}")),
            };
            self.staging.remove(key);
            return why;
        }
        let staged = generator::stage(
            &ops,
            &Sources {
                fs: &self.afs,
                roots: &roots,
            },
        );
        self.staging.remove(key);
        let tree = match staged {
            Ok(t) => t,
            Err(e) => return Resolution::Failed(format!("{gen_id}: {e}")),
        };
        let root = PathBuf::from(VIRTUAL_ROOT)
            .join(&key.kind)
            .join(&key.namespace)
            .join(&key.name);
        self.afs
            .add(Mount::new(root.clone(), Content::Staged(Arc::new(tree))));
        self.mounts.insert(key.clone(), root.clone());
        Resolution::Mounted(root)
    }

    /// A path for people: relative to the repository when inside it.
    fn display(&self, vpath: &Path) -> String {
        let vpath = crate::artifact::clean(vpath);
        let real = self.afs.real_unchecked(&vpath).unwrap_or(vpath);
        let real = crate::artifact::clean(&real);
        if let Some((root, label)) = crate::artifact::ancestors(&real)
            .find_map(|a| self.labels.get(a.as_os_str()).map(|l| (a, l)))
        {
            if let Some(r) = crate::artifact::below(&real, root, true) {
                return format!("{label}:{}", r.display());
            }
        }
        match crate::artifact::below(&real, &self.repo_root, self.repo_fast) {
            Some(r) => r.display().to_string(),
            None => real.display().to_string(),
        }
    }

    /// [`State::display`], once per path.
    fn shown(&mut self, vpath: PathBuf) -> String {
        if let Some(s) = self.shown.get(vpath.as_os_str()) {
            return s.clone();
        }
        let s = self.display(&vpath);
        self.shown.insert(vpath.into_os_string(), s.clone());
        s
    }

    /// Builds Kustomization `i`; returns the reason when its source is still pending.
    fn process(&mut self, i: usize) -> Option<String> {
        let ks = self.renders.get(i)?.spec.clone();
        let file = self.renders.get(i)?.file.clone();
        if self.no_cross_ns && ks.source_ref.namespace != ks.namespace {
            let msg = format!(
                "can't access '{}', cross-namespace references have been blocked",
                ks.source_ref
            );
            self.fail(i, &ks, &file, "spec.sourceRef.namespace", &msg);
            return None;
        }
        let root = match self.resolve(&ks.source_ref) {
            Resolution::Mounted(p) => p,
            Resolution::Unresolved(why) => {
                if let Some(r) = self.renders.get_mut(i) {
                    r.status = Status::UnresolvedSource(why);
                }
                return None;
            }
            Resolution::Pending(why) => return Some(why),
            Resolution::Failed(why) => {
                self.fail(i, &ks, &file, "spec.sourceRef", &why);
                return None;
            }
        };
        let dir = secure_join(&root, ks.path.as_deref().unwrap_or(""));
        if !self.afs.is_dir(&dir) {
            let msg = format!(
                "kustomization path not found: {}",
                ks.path.as_deref().unwrap_or("./")
            );
            self.fail(i, &ks, &file, "spec.path", &msg);
            return None;
        }
        let plain = BuildFs::new(&self.afs, root.clone(), None);
        let prepared = match prepare(&plain, &dir, &ks.spec()) {
            Ok(p) => p,
            Err(e) => {
                self.fail(i, &ks, &file, "spec", &e);
                return None;
            }
        };
        let bfs = BuildFs::new(&self.afs, root.clone(), prepared.overlay.clone());
        let built = match self.kustomizer.build(&bfs, &dir) {
            Ok(b) => b,
            Err(e) => {
                // A remote entry always fails an offline build, so the kustomizations are
                // scanned for them (T5) only then.
                if ks.namespace != crate::checks::PLATFORM_NAMESPACE {
                    let remote = crate::generate::remote_entries(&bfs, &dir);
                    let shown: Vec<(String, String)> = remote
                        .into_iter()
                        .map(|(f, e)| (self.display(&f), e))
                        .collect();
                    if let Some(r) = self.renders.get_mut(i) {
                        r.remote_entries = shown;
                    }
                }
                let msg = e.to_string();
                self.fail(i, &ks, &file, "spec.path", &msg);
                return None;
            }
        };
        let mut objects = Vec::with_capacity(built.len());
        for res in built.iter() {
            let f = match res.origin() {
                Some(o) => self.shown(dir.join(o.configured_in.as_deref().unwrap_or(&o.path))),
                None => self.shown(dir.clone()),
            };
            objects.push(AppliedObject {
                object: res.value().clone(),
                file: f,
            });
        }
        // §2.1 step 5: identity, then substitution.
        for o in &objects {
            let v = &o.object;
            for (field, val) in [
                ("apiVersion", v.str_at(&["apiVersion"])),
                ("kind", v.str_at(&["kind"])),
                ("metadata.name", v.str_at(&["metadata", "name"])),
            ] {
                if val.unwrap_or("").is_empty() {
                    let msg = format!("an object from {} has no {field}", o.file);
                    self.fail(i, &ks, &file, "spec.path", &msg);
                    return None;
                }
            }
        }
        if let Some(pb) = &ks.post_build {
            let lookup = |kind: &str, ns: &str, name: &str| self.find_object(kind, ns, name);
            let vars = match varsub::variables(pb, &ks.namespace, &lookup) {
                Ok(v) => v,
                Err(e) => {
                    self.fail(i, &ks, &file, "spec.postBuild.substituteFrom", &e);
                    return None;
                }
            };
            for o in &mut objects {
                match varsub::substitute(&o.object, &vars, pb.always, self.strict) {
                    Ok(Some(v)) => o.object = v,
                    Ok(None) => {}
                    Err(e) => {
                        let msg = format!("{} ({}): {e}", object_id(&o.object), o.file);
                        let err = Error::Substitution {
                            kustomization: ks.id(),
                            file: file.clone(),
                            message: msg,
                        };
                        self.fail_with(i, &ks, &file, err.to_string());
                        return None;
                    }
                }
            }
        }
        let mut output = String::new();
        for (n, o) in objects.iter().enumerate() {
            if n > 0 {
                output.push_str("---\n");
            }
            if let Err(e) = krust_yaml::write_yaml(&mut output, &o.object) {
                let msg = format!("printing {}: {e}", object_id(&o.object));
                self.fail(i, &ks, &file, "spec.path", &msg);
                return None;
            }
        }
        // Nested Flux Kustomizations, in output order.
        let id = ks.id();
        let mut discovered = Vec::new();
        for o in &objects {
            if !is_flux_kustomization(&o.object) {
                continue;
            }
            match FluxKustomization::from_value(&o.object, &o.file) {
                Ok(child) => {
                    if !self.seen.insert(child.id()) {
                        self.findings.push(Finding {
                            rule: "DUPLICATE".into(),
                            severity: Severity::Error,
                            object: format!("Kustomization/{}", child.id()),
                            file: o.file.clone(),
                            message: "applied by more than one Kustomization".into(),
                            fix: "keep one definition".into(),
                        });
                        continue;
                    }
                    discovered.push(KustomizationRender {
                        spec: child,
                        defined_in: id.clone(),
                        file: o.file.clone(),
                        status: Status::Built,
                        kustomization_file: None,
                        objects: Vec::new(),
                        output: String::new(),
                        remote_entries: Vec::new(),
                    });
                }
                Err(e) => self.findings.push(Finding {
                    rule: "INVALID".into(),
                    severity: Severity::Error,
                    object: object_id(&o.object),
                    file: o.file.clone(),
                    message: e.to_string(),
                    fix: "correct the field".into(),
                }),
            }
        }
        for o in &objects {
            let v = &o.object;
            let key = (
                v.str_at(&["kind"]).unwrap_or("").to_string(),
                v.str_at(&["metadata", "namespace"])
                    .unwrap_or("default")
                    .to_string(),
                v.str_at(&["metadata", "name"]).unwrap_or("").to_string(),
            );
            self.index.entry(key).or_insert_with(|| v.clone());
        }
        if let Some(r) = self.renders.get_mut(i) {
            r.status = Status::Built;
            r.kustomization_file = Some(prepared.file);
            r.objects = objects;
            r.output = output;
        }
        for d in discovered {
            self.renders.push(d);
        }
        None
    }

    fn fail(&mut self, i: usize, ks: &FluxKustomization, file: &str, field: &str, msg: &str) {
        let text = format!(
            "Kustomization {} (defined in {file}): field {field}: {msg}",
            ks.id()
        );
        self.fail_with(i, ks, file, text);
    }

    fn fail_with(&mut self, i: usize, ks: &FluxKustomization, file: &str, text: String) {
        self.findings.push(Finding {
            rule: "BUILD".into(),
            severity: Severity::Error,
            object: format!("Kustomization/{}", ks.id()),
            file: file.to_string(),
            message: text.clone(),
            fix: "fix the Kustomization or the files it builds".into(),
        });
        if let Some(r) = self.renders.get_mut(i) {
            r.status = Status::Failed(text);
        }
    }
}

/// `Kind/namespace/name` (namespace empty for cluster-scoped objects).
pub(crate) fn object_id(v: &Value) -> String {
    format!(
        "{}/{}/{}",
        v.str_at(&["kind"]).unwrap_or(""),
        v.str_at(&["metadata", "namespace"]).unwrap_or(""),
        v.str_at(&["metadata", "name"]).unwrap_or("")
    )
}
