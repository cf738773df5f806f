pub fn apply_json6902() {}
pub fn parse_json6902() {}
pub enum OpKind {}
pub struct Operation;
