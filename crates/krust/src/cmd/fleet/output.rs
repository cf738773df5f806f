//! Printing a fleet render: the YAML stream or tree, the errors, the summary, or JSON.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use krust_testing::fleet::{BuildOutput, Shard};
use serde_json::json;

use super::Format;

/// The totals of a fleet render.
#[derive(Debug)]
pub struct Summary {
    pub builds: usize,
    pub objects: usize,
    pub errors: usize,
    pub seconds: f64,
    pub shard: Option<Shard>,
}

impl Summary {
    pub fn of(outputs: &[BuildOutput], seconds: f64, shard: Option<Shard>) -> Self {
        Summary {
            builds: outputs.len(),
            objects: outputs
                .iter()
                .filter_map(|o| o.result.as_ref().ok())
                .map(|r| r.objects)
                .sum(),
            errors: outputs.iter().filter(|o| o.result.is_err()).count(),
            seconds,
            shard,
        }
    }

    /// `fleet: 2 builds, 34 objects, 0 errors, 0.12s` (plus the shard when there is one).
    fn line(&self) -> String {
        let shard = self
            .shard
            .map(|s| format!(" (shard {}/{})", s.index, s.count))
            .unwrap_or_default();
        format!(
            "fleet: {} builds, {} objects, {} errors, {:.2}s{shard}",
            self.builds, self.objects, self.errors, self.seconds
        )
    }
}

/// Where the build named `name` goes under `dir`: `dir/<name>.yaml`; the root itself (`.`)
/// becomes `dir/<root's name>.yaml`.
fn output_file(dir: &Path, out: &BuildOutput) -> PathBuf {
    if out.name == "." {
        let base = out
            .dir
            .file_name()
            .map_or_else(|| "root".into(), |n| n.to_string_lossy().into_owned());
        return dir.join(format!("{base}.yaml"));
    }
    dir.join(format!("{}.yaml", out.name))
}

pub fn write(
    outputs: &[BuildOutput],
    summary: &Summary,
    format: Format,
    dir: Option<&Path>,
) -> anyhow::Result<()> {
    let mut files = Vec::with_capacity(outputs.len());
    if let Some(dir) = dir {
        for out in outputs {
            let Ok(r) = &out.result else {
                files.push(None);
                continue;
            };
            let file = output_file(dir, out);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            std::fs::write(&file, &r.yaml)
                .with_context(|| format!("writing {}", file.display()))?;
            files.push(Some(file));
        }
    }
    let mut stdout = std::io::stdout().lock();
    match format {
        Format::Text => {
            for out in outputs {
                if let Err(e) = &out.result {
                    eprintln!("error: {e}");
                }
            }
            if dir.is_none() {
                let mut first = true;
                for out in outputs {
                    let Ok(r) = &out.result else { continue };
                    if !first {
                        stdout.write_all(b"---\n")?;
                    }
                    first = false;
                    // A comment names the build; YAML readers skip it.
                    writeln!(stdout, "# Source: {}", out.name)?;
                    stdout.write_all(r.yaml.as_bytes())?;
                }
            }
        }
        Format::Json => {
            let builds: Vec<_> = outputs
                .iter()
                .enumerate()
                .map(|(i, out)| {
                    let mut b = json!({
                        "path": out.name,
                        "seconds": round(out.seconds),
                    });
                    match &out.result {
                        Ok(r) => {
                            b["objects"] = json!(r.objects);
                            b["error"] = json!(null);
                            match files.get(i).and_then(Option::as_ref) {
                                Some(f) => b["output"] = json!(f.display().to_string()),
                                None => b["yaml"] = json!(r.yaml),
                            }
                        }
                        Err(e) => {
                            b["objects"] = json!(0);
                            b["error"] = json!(e.to_string());
                        }
                    }
                    b
                })
                .collect();
            let doc = json!({
                "builds": builds,
                "summary": {
                    "builds": summary.builds,
                    "objects": summary.objects,
                    "errors": summary.errors,
                    "seconds": round(summary.seconds),
                    "shard": summary.shard.map(|s| format!("{}/{}", s.index, s.count)),
                },
            });
            serde_json::to_writer_pretty(&mut stdout, &doc)?;
            stdout.write_all(b"\n")?;
        }
    }
    stdout.flush()?;
    eprintln!("{}", summary.line());
    Ok(())
}

fn round(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}
