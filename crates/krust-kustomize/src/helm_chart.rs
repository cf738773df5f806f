//! kustomize's `helmCharts:` (the builtin HelmChartInflationGenerator), rendered with
//! krust-chart instead of the helm binary.
