//! A temp-dir test environment that runs the real binary with a clean environment.

use std::path::PathBuf;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

/// A scratch directory plus helpers to write fixtures and run the binary there.
pub struct Env {
    dir: tempfile::TempDir,
}

/// What one run printed.
#[must_use = "a run's outcome is to be checked"]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Fails the test, showing stderr, unless the run exited 0; returns the output.
    #[track_caller]
    pub fn assert_success(&self) -> &Output {
        assert_eq!(self.code, 0, "exit {}; stderr:\n{}", self.code, self.stderr);
        self
    }
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Writes a file (creating directories) relative to the scratch directory.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap();
        p
    }

    /// The scratch directory.
    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Runs `pbx-report ARGS` in the scratch directory, with a cleared environment and an
    /// unusual host zone (outputs must not depend on it).
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_env(args, &[])
    }

    /// `build` of one type over 28 September 2025 (UTC) from `data/`, with more arguments
    /// (`--now`, `--format`, `-o`, parameters).
    pub fn build_sep_28(&self, kind: &str, more: &[&str]) -> Output {
        let mut args = vec!["build", "--type", kind, "--data", "data"];
        args.extend([
            "--from",
            "2025-09-28T00:00:00Z",
            "--to",
            "2025-09-29T00:00:00Z",
        ]);
        args.extend(more);
        self.run(&args)
    }

    /// The binary with `args`, in the scratch directory, with a cleared environment and an
    /// unusual host zone (outputs must not depend on it): for tests that drive the process
    /// themselves (standard input, a kill).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("pbx-report").unwrap();
        c.current_dir(self.dir.path())
            .env_clear()
            .env("TZ", "Pacific/Kiritimati")
            .args(args);
        c
    }

    /// Like `run`, with extra environment variables.
    pub fn run_with_env(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        let out = self
            .command(args)
            .envs(vars.iter().copied())
            .output()
            .expect("binary runs");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// A tiny valid CDR: one answered inbound queue call.
pub const CDR: &str = "\
session_id,caller,caller_endpoint,callee,callee_endpoint,service_type,service_number,started_at,rang_at,answered_at,ended_at
s1,5551234,TRUNK,8000,QUEUE,QUEUE,8000,1759017600,1759017600,1759017600,1759017660
s1,5551234,TRUNK,1001,EXTENSION,QUEUE,8000,1759017602,1759017602,1759017610,1759017700
";
