//! vault layer.
