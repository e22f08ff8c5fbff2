//! One module per subcommand: each turns a `Config` into output, using the library's pieces.
pub mod build;
pub mod jobs;
pub mod logs;
pub mod query;
pub mod run;
pub mod sample;
pub mod validate;
