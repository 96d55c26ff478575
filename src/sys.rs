//! The operating system calls topobook makes, in one place: every `unsafe` block of the
//! crate is here, each with the reason it is sound.
//!
//! Each function has a portable fallback, so callers never need `cfg` of their own.

use std::io;
use std::path::Path;
use std::time::Duration;

/// CPU time (user + system) of this process so far, in seconds (0 where unknown).
pub fn cpu_seconds() -> f64 {
    #[cfg(unix)]
    {
        // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: RUSAGE_SELF with a pointer to a live, writable struct.
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
            return 0.0;
        }
        let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
        t(u.ru_utime) + t(u.ru_stime)
    }
    #[cfg(not(unix))]
    {
        0.0
    }
}

/// CPU time of the calling thread, so that a busy machine does not inflate a measure; the
/// time since the first call where the platform has no such clock.
pub fn thread_cpu() -> Duration {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: clock_gettime writes the current value of a valid clock into `ts`.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
            return Duration::ZERO;
        }
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    }
    #[cfg(not(unix))]
    {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START.get_or_init(std::time::Instant::now).elapsed()
    }
}

/// Resident memory of this process in MiB (Linux; 0 elsewhere).
pub fn resident_mib() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()))
        .map(|pages| pages * 4096 / (1024 * 1024))
        .unwrap_or(0)
}

/// Hand the memory freed so far back to the system (glibc keeps freed pages of every
/// thread's arena otherwise, and a large build's peak resident memory grows by a third).
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Lower the priority of the calling thread (Linux gives each thread its own nice value).
pub fn lower_thread_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority changes the nice value of the calling thread and touches no memory.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS as _, 0, 10);
    }
}

/// Raise the soft limit of open files toward `want` (at most the hard limit).
pub fn raise_file_limit(want: u64) {
    #[cfg(unix)]
    // SAFETY: getrlimit and setrlimit read and write the struct given, nothing else; an
    // all-zero `rlimit` is a valid value.
    unsafe {
        let mut lim: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && (lim.rlim_cur as u64) < want {
            lim.rlim_cur = lim.rlim_max.min(want as libc::rlim_t);
            let _ = libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
    #[cfg(not(unix))]
    let _ = want;
}

/// Is the process `pid` still running?
pub fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        Path::new(&format!("/proc/{pid}")).exists()
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        // SAFETY: kill with signal 0 only checks that the process exists.
        unsafe { libc::kill(pid as libc::pid_t, 0) == 0 }
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Kill a child started in its own process group (`process_group(0)`) and everything in
/// that group; where process groups do not exist, the caller's `Child::kill` is all there is.
pub fn kill_process_group(pid: u32) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: `kill` takes plain integers and touches no memory of ours; `-pid` names the
        // group the child leads, made for it alone.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// Exchange two paths atomically (`renameat2(RENAME_EXCHANGE)`). `Ok(false)` when the
/// platform or the file system cannot.
pub fn exchange_paths(a: &Path, b: &Path) -> io::Result<bool> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let invalid = |_| io::Error::from(io::ErrorKind::InvalidInput);
        let ca = CString::new(a.as_os_str().as_bytes()).map_err(invalid)?;
        let cb = CString::new(b.as_os_str().as_bytes()).map_err(invalid)?;
        // SAFETY: both are valid NUL-terminated paths that outlive the call; renameat2 only
        // reads them.
        let r = unsafe {
            libc::syscall(
                libc::SYS_renameat2,
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(true);
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::ENOSYS) | Some(libc::EINVAL) | Some(libc::EOPNOTSUPP) => Ok(false),
            _ => Err(err),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Is `TOPOBOOK_TIMINGS` set (print the time and memory of each phase of a build)?
pub fn timings_requested() -> bool {
    std::env::var_os("TOPOBOOK_TIMINGS").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_and_processes() {
        let before = thread_cpu();
        let mut x = 0u64;
        for i in 0..200_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        assert!(x != 1);
        assert!(thread_cpu() >= before);
        assert!(cpu_seconds() >= 0.0);
        assert!(process_alive(std::process::id()));
    }

    #[test]
    fn exchanges_two_folders() {
        let dir = std::env::temp_dir().join(format!("topobook-sys-{}", std::process::id()));
        let (a, b) = (dir.join("a"), dir.join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("x"), "a").unwrap();
        std::fs::write(b.join("x"), "b").unwrap();
        if exchange_paths(&a, &b).unwrap() {
            assert_eq!(std::fs::read_to_string(a.join("x")).unwrap(), "b");
            assert_eq!(std::fs::read_to_string(b.join("x")).unwrap(), "a");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
