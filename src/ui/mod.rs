//! ui layer.
