//! Schema facts for strategic merge: which lists merge, and by which keys (generated from
//! ../shared/data/openapi; owned by the patch work).
