//! One run at a time in an output directory (SPEC §5.4): an exclusive `flock(2)` on
//! `OUT/.lock`, held from before the log or the dataset is read until the process ends — the
//! kernel releases it even when the process is killed, so a crash never leaves a stale lock.
//! The holder writes its process id into the file for the message another run prints.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// The held lock of an output directory; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct OutLock {
    _file: File,
}

impl OutLock {
    /// Takes the lock of `out` (created if missing), waiting up to `wait` for another run to
    /// finish; a lock still held then is `Error::Busy` (exit 3).
    pub fn acquire(out: &Path, wait: Duration) -> Result<OutLock> {
        let path = out.join(".lock");
        fs::create_dir_all(out).map_err(|source| Error::write(out, source))?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|source| Error::write(&path, source))?;
        let deadline = Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(Error::Busy {
                        out: out.to_path_buf(),
                        holder: holder(&mut file),
                    })
                }
                Err(fs::TryLockError::Error(source)) => return Err(Error::write(&path, source)),
            }
        }
        // Ours now: say who holds it.
        let pid = format!("{}\n", std::process::id());
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(pid.as_bytes()))
            .map_err(|source| Error::write(&path, source))?;
        Ok(OutLock { _file: file })
    }
}

/// The process id the holder wrote, if it could be read.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutLock::acquire(dir.path(), Duration::ZERO).unwrap();
        match OutLock::acquire(dir.path(), Duration::from_millis(120)) {
            Err(Error::Busy { holder, .. }) => assert_eq!(holder, Some(std::process::id())),
            other => panic!("{other:?}"),
        }
        drop(first);
        OutLock::acquire(dir.path(), Duration::ZERO).unwrap();
    }
}
