//! Cross-crate and CLI tests live in `tests/`; this library is empty.
