//! Helm's values coalescing with subcharts and globals (`pkg/chart/common/util/coalesce.go`,
//! Helm v4.1.4), the one implementation krust uses for charts.
//!
//! Values are krust YAML trees; Go's `nil` is [`Data::Null`]. Helm mutates maps in place;
//! here every function takes and returns owned maps (cheap: containers are shared until
//! changed).

use krust_yaml::{Data, Key, Map, Value};

/// A chart as coalescing sees it: a name, default values and subcharts.
pub trait ChartValues {
    /// The chart's name (an alias when the dependency has one).
    fn chart_name(&self) -> &str;
    /// The chart's default values (a mapping; anything else counts as empty).
    fn chart_values(&self) -> &Value;
    /// The chart's (enabled) subcharts, in order.
    fn subcharts(&self) -> Vec<&Self>;
}

/// A coalescing failure (`type mismatch on <subchart>: ...`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CoalesceError(pub String);

/// `CoalesceValues(chart, vals)`: user values over the chart's defaults, subcharts and
/// globals included; a user `null` deletes a default.
pub fn coalesce_values<C: ChartValues>(chart: &C, user: &Value) -> Result<Value, CoalesceError> {
    let dest = user.as_map().cloned().unwrap_or_default();
    Ok(Value::from_map(coalesce(chart, dest, false)?))
}

/// `MergeValues(chart, vals)`: as [`coalesce_values`] but `null`s are kept as values.
pub fn merge_values<C: ChartValues>(chart: &C, user: &Value) -> Result<Value, CoalesceError> {
    let dest = user.as_map().cloned().unwrap_or_default();
    Ok(Value::from_map(coalesce(chart, dest, true)?))
}

fn coalesce<C: ChartValues>(chart: &C, dest: Map, merge: bool) -> Result<Map, CoalesceError> {
    let dest = coalesce_chart_values(chart, dest, merge);
    coalesce_deps(chart, dest, merge)
}

fn is_table(v: &Value) -> bool {
    matches!(v.data, Data::Map(_))
}

fn coalesce_deps<C: ChartValues>(
    chart: &C,
    mut dest: Map,
    merge: bool,
) -> Result<Map, CoalesceError> {
    for sub in chart.subcharts() {
        let name = sub.chart_name();
        let sub_map = match dest.get(name) {
            None => Map::default(),
            Some(v) => match &v.data {
                Data::Map(m) => (**m).clone(),
                _ => {
                    return Err(CoalesceError(format!(
                        "type mismatch on {name}: %!t({}={})",
                        go_type_name(v),
                        go_value(v)
                    )))
                }
            },
        };
        let sub_map = coalesce_globals(sub_map, &dest);
        let sub_map = coalesce(sub, sub_map, merge)?;
        leak_globals(&mut dest, &sub_map, merge);
        dest.insert(Key::new(name), Value::from_map(sub_map));
    }
    Ok(dest)
}

fn go_type_name(v: &Value) -> &'static str {
    match v.data {
        Data::Bool(_) => "bool",
        Data::Int(_) => "int64",
        Data::Uint(_) => "uint64",
        Data::Float(_) => "float64",
        Data::String(_) => "string",
        Data::Seq(_) => "[]interface {}",
        _ => "interface {}",
    }
}

fn go_value(v: &Value) -> String {
    match &v.data {
        Data::Bool(b) => b.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Uint(u) => u.to_string(),
        Data::Float(f) => f.to_string(),
        Data::String(s) => s.to_string(),
        _ => String::new(),
    }
}

/// Go's aliasing, reproduced: `coalesceGlobals` copies the parent's `global.K` tables
/// shallowly, so the subchart's merge writes into the parent's own `global.K.S` tables
/// (two levels down). What the subchart (and its subcharts) added there shows in the
/// parent's values, and in every subchart coalesced after it.
fn leak_globals(dest: &mut Map, sub: &Map, merge: bool) {
    let (Some(Data::Map(pg)), Some(Data::Map(sg))) = (
        dest.get("global").map(|v| &v.data),
        sub.get("global").map(|v| &v.data),
    ) else {
        return;
    };
    let mut pg_new = (**pg).clone();
    let mut changed = false;
    for (k, pk) in pg.iter() {
        let (Data::Map(pkm), Some(Data::Map(skm))) =
            (&pk.data, sg.get(k.as_str()).map(|v| &v.data))
        else {
            continue;
        };
        let mut pk_new = (**pkm).clone();
        let mut k_changed = false;
        for (s, ps) in pkm.iter() {
            if let (Data::Map(psm), Some(Data::Map(ssm))) =
                (&ps.data, skm.get(s.as_str()).map(|v| &v.data))
            {
                let merged = coalesce_tables_full((**psm).clone(), ssm, merge);
                if merged.len() != psm.len() || merged != **psm {
                    pk_new.insert(s.clone(), Value::from_map(merged));
                    k_changed = true;
                }
            }
        }
        if k_changed {
            pg_new.insert(k.clone(), Value::from_map(pk_new));
            changed = true;
        }
    }
    if changed {
        dest.insert(Key::new("global"), Value::from_map(pg_new));
    }
}

/// `coalesceGlobals(dest, src)`: the parent's `global` table laid into the subchart's;
/// the parent's entries win.
fn coalesce_globals(mut dest: Map, src: &Map) -> Map {
    let dg = match dest.get("global") {
        None => Map::default(),
        Some(v) => match &v.data {
            Data::Map(m) => (**m).clone(),
            _ => return dest,
        },
    };
    let sg = match src.get("global") {
        None => std::sync::Arc::new(Map::default()),
        Some(v) => match &v.data {
            Data::Map(m) => m.clone(),
            _ => return dest,
        },
    };
    let mut dg = dg;
    for (key, val) in sg.iter() {
        if let Data::Map(vv) = &val.data {
            match dg.get(key.as_str()).map(|d| &d.data) {
                None => {
                    dg.insert(key.clone(), val.clone());
                }
                Some(Data::Map(destv)) => {
                    let merged = coalesce_tables_full((**vv).clone(), destv, true);
                    dg.insert(key.clone(), Value::from_map(merged));
                }
                Some(_) => {}
            }
        } else if dg.get(key.as_str()).is_some_and(is_table) {
            // A parent scalar does not replace a subchart table.
        } else {
            dg.insert(key.clone(), val.clone());
        }
    }
    dest.insert(Key::new("global"), Value::from_map(dg));
    dest
}

/// `coalesceValues(chart, v)`: the chart's defaults under the values `v`.
fn coalesce_chart_values<C: ChartValues>(chart: &C, mut v: Map, merge: bool) -> Map {
    let Some(vc) = chart.chart_values().as_map() else {
        return v;
    };
    let subs = chart.subcharts();
    for (key, val) in vc {
        match v.get(key.as_str()) {
            Some(value) if value.is_null() && !merge => {
                v.shift_remove(key.as_str());
            }
            Some(value) => {
                if let (Data::Map(dest), Data::Map(src)) = (&value.data, &val.data) {
                    let merge = merge || subs.iter().any(|s| s.chart_name() == key.as_str());
                    let out = coalesce_tables_full((**dest).clone(), src, merge);
                    v.insert(key.clone(), Value::from_map(out));
                }
            }
            None => {
                v.insert(key.clone(), val.clone());
            }
        }
    }
    v
}

/// `CoalesceTables(dst, src)`: `src` fills what `dst` lacks; a `null` in `dst` deletes
/// the `src` entry.
pub fn coalesce_tables(dst: &Map, src: &Map) -> Map {
    coalesce_tables_full(dst.clone(), src, false)
}

/// `MergeTables(dst, src)`: as [`coalesce_tables`] but `null`s in `dst` are kept.
pub fn merge_tables(dst: &Map, src: &Map) -> Map {
    coalesce_tables_full(dst.clone(), src, true)
}

fn coalesce_tables_full(mut dst: Map, src: &Map, merge: bool) -> Map {
    for (key, val) in src {
        let dv = dst.get(key.as_str());
        match dv {
            Some(dv) if dv.is_null() => {
                // Helm copies dst's nils into src first, so a src key that was non-nil is
                // deleted from dst (unless merging); one that was nil stays nil.
                if !merge && !val.is_null() {
                    dst.shift_remove(key.as_str());
                }
            }
            None => {
                dst.insert(key.clone(), val.clone());
            }
            Some(dv) => {
                if let (Data::Map(sm), Data::Map(dm)) = (&val.data, &dv.data) {
                    let out = coalesce_tables_full((**dm).clone(), sm, merge);
                    dst.insert(key.clone(), Value::from_map(out));
                }
            }
        }
    }
    dst
}

/// A copy of `vals` without `null` entries, recursively through mappings
/// (`trimNilValues` of Helm's dependency code).
pub fn trim_nil_values(vals: &Map) -> Map {
    vals.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let v = match &v.data {
                Data::Map(m) => Value::from_map(trim_nil_values(m)),
                _ => v.clone(),
            };
            (k.clone(), v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct C {
        name: &'static str,
        values: Value,
        subs: Vec<C>,
    }
    impl ChartValues for C {
        fn chart_name(&self) -> &str {
            self.name
        }
        fn chart_values(&self) -> &Value {
            &self.values
        }
        fn subcharts(&self) -> Vec<&Self> {
            self.subs.iter().collect()
        }
    }

    fn y(s: &str) -> Value {
        krust_yaml::parse_document(s, "t", krust_yaml::Typing::Yaml11).unwrap()
    }

    #[test]
    fn defaults_nulls_kept_user_null_deletes_globals_flow_down() {
        let chart = C {
            name: "top",
            values: y("a: null\nb: {c: null, d: 1}\nglobal: {g: 1}\nsub: {x: 1}\n"),
            subs: vec![C {
                name: "sub",
                values: y("x: 0\ny: 2\nglobal: {g: 0, h: 3}\n"),
                subs: vec![],
            }],
        };
        let out = coalesce_values(&chart, &y("b: {d: null}\nsub: {y: null}\nq: null\n")).unwrap();
        assert_eq!(out.get("a"), Some(&Value::null()));
        assert_eq!(out.pointer("/b/c"), Some(&Value::null()));
        assert!(out.pointer("/b/d").is_none());
        assert_eq!(out.get("q"), Some(&Value::null()));
        assert_eq!(out.pointer("/sub/x"), Some(&Value::from(1i64)));
        assert!(out.pointer("/sub/y").is_none());
        assert_eq!(out.pointer("/sub/global/g"), Some(&Value::from(1i64)));
        assert_eq!(out.pointer("/sub/global/h"), Some(&Value::from(3i64)));
    }
}
