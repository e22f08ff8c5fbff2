//! How the process asks the C allocator to hold its memory. pbx-report is memory-bound: a
//! run builds large tables on several threads, frees them and builds others. glibc gives each
//! thread that meets a busy lock an arena of its own, and memory freed into one arena is not
//! reused by allocations served from another, so the peak resident size grows with the thread
//! count. One arena lets every thread reuse what any thread freed: over a month of 1.2M legs the
//! peak RSS fell 7–10 % (all 13 report types, 366 → 333 MiB; the five CDR reports, 277 → 257
//! MiB), while CPU time moved within the machine's noise (the five 3–5 % less, the thirteen 1–6 %
//! more; docs/performance.md). Per-thread caches still serve small allocations without the lock.

/// Asks glibc for a single malloc arena, unless `MALLOC_ARENA_MAX` is set (the operator's
/// choice wins). Call it first in `main`, before any thread starts. Elsewhere (musl, macOS,
/// Windows) it does nothing.
pub fn prefer_one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: `mallopt` only sets an allocator parameter; it is called before any other
        // thread exists. Its result (1 on success) is not needed: on failure glibc keeps its
        // default, which is only a larger footprint.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 1);
        }
    }
}
