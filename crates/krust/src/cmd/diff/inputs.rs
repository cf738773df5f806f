//! One side of `krust diff A B`: a file, a kustomization directory, or a directory of YAML.

use std::path::Path;

use anyhow::{bail, Context};
use krust_kustomize::{DiskFs, FileSystem, Kustomizer, Options};
use krust_testing::diff::Objects;
use krust_testing::discover::{has_kustomization, relative};

pub fn load(path: &Path, options: &Options) -> anyhow::Result<Objects> {
    if !path.exists() {
        bail!("{}: no such file or directory", path.display());
    }
    if path.is_file() {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        return Ok(Objects::parse(&text, &path.display().to_string())?);
    }
    let dir = std::fs::canonicalize(path).with_context(|| path.display().to_string())?;
    if has_kustomization(&DiskFs, &dir) {
        let resmap = Kustomizer::new(options.clone())
            .build(&DiskFs, &dir)
            .with_context(|| format!("building {}", path.display()))?;
        let text = resmap.to_yaml()?;
        return Ok(Objects::parse(&text, &path.display().to_string())?);
    }
    // A tree of rendered files: objects are matched within the file of the same relative
    // path, so two `krust fleet -o` trees compare build by build.
    let mut objects = Objects::new();
    let mut files = Vec::new();
    yaml_files(&dir, &mut files)?;
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        objects.add_stream(&relative(&dir, &file), &text, &file.display().to_string())?;
    }
    Ok(objects)
}

fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> anyhow::Result<()> {
    for entry in DiskFs
        .read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
    {
        let hidden = entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if entry.is_dir() {
            yaml_files(&entry, out)?;
        } else if entry.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(entry);
        }
    }
    Ok(())
}
