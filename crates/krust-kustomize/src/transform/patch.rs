//! `patchesStrategicMerge`, `patches` and `patchesJson6902`.

use krust_model::ResMap;

use super::Transform;
use crate::target::Target;
use crate::Error;

/// A strategic-merge patch applied to the resources it names.
#[derive(Debug, Clone)]
pub struct StrategicMerge {}

impl Transform for StrategicMerge {
    fn apply(&self, _resources: &mut ResMap) -> Result<(), Error> {
        Ok(())
    }
}

pub(crate) fn strategic_merge_patches(t: &Target<'_>) -> Result<Vec<StrategicMerge>, Error> {
    if let Some(p) = t.k.patches_strategic_merge.first() {
        return Err(Error::Unsupported {
            file: t.file.clone(),
            entry: format!("patchesStrategicMerge: {p}"),
            what: "strategic merge patches (not yet)".into(),
        });
    }
    Ok(Vec::new())
}

pub(crate) fn patches(t: &Target<'_>) -> Result<Vec<Box<dyn Transform>>, Error> {
    if let Some(p) = t.k.patches.first() {
        return Err(Error::Unsupported {
            file: t.file.clone(),
            entry: format!("patches: {}", p.path),
            what: "patches (not yet)".into(),
        });
    }
    Ok(Vec::new())
}

pub(crate) fn json6902_patches(t: &Target<'_>) -> Result<Vec<Box<dyn Transform>>, Error> {
    if let Some(p) = t.k.patches_json6902.first() {
        return Err(Error::Unsupported {
            file: t.file.clone(),
            entry: format!("patchesJson6902: {}", p.path),
            what: "JSON 6902 patches (not yet)".into(),
        });
    }
    Ok(Vec::new())
}
