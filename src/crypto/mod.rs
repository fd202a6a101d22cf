//! crypto layer.
