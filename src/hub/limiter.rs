//! How hard one host is asked: every request to it, from every model of a run, takes a permit
//! from the host's limiter. The number of permits adapts (AIMD, as TCP does): it halves when the
//! host answers 429 or 503 and grows by one after a full window of successes, between a floor
//! and a ceiling. A `Retry-After` holds every request to the host until it has passed, not only
//! the one that was told. Retry waits are jittered so that workers refused together do not come
//! back together.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// The bounds of a host's concurrency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Permits at the start.
    pub initial: usize,
    /// Never fewer than this (one request keeps a run moving).
    pub floor: usize,
    /// Never more than this, however well the host answers.
    pub ceiling: usize,
}

impl Bounds {
    /// Sane bounds around a user's request for `n` at once.
    pub fn around(n: usize) -> Bounds {
        let n = n.max(1);
        Bounds {
            initial: n,
            floor: 1,
            ceiling: n.saturating_mul(2).max(n),
        }
    }
}

#[derive(Debug)]
struct State {
    limit: usize,
    in_flight: usize,
    /// Successes since the limit last changed: a full window of them earns one more permit.
    successes: usize,
    /// No request starts before this (a `Retry-After`).
    not_before: Option<Instant>,
    /// Bumped at every decrease: a permit taken before it cannot decrease again, so a burst of
    /// refusals answered to one window halves the limit once, not once per request.
    generation: u64,
    /// The most permits ever in use at once, and the lowest limit reached (for tests and
    /// benchmarks).
    peak: usize,
    lowest: usize,
    throttled: u64,
}

/// One host's limiter, shared (in an `Arc`) by every request to the host.
#[derive(Debug)]
pub struct Limiter {
    bounds: Bounds,
    state: Mutex<State>,
    changed: Notify,
}

/// A request in flight. Dropping it frees the slot; say how the request went first.
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a Limiter,
    generation: u64,
}

/// What the limiter has seen, for tests and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub limit: usize,
    pub lowest: usize,
    pub peak: usize,
    pub throttled: u64,
}

impl Limiter {
    pub fn new(bounds: Bounds) -> Limiter {
        let floor = bounds.floor.max(1);
        let ceiling = bounds.ceiling.max(floor);
        let bounds = Bounds {
            initial: bounds.initial.clamp(floor, ceiling),
            floor,
            ceiling,
        };
        Limiter {
            bounds,
            state: Mutex::new(State {
                limit: bounds.initial,
                in_flight: 0,
                successes: 0,
                not_before: None,
                generation: 0,
                peak: 0,
                lowest: bounds.initial,
                throttled: 0,
            }),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a slot (and for any `Retry-After` to pass).
    pub async fn acquire(&self) -> Permit<'_> {
        loop {
            // Registered before the state is read, so a release in between is not missed.
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let hold = {
                let mut s = self.lock();
                let now = Instant::now();
                match s.not_before {
                    Some(t) if t > now => Some(t),
                    _ if s.in_flight < s.limit => {
                        s.in_flight += 1;
                        s.peak = s.peak.max(s.in_flight);
                        return Permit {
                            limiter: self,
                            generation: s.generation,
                        };
                    }
                    _ => None,
                }
            };
            match hold {
                Some(until) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(until) => {}
                        () = &mut changed => {}
                    }
                }
                None => changed.await,
            }
        }
    }

    pub fn stats(&self) -> Stats {
        let s = self.lock();
        Stats {
            limit: s.limit,
            lowest: s.lowest,
            peak: s.peak,
            throttled: s.throttled,
        }
    }
}

impl Permit<'_> {
    /// The host answered: one step towards another permit.
    pub fn succeeded(self) {
        let mut s = self.limiter.lock();
        s.successes += 1;
        if s.successes >= s.limit && s.limit < self.limiter.bounds.ceiling {
            s.limit += 1;
            s.successes = 0;
        }
    }

    /// The host said slow down (429, 503): halve the permits once per window, and hold every
    /// request until `wait` has passed.
    pub fn throttled(self, wait: Duration) {
        let mut s = self.limiter.lock();
        s.throttled += 1;
        if self.generation == s.generation {
            s.limit = (s.limit / 2).max(self.limiter.bounds.floor);
            s.lowest = s.lowest.min(s.limit);
            s.successes = 0;
            s.generation += 1;
        }
        let until = Instant::now() + wait;
        s.not_before = Some(s.not_before.map_or(until, |t| t.max(until)));
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut s = self.limiter.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
        drop(s);
        self.limiter.changed.notify_waiters();
    }
}

/// The wait before retry `attempt` (1-based): exponential from `base`, with "equal jitter" (half
/// fixed, half random) so that workers refused together spread out, and never below half the
/// exponential step.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let step = base.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1).min(16)));
    let half = step / 2;
    let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
    half + Duration::from_nanos(if nanos == 0 { 0 } else { random() % nanos })
}

/// A small, lock-free pseudo-random source (splitmix64) for jitter: no cryptographic use, and
/// no dependency for it.
fn random() -> u64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut seed = STATE.load(Ordering::Relaxed);
    if seed == 0 {
        seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9e37_79b9, |d| d.as_nanos() as u64)
            | 1;
    }
    let next = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    STATE.store(next, Ordering::Relaxed);
    let mut z = next;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    fn bounds(initial: usize, ceiling: usize) -> Bounds {
        Bounds {
            initial,
            floor: 1,
            ceiling,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_in_flight_than_the_limit() {
        let limiter = Arc::new(Limiter::new(bounds(4, 4)));
        let running = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..40 {
            let (l, r) = (limiter.clone(), running.clone());
            tasks.push(tokio::spawn(async move {
                let p = l.acquire().await;
                let now = r.fetch_add(1, Ordering::SeqCst) + 1;
                assert!(now <= 4, "{now} in flight");
                tokio::time::sleep(Duration::from_millis(20)).await;
                r.fetch_sub(1, Ordering::SeqCst);
                p.succeeded();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(limiter.stats().peak, 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_halves_once_per_window_and_holds_everyone() {
        let limiter = Limiter::new(bounds(16, 32));
        let permits: Vec<_> = futures_util::future::join_all((0..8).map(|_| limiter.acquire()))
            .await
            .into_iter()
            .collect();
        let start = Instant::now();
        for p in permits {
            p.throttled(Duration::from_secs(2));
        }
        assert_eq!(
            limiter.stats().limit,
            8,
            "eight refusals of one window halve once"
        );
        let p = limiter.acquire().await;
        assert!(Instant::now() - start >= Duration::from_secs(2));
        p.throttled(Duration::ZERO);
        assert_eq!(limiter.stats().limit, 4);
        assert_eq!(limiter.stats().throttled, 9);
    }

    #[tokio::test(start_paused = true)]
    async fn recovers_slowly_up_to_the_ceiling() {
        let limiter = Limiter::new(bounds(2, 5));
        for _ in 0..100 {
            limiter.acquire().await.succeeded();
        }
        assert_eq!(limiter.stats().limit, 5);
        for _ in 0..10 {
            limiter.acquire().await.throttled(Duration::ZERO);
        }
        assert_eq!(limiter.stats().limit, 1, "never below the floor");
    }

    #[test]
    fn backoff_grows_and_is_jittered() {
        let base = Duration::from_millis(100);
        for attempt in 1..6 {
            let step = base * 2u32.pow(attempt - 1);
            let w = backoff(base, attempt);
            assert!(w >= step / 2 && w <= step, "{w:?} for {attempt}");
        }
        let spread: std::collections::HashSet<_> = (0..20).map(|_| backoff(base, 4)).collect();
        assert!(spread.len() > 1, "jitter");
        assert_eq!(backoff(Duration::ZERO, 3), Duration::ZERO);
    }
}
