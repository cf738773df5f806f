//! Dependency processing before a render (`chartutil.ProcessDependencies`, Helm v4.1.4
//! `pkg/chart/v2/util/dependencies.go`): conditions, tags, aliases, import-values.

use krust_helm::coalesce::{coalesce_values, merge_tables, merge_values};
use krust_yaml::{Data, Key, Map, Value};

use crate::load::Chart;
use crate::semver::is_compatible_range;
use crate::values::{path_value, table};
use crate::ChartError;

/// `action.CheckDependencies`: every dependency declared in Chart.yaml must be present.
pub fn check_dependencies(chart: &Chart) -> Result<(), ChartError> {
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.as_str())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(ChartError::Dependencies(format!(
        "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
        missing.join(", ")
    )))
}

/// `ProcessDependencies(chart, vals)`: drops disabled subcharts, applies aliases, and
/// folds import-values (and subchart defaults) into each chart's values.
pub fn process_dependencies(chart: &mut Chart, user: &Value) -> Result<(), ChartError> {
    process_enabled(chart, user, "")?;
    process_import_values(chart)
}

fn process_enabled(c: &mut Chart, v: &Value, path: &str) -> Result<(), ChartError> {
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let existing = std::mem::take(&mut c.dependencies);
    let mut deps: Vec<Chart> = existing
        .iter()
        .filter(|e| {
            !c.metadata
                .dependencies
                .iter()
                .any(|r| e.name() == r.name && is_compatible_range(&r.version, &e.metadata.version))
        })
        .cloned()
        .collect();
    for req in &mut c.metadata.dependencies {
        if let Some(found) = existing.iter().find(|e| {
            e.name() == req.name && is_compatible_range(&req.version, &e.metadata.version)
        }) {
            let mut out = found.clone();
            if !req.alias.is_empty() {
                out.metadata.name = req.alias.clone();
            }
            deps.push(out);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    c.dependencies = deps;
    for r in &mut c.metadata.dependencies {
        r.enabled = true;
    }
    let cvals = coalesce_values(&*c, v).map_err(|e| ChartError::Dependencies(e.to_string()))?;
    // Tags.
    if let Some(tags) = table(&cvals, "tags") {
        for r in &mut c.metadata.dependencies {
            let (mut has_true, mut has_false) = (false, false);
            for k in &r.tags {
                match tags.get(k).map(|b| &b.data) {
                    Some(Data::Bool(true)) => has_true = true,
                    Some(Data::Bool(false)) => has_false = true,
                    _ => {}
                }
            }
            r.enabled = has_true || !has_false;
        }
    }
    // Conditions: the first path holding a bool decides.
    for r in &mut c.metadata.dependencies {
        for cond in r.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            if let Some(Data::Bool(b)) =
                path_value(&cvals, &format!("{path}{cond}")).map(|v| &v.data)
            {
                r.enabled = *b;
                break;
            }
        }
    }
    let removed: Vec<String> = c
        .metadata
        .dependencies
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    c.dependencies
        .retain(|d| !removed.iter().any(|n| n == d.name()));
    c.metadata
        .dependencies
        .retain(|r| !removed.contains(&r.name));
    for t in &mut c.dependencies {
        let sub = format!("{path}{}.", t.metadata.name);
        process_enabled(t, &cvals, &sub)?;
    }
    Ok(())
}

/// `processDependencyImportValues(c, merge = true)`, children first.
fn process_import_values(c: &mut Chart) -> Result<(), ChartError> {
    for d in &mut c.dependencies {
        process_import_values(d)?;
    }
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals =
        merge_values(&*c, &Value::map()).map_err(|e| ChartError::Dependencies(e.to_string()))?;
    let mut b = Map::default();
    for r in &mut c.metadata.dependencies {
        let mut out = Vec::new();
        for iv in &r.import_values {
            match &iv.data {
                Data::Map(m) => {
                    let child = m.get("child").map(go_fmt).unwrap_or_else(|| "<nil>".into());
                    let parent = m
                        .get("parent")
                        .map(go_fmt)
                        .unwrap_or_else(|| "<nil>".into());
                    out.push(child_parent(&child, &parent));
                    let Some(vv) = table(&cvals, &format!("{}.{child}", r.name)) else {
                        continue;
                    };
                    let vm = vv.as_map().cloned().unwrap_or_default();
                    b = merge_tables(&b, &path_to_map(&parent, vm));
                }
                Data::String(s) => {
                    let child = format!("exports.{s}");
                    out.push(child_parent(&child, "."));
                    let Some(vm) = table(&cvals, &format!("{}.{child}", r.name)) else {
                        continue;
                    };
                    b = merge_tables(&b, vm.as_map().unwrap_or(&Map::default()));
                }
                _ => {}
            }
        }
        r.import_values = out;
    }
    let base = cvals.as_map().cloned().unwrap_or_default();
    c.values = Value::from_map(merge_tables(&base, &b));
    Ok(())
}

fn child_parent(child: &str, parent: &str) -> Value {
    let mut m = Value::map();
    m.insert("child", Value::from(child));
    m.insert("parent", Value::from(parent));
    m
}

/// `fmt.Sprintf("%v", x)` for the scalars an import-values entry holds.
fn go_fmt(v: &Value) -> String {
    match &v.data {
        Data::Null => "<nil>".into(),
        Data::String(s) => s.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => krust_template::Value::Float(*f).to_string(),
        _ => crate::values::to_go(v).to_string(),
    }
}

/// `pathToMap(path, data)`: `a.b` and `{x}` give `{a: {b: {x}}}`; `.` gives `{x}`.
fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.split('.').rev() {
        let mut m = Map::default();
        m.insert(Key::new(part), Value::from_map(cur));
        cur = m;
    }
    cur
}
