//! The final order of a build (`--reorder`, `sortOptions`; kustomize's
//! `SortOrderTransformer`).

use krust_model::{LegacyOrder, ResMap};
use krust_yaml::Value;

use crate::decode::fields;
use crate::target::Target;
use crate::{Error, Kustomizer, Reorder};

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidSortOptions {
        message: message.into(),
    }
}

fn sort_options(v: &Value) -> Result<Option<LegacyOrder>, Error> {
    let f = fields(v, "SortOptions", &["order", "legacySortOptions"]).map_err(invalid)?;
    let order = f.string("order").map_err(invalid)?;
    let legacy = f.raw("legacySortOptions");
    match order.as_str() {
        "fifo" => {
            if legacy.is_some() {
                return Err(invalid(
                    "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
                ));
            }
            Ok(None)
        }
        "legacy" => {
            let Some(l) = legacy else {
                return Ok(Some(LegacyOrder::default()));
            };
            let lf =
                fields(l, "LegacySortOptions", &["orderFirst", "orderLast"]).map_err(invalid)?;
            Ok(Some(LegacyOrder {
                order_first: lf.strings("orderFirst").map_err(invalid)?,
                order_last: lf.strings("orderLast").map_err(invalid)?,
            }))
        }
        _ => Err(invalid(
            "the field 'sortOptions.order' must be one of [fifo, legacy]",
        )),
    }
}

/// Orders the build's output.
pub(crate) fn apply(kz: &Kustomizer, t: &Target<'_>, list: &mut ResMap) -> Result<(), Error> {
    if let Some(so) = &t.k.sort_options {
        if let Some(order) = sort_options(so)? {
            list.sort_legacy(&order);
        }
        return Ok(());
    }
    if matches!(kz.options.reorder, Reorder::Legacy | Reorder::Unspecified) {
        list.sort_legacy(&LegacyOrder::default());
    }
    Ok(())
}
