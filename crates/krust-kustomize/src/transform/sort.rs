//! The final order of a build (`--reorder`, `sortOptions`).

use crate::target::Target;
use crate::{Error, Kustomizer};
use krust_model::ResMap;

/// Orders the build's output.
pub(crate) fn apply(_kz: &Kustomizer, _t: &Target<'_>, _list: &mut ResMap) -> Result<(), Error> {
    Ok(())
}
