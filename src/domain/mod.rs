//! domain layer.
