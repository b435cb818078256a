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
//! than a second. If the thread cannot be started, no flag is ever set and every call reads the
//! clock: slower, never wrong.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError, Weak};
use std::time::{Duration, Instant};

/// How long before expiry a flag is cleared at the latest.
pub(crate) const GUARD: Duration = Duration::from_secs(1);

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
        self.0.load(Ordering::Relaxed)
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
            .ok()
            .map(|_| timer)
    })
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

    #[test]
    fn flag_is_cleared_at_its_deadline() {
        let flag = armed(Duration::from_millis(150), Duration::from_secs(60));
        assert!(flag.is_set());
        std::thread::sleep(Duration::from_millis(50));
        assert!(flag.is_set(), "cleared before its deadline");
        std::thread::sleep(Duration::from_millis(400));
        assert!(!flag.is_set(), "still set after its deadline");
    }

    #[test]
    fn a_later_deadline_does_not_delay_an_earlier_one() {
        let late = armed(Duration::from_secs(30), Duration::from_secs(60));
        let soon = armed(Duration::from_millis(100), Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(500));
        assert!(!soon.is_set());
        assert!(late.is_set());
    }

    #[test]
    fn flag_is_cleared_a_guard_before_expiry_whatever_the_deadline() {
        // Deadline after expiry (a zero margin): cleared one guard before expiry.
        let flag = armed(Duration::from_secs(60), Duration::from_millis(1200));
        assert!(flag.is_set());
        std::thread::sleep(Duration::from_millis(600));
        assert!(!flag.is_set(), "served without a clock within the guard");
    }

    #[test]
    fn never_set_for_a_token_within_the_guard_or_past_its_deadline() {
        assert!(!armed(Duration::from_secs(60), Duration::from_millis(900)).is_set());
        let past = Arc::new(Freshness::default());
        let now = Instant::now();
        past.arm(now, now + Duration::from_secs(60));
        assert!(!past.is_set());
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
