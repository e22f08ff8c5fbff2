//! The one integration-test binary: runs the real `pbx-report` in temp directories.

mod harness;
mod validate;
