//! The shape of the generated table (`generated.rs`, written by `tools/gen_openapi.py`).

/// One definition of the built-in schema, with the fields that matter to strategic merge.
#[derive(Debug)]
pub(super) struct Def {
    pub name: &'static str,
    /// Part of kustomize's kustomization schema (always added, even to a custom schema).
    pub kustomization: bool,
    pub fields: &'static [Field],
}

/// One field of a definition.
#[derive(Debug)]
pub(super) struct Field {
    pub name: &'static str,
    pub shape: Shape,
    /// `x-kubernetes-patch-strategy`, raw (`""` when absent).
    pub strategy: &'static str,
    /// `x-kubernetes-patch-merge-key`, raw (`""` when absent).
    pub merge_key: &'static str,
    /// `x-kubernetes-list-map-keys`, raw.
    pub list_map_keys: &'static [&'static str],
}

/// What a field's schema is, as far as walking it is concerned.
#[derive(Debug, Clone, Copy)]
pub(super) enum Shape {
    /// `$ref` to the definition with this index (kyaml replaces the field's schema by it).
    Ref(u16),
    /// An array; its items are the definition with this index, or have no metadata.
    Array(Option<u16>),
    /// An object whose `additionalProperties` are the definition with this index.
    #[allow(dead_code)] // no field of the v1.21.2 table has this shape
    MapOf(u16),
    /// A scalar, or an object with no metadata anywhere below it.
    Leaf,
}
