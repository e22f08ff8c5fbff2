//! The one integration-test binary: runs the real `pbx-report` in temp directories.

mod build;
mod cli;
mod delivery;
mod harness;
mod html;
mod nightly;
mod print;
mod query;
mod reconcile;
mod run;
mod scale;
mod unattended;
mod validate;
mod xlsx;
