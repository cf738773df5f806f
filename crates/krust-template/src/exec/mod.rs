//! The executor (Go's `text/template/exec.go`).

use crate::{Error, Set, Value};

pub(crate) struct State<'a> {
    set: &'a Set,
}

impl<'a> State<'a> {
    pub(crate) fn execute_nested(&mut self, _name: &str, _data: &Value) -> Result<String, Error> {
        Err(Error::Other("not implemented".into()))
    }
    pub(crate) fn parse_and_execute(
        &mut self,
        _name: &str,
        _text: &str,
        _data: &Value,
    ) -> Result<String, Error> {
        Err(Error::Other("not implemented".into()))
    }
    pub(crate) fn template_name(&self) -> &str {
        ""
    }
    pub(crate) fn counter(&mut self, _key: &str) -> &mut usize {
        unimplemented!()
    }
    pub(crate) fn has_template(&self, name: &str) -> bool {
        self.set.has_template(name)
    }
}

pub(crate) fn is_builtin(_name: &str) -> bool {
    false
}

pub(crate) fn execute(_set: &Set, _name: &str, _data: &Value) -> Result<String, Error> {
    Err(Error::Other("not implemented".into()))
}
