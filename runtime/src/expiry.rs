//! Freshness flags cleared by one timer thread, so that a cache hit needs no clock read.
//!
//! On virtual machines one `Instant::now()` costs ~30 ns, three times a whole cache hit (read
//! lock + `Arc` clone). So a cached token carries a [`Freshness`] flag that is set while the
//! token may be served without looking at the clock, and one process-wide thread
//! (`tokenspec-expiry`, started on first use, asleep between deadlines) clears it at its
//! deadline. A hit reads the flag; a cleared flag sends the caller down the slow path, which
//! reads the clock and decides as before.
//!
//! The deadline is never later than [`GUARD`] before the token's expiry, whatever margin is
//! configured: a token could only be served past its expiry if this thread were held up by more
//! than a second (or, for a moment after a frozen process resumes, ran after the caller). If the
//! thread cannot be started, no flag is ever set and every call reads the clock: slower, never
//! wrong. A child process forked from one with the thread running has no such thread: a
//! `pthread_atfork` handler marks it gone there, flags read as cleared and the child reads the
//! clock too.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError, Weak};
use std::time::{Duration, Instant};

/// How long before expiry a flag is cleared at the latest.
pub(crate) const GUARD: Duration = Duration::from_secs(1);

/// Whether the timer thread runs in this process: false until it starts, and in a forked
/// child (which inherits the flags but not the thread).
static RUNNING: AtomicBool = AtomicBool::new(false);

/// Set while a token may be served without reading the clock.
#[derive(Debug, Default)]
pub(crate) struct Freshness(AtomicBool);

impl Freshness {
    /// Whether the timer has not cleared the flag yet. `false` means "read the clock", not
    /// "expired".
    #[inline]
    pub(crate) fn is_set(&self) -> bool {
        // Relaxed: a stale `true` is covered by the guard; a stale `false` only costs a clock
        // read on the slow path.
        self.0.load(Ordering::Relaxed) && RUNNING.load(Ordering::Relaxed)
    }

    /// Sets the flag until `deadline` (clamped to [`GUARD`] before `expires_at`). Leaves it
    /// cleared when that moment has passed or no timer thread runs.
    pub(crate) fn arm(self: &Arc<Self>, deadline: Instant, expires_at: Instant) {
        let Some(latest) = expires_at.checked_sub(GUARD) else {
            return;
        };
        let deadline = deadline.min(latest);
        if deadline <= Instant::now() {
            return;
        }
        let Some(timer) = timer() else {
            return;
        };
        if !RUNNING.load(Ordering::Relaxed) {
            // A forked child: the thread is gone (and may have held the queue's lock).
            return;
        }
        self.0.store(true, Ordering::Relaxed);
        timer.add(deadline, Arc::downgrade(self));
    }
}

struct Due {
    at: Instant,
    flag: Weak<Freshness>,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.at.cmp(&other.at)
    }
}

#[derive(Default)]
struct Queue {
    due: BinaryHeap<Reverse<Due>>,
    /// Queue length after the last sweep of dropped flags: sweeping again when it doubles keeps
    /// the queue within twice the live flags, at an amortized O(1) per `add`.
    swept_len: usize,
}

struct Timer {
    queue: Mutex<Queue>,
    changed: Condvar,
}

/// The process-wide timer, started on first use; `None` if its thread could not be started.
fn timer() -> Option<&'static Timer> {
    static TIMER: OnceLock<Option<&'static Timer>> = OnceLock::new();
    *TIMER.get_or_init(|| {
        let timer: &'static Timer = Box::leak(Box::new(Timer {
            queue: Mutex::new(Queue::default()),
            changed: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("tokenspec-expiry".into())
            .spawn(move || timer.run())
            .ok()?;
        if forget_timer_in_forked_children() {
            RUNNING.store(true, Ordering::Relaxed);
        }
        Some(timer)
    })
}

/// Arranges for a forked child to mark the thread gone; false if that cannot be arranged (then
/// no flag is ever trusted).
#[cfg(unix)]
fn forget_timer_in_forked_children() -> bool {
    extern "C" fn in_child() {
        // An atomic store: safe in a child of a multi-threaded process.
        RUNNING.store(false, Ordering::Relaxed);
    }
    // SAFETY: registers a handler that only stores to an atomic; no other precondition.
    unsafe { libc::pthread_atfork(None, None, Some(in_child)) == 0 }
}

#[cfg(not(unix))]
fn forget_timer_in_forked_children() -> bool {
    true
}

impl Timer {
    fn add(&self, at: Instant, flag: Weak<Freshness>) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        if queue.due.len() >= 64 && queue.due.len() >= 2 * queue.swept_len {
            queue.due.retain(|Reverse(due)| due.flag.strong_count() > 0);
            queue.swept_len = queue.due.len();
        }
        let earliest = queue.due.peek().is_none_or(|Reverse(first)| at < first.at);
        queue.due.push(Reverse(Due { at, flag }));
        drop(queue);
        if earliest {
            self.changed.notify_one();
        }
    }

    fn run(&self) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let now = Instant::now();
            while let Some(Reverse(first)) = queue.due.peek()
                && first.at <= now
            {
                if let Some(Reverse(due)) = queue.due.pop()
                    && let Some(flag) = due.flag.upgrade()
                {
                    flag.0.store(false, Ordering::Relaxed);
                }
            }
            queue = match queue.due.peek() {
                None => self
                    .changed
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(Reverse(first)) => {
                    let wait = first.at.saturating_duration_since(now);
                    self.changed
                        .wait_timeout(queue, wait)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn armed(deadline: Duration, expires: Duration) -> Arc<Freshness> {
        let flag = Arc::new(Freshness::default());
        let now = Instant::now();
        flag.arm(now + deadline, now + expires);
        flag
    }

    /// How long after `start` the flag was cleared, waiting at most 10 s (the thread is
    /// asleep until then: on a loaded machine it may run late, never early).
    fn cleared_after(flag: &Freshness, start: Instant) -> Option<Duration> {
        while start.elapsed() < Duration::from_secs(10) {
            if !flag.is_set() {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }

    #[test]
    fn flag_is_cleared_at_its_deadline_not_before() {
        let start = Instant::now();
        let flag = armed(Duration::from_millis(300), Duration::from_secs(60));
        assert!(flag.is_set());
        let cleared = cleared_after(&flag, start).expect("cleared within 10 s");
        assert!(
            cleared >= Duration::from_millis(300),
            "cleared after {cleared:?}"
        );
    }

    #[test]
    fn a_later_deadline_does_not_delay_an_earlier_one() {
        let start = Instant::now();
        let late = armed(Duration::from_secs(60), Duration::from_secs(120));
        let soon = armed(Duration::from_millis(100), Duration::from_secs(120));
        assert!(
            cleared_after(&soon, start).is_some(),
            "waited for the later deadline"
        );
        assert!(late.is_set());
    }

    #[test]
    fn flag_is_cleared_a_guard_before_expiry_whatever_the_deadline() {
        // Deadline after expiry (a zero margin): cleared one guard before expiry, at 0.2 s.
        let start = Instant::now();
        let flag = armed(Duration::from_secs(60), Duration::from_millis(1200));
        assert!(flag.is_set());
        let cleared = cleared_after(&flag, start).expect("cleared long before the deadline");
        assert!(
            cleared >= Duration::from_millis(200),
            "cleared after {cleared:?}"
        );
    }

    #[test]
    fn never_set_for_a_token_within_the_guard_or_past_its_deadline() {
        assert!(!armed(Duration::from_secs(60), Duration::from_millis(900)).is_set());
        let past = Arc::new(Freshness::default());
        let now = Instant::now();
        past.arm(now, now + Duration::from_secs(60));
        assert!(!past.is_set());
    }

    /// A forked child has no timer thread: flags it inherited, and flags it arms, must read as
    /// cleared there, so that it reads the clock.
    #[cfg(unix)]
    #[test]
    fn a_forked_child_does_not_trust_the_flags() {
        let inherited = armed(Duration::from_secs(60), Duration::from_secs(120));
        assert!(inherited.is_set());
        // Allocated before the fork: the child allocates nothing and takes no lock.
        let fresh = Arc::new(Freshness::default());
        // SAFETY: the child only reads the clock and atomics (`arm` returns before the queue's
        // lock there) and leaves with `_exit`.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let now = Instant::now();
            fresh.arm(
                now + Duration::from_secs(60),
                now + Duration::from_secs(120),
            );
            let code = if !inherited.is_set() && !fresh.is_set() {
                0
            } else {
                1
            };
            // SAFETY: ends the child at once, running nothing of the parent's test harness.
            unsafe { libc::_exit(code) };
        }
        let mut status = 0;
        // SAFETY: waits for the child just forked.
        let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
        assert_eq!(waited, pid);
        assert!(libc::WIFEXITED(status), "child ended abnormally: {status}");
        assert_eq!(libc::WEXITSTATUS(status), 0, "the child trusted a flag");
        assert!(inherited.is_set(), "the parent's flag was touched");
    }

    #[test]
    fn dropped_flags_are_swept() {
        for _ in 0..10_000 {
            drop(armed(Duration::from_secs(3600), Duration::from_secs(7200)));
        }
        let len = timer().map(|t| t.queue.lock().unwrap().due.len());
        assert!(len.is_some_and(|len| len < 1_000), "queue holds {len:?}");
    }
}
