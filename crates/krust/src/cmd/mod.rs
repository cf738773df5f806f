//! One module per subcommand.

pub mod build;
pub mod diff;
pub mod fleet;
pub mod flux;
pub mod template;
pub mod values;

/// The bounds of a build (`krust_kustomize::Limits`), raised or lowered from the command
/// line; each one left out keeps the library's default.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LimitArgs {
    /// Most resources one build may hold (default 100,000).
    #[arg(long = "max-resources", value_name = "N")]
    pub max_resources: Option<usize>,
    /// Most YAML nodes of all the documents one build reads (default 4,000,000).
    #[arg(long = "max-nodes", value_name = "N")]
    pub max_nodes: Option<u64>,
    /// Largest file a build reads, in bytes; `Ki`, `Mi` and `Gi` suffixes allowed (default 8Mi).
    #[arg(long = "max-file-bytes", value_name = "SIZE", value_parser = parse_size)]
    pub max_file_bytes: Option<u64>,
    /// Most bytes one build reads in all its files; `Ki`, `Mi`, `Gi` allowed (default 256Mi).
    #[arg(long = "max-total-bytes", value_name = "SIZE", value_parser = parse_size)]
    pub max_total_bytes: Option<u64>,
}

impl LimitArgs {
    /// `limits` with the bounds given on the command line.
    pub fn apply(&self, mut limits: krust_kustomize::Limits) -> krust_kustomize::Limits {
        if let Some(n) = self.max_resources {
            limits = limits.max_resources(n);
        }
        if let Some(n) = self.max_nodes {
            limits = limits.max_nodes(n);
        }
        if let Some(n) = self.max_file_bytes {
            limits = limits.max_file_bytes(n);
        }
        if let Some(n) = self.max_total_bytes {
            limits = limits.max_total_bytes(n);
        }
        limits
    }
}

/// A size in bytes: digits, optionally followed by `Ki`, `Mi` or `Gi`.
fn parse_size(s: &str) -> Result<u64, String> {
    let (digits, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, ""),
    };
    let shift = match unit {
        "" => 0,
        "Ki" => 10,
        "Mi" => 20,
        "Gi" => 30,
        _ => {
            return Err(format!(
                "{s:?}: expected a number of bytes, optionally with Ki, Mi or Gi"
            ))
        }
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{s:?}: expected a number of bytes, optionally with Ki, Mi or Gi"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("{s:?}: too large"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("64Mi"), Ok(64 << 20));
        assert_eq!(parse_size("2Gi"), Ok(2 << 30));
        assert!(parse_size("1MB").is_err());
        assert!(parse_size("Mi").is_err());
        assert!(parse_size("99999999999Gi").is_err());
    }
}
