//! export layer.
