//! `krust fleet ROOT --flux --cluster NAME...`: Flux clusters rendered through krust-flux,
//! one cluster per worker. Each Flux Kustomization of a cluster is one build of the fleet,
//! named `<cluster>/<namespace>--<name>`.

use std::path::Path;
use std::time::Instant;

use krust_flux::{render_cluster, ClusterOptions, Severity, Status};
use krust_kustomize::DiskFs;
use krust_testing::fleet::{BuildOutput, Rendered};
use krust_testing::Error;
use rayon::prelude::*;

/// The builds of every cluster, and how many error findings the checks reported.
pub struct FluxFleet {
    pub outputs: Vec<BuildOutput>,
    pub finding_errors: usize,
}

pub fn render(
    root: &Path,
    clusters: &[String],
    jobs: usize,
    limits: krust_kustomize::Limits,
) -> anyhow::Result<FluxFleet> {
    // The stack a build needs, as the plain fleet's workers get it.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(krust_testing::fleet::WORKER_STACK)
        .build()?;
    let renders: Vec<_> = pool.install(|| {
        clusters
            .par_iter()
            .with_max_len(1)
            .map(|c| {
                let start = Instant::now();
                let mut opts = ClusterOptions::new(c.as_str());
                opts.limits = limits;
                let r = render_cluster(&DiskFs, root, &opts);
                (c, r, start.elapsed().as_secs_f64())
            })
            .collect()
    });
    let mut fleet = FluxFleet {
        outputs: Vec::new(),
        finding_errors: 0,
    };
    for (cluster, render, seconds) in renders {
        let render = match render {
            Ok(r) => r,
            Err(e) => {
                fleet.outputs.push(BuildOutput {
                    dir: root.join("clusters").join(cluster),
                    name: cluster.clone(),
                    result: Err(Error::Failed {
                        dir: cluster.clone(),
                        message: e.to_string(),
                    }),
                    seconds,
                });
                continue;
            }
        };
        for f in &render.findings {
            let level = f.severity.as_str();
            eprintln!("{level}: {cluster}: {} {}: {}", f.rule, f.object, f.message);
            if f.severity == Severity::Error {
                fleet.finding_errors += 1;
            }
        }
        let per = seconds / render.kustomizations.len().max(1) as f64;
        for k in render.kustomizations {
            let name = format!("{cluster}/{}", k.file_name().trim_end_matches(".yaml"));
            let result = match &k.status {
                Status::Built => Ok(Rendered {
                    objects: k.objects.len(),
                    yaml: k.output,
                }),
                Status::UnresolvedSource(why) => {
                    eprintln!("warning: {name}: unresolved source ({why})");
                    continue;
                }
                Status::Failed(why) => Err(Error::Failed {
                    dir: name.clone(),
                    message: why.clone(),
                }),
            };
            fleet.outputs.push(BuildOutput {
                dir: root.join(&k.file),
                name,
                result,
                seconds: per,
            });
        }
    }
    Ok(fleet)
}
