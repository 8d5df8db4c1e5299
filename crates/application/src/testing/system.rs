//! Time, ids, password hashing, throttling, mail and events for tests.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use futures::channel::mpsc;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Locked, poisoned};
use crate::ports::{
    Attempt, Clock, Event, EventBus, EventError, EventLog, EventPosition, EventScope, EventStream, IdGenerator,
    LoginThrottle, MailMessage, Mailer, PasswordHasher, RateLimiter, RepoResult,
};

/// A clock that stands still until a test moves it.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock showing `now`.
    pub fn at(now: DateTime<Utc>) -> Self {
        Self { now: Mutex::new(now) }
    }

    /// Moves the clock by `by` (backwards when negative).
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }

    /// Sets the clock to `now`.
    pub fn set(&self, now: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Ids from a counter: UUIDv7s in the order asked for, short ids and secrets derived from
/// the count, so every value differs from every other this generator made.
#[derive(Debug, Default)]
pub struct SequentialIds {
    issued: AtomicU64,
}

impl SequentialIds {
    /// A generator starting from zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many values (of any kind) were made so far.
    pub fn issued(&self) -> u64 {
        self.issued.load(Ordering::Relaxed)
    }

    fn next(&self) -> u64 {
        self.issued.fetch_add(1, Ordering::Relaxed)
    }
}

/// The URL-safe base64 alphabet (RFC 4648 §5).
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// URL-safe base64 without padding, as the real generator encodes its secrets.
fn base64_url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let group = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        // 2, 3 or 4 characters for 1, 2 or 3 bytes.
        for index in 0..=chunk.len() {
            let shift = 18 - 6 * index;
            let sextet = usize::try_from((group >> shift) & 0x3f).unwrap_or(0);
            out.push(char::from(URL_SAFE[sextet]));
        }
    }
    out
}

impl IdGenerator for SequentialIds {
    fn uuid(&self) -> Uuid {
        self.next();
        Uuid::now_v7()
    }

    fn short_id(&self) -> String {
        let alphabet: Vec<char> = backline_domain::values::SHORT_ID_ALPHABET.chars().collect();
        let base = u64::try_from(alphabet.len()).unwrap_or(64);
        let mut rest = self.next();
        let mut digits = Vec::with_capacity(backline_domain::values::SHORT_ID_LEN);
        for _ in 0..backline_domain::values::SHORT_ID_LEN {
            let digit = usize::try_from(rest % base).unwrap_or(0);
            digits.push(alphabet.get(digit).copied().unwrap_or('_'));
            rest /= base;
        }
        digits.iter().rev().collect()
    }

    fn secret_token(&self, bytes: usize) -> String {
        let count = self.next();
        // SHA-256 blocks of (count, block) make as many bytes as asked, unlike any other count's.
        let mut random = Vec::with_capacity(bytes);
        let mut block = 0_u64;
        while random.len() < bytes {
            let digest = Sha256::new()
                .chain_update(count.to_be_bytes())
                .chain_update(block.to_be_bytes())
                .finalize();
            random.extend_from_slice(&digest);
            block += 1;
        }
        random.truncate(bytes);
        base64_url(&random)
    }
}

/// A mailer that keeps what it was given, or refuses everything while set failing.
#[derive(Debug, Default)]
pub struct RecordingMailer {
    sent: Mutex<Vec<MailMessage>>,
    failing: AtomicBool,
}

impl RecordingMailer {
    /// A mailer that accepts every message.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every message handed over so far, in order.
    pub fn sent(&self) -> Vec<MailMessage> {
        self.sent.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Makes `send` fail (as a refusing SMTP server would) until set back.
    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::Relaxed);
    }
}

#[async_trait::async_trait]
impl Mailer for RecordingMailer {
    async fn send(&self, message: &MailMessage) -> anyhow::Result<()> {
        if self.failing.load(Ordering::Relaxed) {
            anyhow::bail!("the recording mailer was set to refuse messages");
        }
        self.sent
            .lock()
            .map_err(|_| anyhow::anyhow!("the recording mailer's lock was poisoned"))?
            .push(message.clone());
        Ok(())
    }
}

/// "Hashes" a password as `plain:v<version>:<password>`: readable in tests, but checked like a
/// real hash. A hasher of another version verifies these and asks for them to be redone.
#[derive(Debug)]
pub struct PlainHasher {
    version: u32,
    dummy: String,
}

impl Default for PlainHasher {
    fn default() -> Self {
        Self::with_version(1)
    }
}

impl PlainHasher {
    /// A hasher of version 1.
    pub fn new() -> Self {
        Self::default()
    }

    /// A hasher whose current parameters are `version` (to show rehashing).
    pub fn with_version(version: u32) -> Self {
        Self {
            version,
            dummy: format!("plain:v{version}:{}", Uuid::now_v7()),
        }
    }

    /// The version and password a stored hash holds; `None` when it is not one of these.
    fn parse(hash: &str) -> Option<(u32, &str)> {
        let rest = hash.strip_prefix("plain:v")?;
        let (version, password) = rest.split_once(':')?;
        Some((version.parse().ok()?, password))
    }
}

impl PasswordHasher for PlainHasher {
    fn hash(&self, password: &str) -> anyhow::Result<String> {
        Ok(format!("plain:v{}:{password}", self.version))
    }

    fn verify(&self, password: &str, hash: &str) -> anyhow::Result<bool> {
        let (_, stored) = Self::parse(hash).ok_or_else(|| anyhow::anyhow!("stored hash is not a plain hash"))?;
        // Compare digests byte by byte without stopping early, as a real verifier does.
        let given = Sha256::digest(password.as_bytes());
        let kept = Sha256::digest(stored.as_bytes());
        Ok(given.iter().zip(kept.iter()).fold(0_u8, |acc, (a, b)| acc | (a ^ b)) == 0)
    }

    fn needs_rehash(&self, hash: &str) -> bool {
        Self::parse(hash).is_none_or(|(version, _)| version != self.version)
    }

    fn dummy_hash(&self) -> &str {
        &self.dummy
    }
}

/// One failure record of [`MemoryThrottle`].
#[derive(Debug, Clone)]
struct Failure {
    id: Uuid,
    key: String,
    failed_at: DateTime<Utc>,
}

/// What [`MemoryThrottle`] holds.
#[derive(Debug, Default)]
struct ThrottleState {
    failures: Vec<Failure>,
    /// Rate-limit hits per key and window start.
    windows: HashMap<(String, DateTime<Utc>), i64>,
}

/// Failed attempts and rate windows in memory, with the rules of the SQL throttle: each attempt
/// is recorded against every key before it is checked, a key with more than `limit` failures
/// within `window` (counting this attempt) refuses it and takes it back, a success removes its
/// records and every failure of its key. Rate limits count hits in fixed, aligned windows.
#[derive(Debug)]
pub struct MemoryThrottle {
    state: Locked<ThrottleState>,
    limit: usize,
    window: Duration,
}

impl MemoryThrottle {
    /// Allows `limit` failures (at least one) per key within `window`.
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            state: Locked::default(),
            limit: limit.max(1),
            window,
        }
    }

    /// How many failures of `key` are recorded (within the window or not yet pruned).
    pub fn failures(&self, key: &str) -> usize {
        self.state
            .lock()
            .map(|state| state.failures.iter().filter(|failure| failure.key == key).count())
            .unwrap_or_default()
    }
}

/// The start of the window of length `window` that holds `now`, and the seconds until it ends.
fn window_of(now: DateTime<Utc>, window: Duration) -> (DateTime<Utc>, u64) {
    let length = window.num_seconds().max(1);
    let seconds = now.timestamp();
    let start = seconds - seconds.rem_euclid(length);
    let left = u64::try_from(start + length - seconds).unwrap_or(1).max(1);
    (DateTime::from_timestamp(start, 0).unwrap_or(now), left)
}

#[async_trait::async_trait]
impl LoginThrottle for MemoryThrottle {
    async fn attempt(&self, keys: &[String], now: DateTime<Utc>) -> RepoResult<Result<Attempt, u64>> {
        if keys.is_empty() {
            return Ok(Ok(Attempt { records: Vec::new() }));
        }
        let cutoff = now - self.window;
        self.state.with(|state| {
            // Failures past the window no longer count.
            state
                .failures
                .retain(|failure| !(keys.contains(&failure.key) && failure.failed_at <= cutoff));
            let records: Vec<Uuid> = keys.iter().map(|_| Uuid::now_v7()).collect();
            for (key, id) in keys.iter().zip(&records) {
                state.failures.push(Failure {
                    id: *id,
                    key: key.clone(),
                    failed_at: now,
                });
            }
            let mut wait = 0_i64;
            for key in keys {
                let times: Vec<DateTime<Utc>> = state
                    .failures
                    .iter()
                    .filter(|failure| &failure.key == key && failure.failed_at > cutoff)
                    .map(|failure| failure.failed_at)
                    .collect();
                // This attempt is among them: more than `limit` means `limit` failed before it.
                if times.len() > self.limit {
                    let oldest = times.iter().min().copied().unwrap_or(now);
                    wait = wait.max((oldest + self.window - now).num_seconds().max(1));
                }
            }
            if wait > 0 {
                state.failures.retain(|failure| !records.contains(&failure.id));
                return Ok(Err(u64::try_from(wait).unwrap_or(1)));
            }
            Ok(Ok(Attempt { records }))
        })
    }

    async fn succeeded(&self, attempt: Attempt, key: &str) -> RepoResult<()> {
        self.state.with(|state| {
            state
                .failures
                .retain(|failure| !attempt.records.contains(&failure.id) && failure.key != key);
            Ok(())
        })
    }
}

#[async_trait::async_trait]
impl RateLimiter for MemoryThrottle {
    async fn hit(
        &self,
        key: &str,
        hits: u32,
        limit: u32,
        window: Duration,
        now: DateTime<Utc>,
    ) -> RepoResult<Result<(), u64>> {
        let (start, left) = window_of(now, window);
        self.state.with(|state| {
            let count = state.windows.entry((key.to_owned(), start)).or_default();
            *count += i64::from(i32::try_from(hits).unwrap_or(i32::MAX));
            Ok(if *count > i64::from(limit) { Err(left) } else { Ok(()) })
        })
    }

    async fn prune(&self, before: DateTime<Utc>) -> RepoResult<()> {
        self.state.with(|state| {
            state.windows.retain(|(_, start), _| *start >= before);
            state.failures.retain(|failure| failure.failed_at >= before);
            Ok(())
        })
    }
}

/// Events a [`MemoryEvents`] subscriber may fall behind before it is cut off (the real bus's
/// default).
pub const DEFAULT_EVENT_CAPACITY: usize = 4_096;

/// One live subscription, as the bus sees it.
struct Subscriber {
    sender: mpsc::UnboundedSender<(EventPosition, Event)>,
    /// Events sent and not read yet.
    unread: Arc<AtomicUsize>,
    /// Events missed since it fell behind; zero while it keeps up.
    missed: Arc<AtomicU64>,
}

/// What [`MemoryEvents`] holds.
#[derive(Default)]
struct EventsState {
    /// The outbox, in position order.
    log: Vec<(EventPosition, Event)>,
    /// The last position handed out.
    last: i64,
    /// Every event published on the bus, in order.
    published: Vec<(EventPosition, Event)>,
    subscribers: Vec<Subscriber>,
}

/// The outbox and the bus in memory, without tokio. [`MemoryEvents::record`] stands for a
/// committed change and its relay: the event gets the next position (1, 2, …), is kept in the
/// log and is published to every subscriber. Subscribers read through `futures` channels; one
/// more than the capacity behind is told it lagged and its stream ends, and publishing never
/// waits for anyone.
pub struct MemoryEvents {
    state: Mutex<EventsState>,
    capacity: usize,
}

impl Default for MemoryEvents {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_EVENT_CAPACITY)
    }
}

impl MemoryEvents {
    /// An empty log and a bus with the default capacity.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty log and a bus whose subscribers may fall `capacity` (at least one) events behind.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            state: Mutex::new(EventsState::default()),
            capacity: capacity.max(1),
        }
    }

    /// Records `event` in the log at the next position and publishes it; its position.
    pub fn record(&self, event: Event) -> EventPosition {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.last += 1;
        let position = EventPosition(state.last);
        state.log.push((position, event.clone()));
        self.deliver(&mut state, position, event);
        position
    }

    /// The events kept in the log, in order.
    pub fn logged(&self) -> Vec<(EventPosition, Event)> {
        self.state.lock().map(|state| state.log.clone()).unwrap_or_default()
    }

    /// Every event published on the bus (recorded or published directly), in order.
    pub fn published(&self) -> Vec<(EventPosition, Event)> {
        self.state
            .lock()
            .map(|state| state.published.clone())
            .unwrap_or_default()
    }

    /// How many subscribers are still listening (and keeping up).
    pub fn subscribers(&self) -> usize {
        self.state
            .lock()
            .map(|state| {
                state
                    .subscribers
                    .iter()
                    .filter(|subscriber| {
                        !subscriber.sender.is_closed() && subscriber.missed.load(Ordering::Acquire) == 0
                    })
                    .count()
            })
            .unwrap_or_default()
    }

    /// Drops logged events up to and including `through`, always keeping the newest one, as the
    /// outbox's retention does.
    pub fn prune_through(&self, through: EventPosition) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let newest = state.log.last().map(|(position, _)| *position);
        state
            .log
            .retain(|(position, _)| *position > through || Some(*position) == newest);
    }

    /// Sends an event to every subscriber that keeps up; marks those too far behind.
    fn deliver(&self, state: &mut EventsState, position: EventPosition, event: Event) {
        state.published.push((position, event.clone()));
        state.subscribers.retain(|subscriber| !subscriber.sender.is_closed());
        for subscriber in &state.subscribers {
            if subscriber.missed.load(Ordering::Acquire) > 0 {
                subscriber.missed.fetch_add(1, Ordering::AcqRel);
                continue;
            }
            if subscriber.unread.load(Ordering::Acquire) >= self.capacity {
                subscriber.missed.fetch_add(1, Ordering::AcqRel);
                continue;
            }
            subscriber.unread.fetch_add(1, Ordering::AcqRel);
            if subscriber.sender.unbounded_send((position, event.clone())).is_err() {
                subscriber.unread.fetch_sub(1, Ordering::AcqRel);
            }
        }
        // Lagged subscribers get no more events (only counted); their streams end at their next
        // read, and they are dropped once their streams are.
    }
}

/// A subscription as its stream sees it.
struct Subscription {
    receiver: mpsc::UnboundedReceiver<(EventPosition, Event)>,
    unread: Arc<AtomicUsize>,
    missed: Arc<AtomicU64>,
}

impl EventBus for MemoryEvents {
    /// Publishes to this bus's subscribers only; the log is written by [`MemoryEvents::record`].
    fn publish(&self, position: EventPosition, event: Event) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.deliver(&mut state, position, event);
    }

    fn subscribe(&self) -> EventStream {
        let (sender, receiver) = mpsc::unbounded();
        let unread = Arc::new(AtomicUsize::new(0));
        let missed = Arc::new(AtomicU64::new(0));
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .subscribers
            .push(Subscriber {
                sender,
                unread: Arc::clone(&unread),
                missed: Arc::clone(&missed),
            });
        let subscription = Subscription {
            receiver,
            unread,
            missed,
        };
        Box::pin(futures::stream::unfold(Some(subscription), |state| async move {
            let mut subscription = state?;
            let missed = subscription.missed.load(Ordering::Acquire);
            if missed > 0 {
                return Some((Err(EventError::Lagged(missed)), None));
            }
            let item = subscription.receiver.next().await?;
            subscription.unread.fetch_sub(1, Ordering::AcqRel);
            Some((Ok(item), Some(subscription)))
        }))
    }
}

#[async_trait::async_trait]
impl EventLog for MemoryEvents {
    async fn after(
        &self,
        scope: EventScope,
        after: EventPosition,
        limit: u64,
    ) -> RepoResult<Vec<(EventPosition, Event)>> {
        let state = self.state.lock().map_err(|_| poisoned())?;
        Ok(state
            .log
            .iter()
            .filter(|(position, _)| *position > after)
            .filter(|(_, event)| match scope {
                EventScope::Track(track) => event.track() == Some(track),
                EventScope::User(user) => event.user() == Some(user),
            })
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .cloned()
            .collect())
    }

    async fn bounds(&self) -> RepoResult<Option<(EventPosition, EventPosition)>> {
        let state = self.state.lock().map_err(|_| poisoned())?;
        Ok(match (state.log.first(), state.log.last()) {
            (Some((first, _)), Some((last, _))) => Some((*first, *last)),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use backline_domain::ids::{TrackId, UserId};
    use futures::executor::block_on;

    use super::*;

    fn access(n: u128) -> Event {
        Event::AccessChanged {
            user: UserId(Uuid::from_u128(n)),
        }
    }

    #[test]
    fn the_clock_moves_only_when_told() {
        let start = DateTime::from_timestamp(1_000_000, 0).unwrap_or_default();
        let clock = ManualClock::at(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::minutes(5));
        assert_eq!(clock.now(), start + Duration::minutes(5));
    }

    #[test]
    fn ids_differ_and_have_the_real_shapes() {
        let ids = SequentialIds::new();
        let shorts: Vec<String> = (0..100).map(|_| ids.short_id()).collect();
        assert!(
            shorts
                .iter()
                .all(|id| backline_domain::values::ShortId::parse(id).is_ok())
        );
        assert_eq!(
            shorts.iter().collect::<std::collections::HashSet<_>>().len(),
            shorts.len()
        );
        let secret = ids.secret_token(32);
        assert_eq!(secret.len(), 43);
        assert_ne!(secret, ids.secret_token(32));
        assert!(backline_domain::sharing::short_code_from(&secret).is_some());
        let (first, second) = (ids.uuid(), ids.uuid());
        assert!(first < second);
        assert_eq!(base64_url(b"\xfb\xff"), "-_8");
    }

    #[test]
    fn hashes_verify_only_the_right_password() -> anyhow::Result<()> {
        let hasher = PlainHasher::new();
        let hash = hasher.hash("correct horse")?;
        assert!(hasher.verify("correct horse", &hash)?);
        assert!(!hasher.verify("wrong horse", &hash)?);
        assert!(!hasher.verify("anything", hasher.dummy_hash())?);
        assert!(hasher.verify("x", "$argon2id$v=19$...").is_err());
        assert!(!hasher.needs_rehash(&hash));
        assert!(PlainHasher::with_version(2).needs_rehash(&hash));
        Ok(())
    }

    #[test]
    fn the_mailer_keeps_what_it_sent() -> anyhow::Result<()> {
        let mailer = RecordingMailer::new();
        let message = MailMessage {
            to: "a@example.com".to_owned(),
            subject: "Hi".to_owned(),
            body: "Hello".to_owned(),
        };
        block_on(mailer.send(&message))?;
        mailer.set_failing(true);
        assert!(block_on(mailer.send(&message)).is_err());
        assert_eq!(mailer.sent(), vec![message]);
        Ok(())
    }

    #[test]
    fn a_throttle_locks_after_the_limit_until_the_window_passes() -> RepoResult<()> {
        let throttle = MemoryThrottle::new(3, Duration::minutes(10));
        let keys = vec!["account:a".to_owned(), "ip:1".to_owned()];
        let start = DateTime::from_timestamp(1_000_000, 0).unwrap_or_default();
        for _ in 0..3 {
            assert!(block_on(throttle.attempt(&keys, start))?.is_ok());
        }
        let refused = block_on(throttle.attempt(&keys, start + Duration::minutes(1)))?;
        assert_eq!(refused, Err(540), "nine minutes until the first failure leaves");
        assert_eq!(throttle.failures("account:a"), 3, "the refused attempt was taken back");
        assert!(block_on(throttle.attempt(&keys, start + Duration::minutes(11)))?.is_ok());
        Ok(())
    }

    #[test]
    fn a_success_forgets_the_accounts_failures_but_not_the_addresses() -> RepoResult<()> {
        let throttle = MemoryThrottle::new(2, Duration::minutes(15));
        let keys = vec!["account:d".to_owned(), "ip:9".to_owned()];
        let now = DateTime::from_timestamp(1_000_000, 0).unwrap_or_default();
        assert!(block_on(throttle.attempt(&keys, now))?.is_ok());
        let Ok(good) = block_on(throttle.attempt(&keys, now))? else {
            panic!("the second attempt was refused");
        };
        block_on(throttle.succeeded(good, "account:d"))?;
        assert_eq!(throttle.failures("account:d"), 0);
        assert_eq!(throttle.failures("ip:9"), 1);
        Ok(())
    }

    #[test]
    fn rate_limits_count_in_fixed_windows() -> RepoResult<()> {
        let throttle = MemoryThrottle::new(1, Duration::minutes(1));
        let now = DateTime::from_timestamp(1_000_030, 0).unwrap_or_default();
        assert_eq!(block_on(throttle.hit("u", 2, 3, Duration::seconds(60), now))?, Ok(()));
        assert_eq!(block_on(throttle.hit("u", 2, 3, Duration::seconds(60), now))?, Err(50));
        let next = now + Duration::seconds(60);
        assert_eq!(block_on(throttle.hit("u", 2, 3, Duration::seconds(60), next))?, Ok(()));
        Ok(())
    }

    #[test]
    fn the_log_replays_after_a_position_in_order() -> RepoResult<()> {
        let events = MemoryEvents::new();
        let track = TrackId(Uuid::from_u128(99));
        let user = UserId(Uuid::from_u128(1));
        let first = events.record(access(1));
        let second = events.record(Event::Track {
            kind: crate::ports::TrackEventKind::TrackUpdated,
            track,
            file: None,
        });
        let third = events.record(access(1));
        let fourth = events.record(access(2));
        assert_eq!(
            (first, second, third, fourth),
            (EventPosition(1), EventPosition(2), EventPosition(3), EventPosition(4))
        );
        assert_eq!(
            block_on(events.after(EventScope::User(user), EventPosition(0), 10))?,
            vec![(first, access(1)), (third, access(1))]
        );
        assert_eq!(
            block_on(events.after(EventScope::User(user), first, 10))?,
            vec![(third, access(1))]
        );
        assert_eq!(
            block_on(events.after(EventScope::Track(track), EventPosition(0), 10))?.len(),
            1
        );
        assert_eq!(
            block_on(events.after(EventScope::User(user), EventPosition(0), 1))?.len(),
            1
        );
        assert_eq!(block_on(events.bounds())?, Some((first, fourth)));
        events.prune_through(EventPosition(100));
        assert_eq!(block_on(events.bounds())?, Some((fourth, fourth)), "the newest stays");
        Ok(())
    }

    #[test]
    fn subscribers_get_events_in_order_and_a_slow_one_is_cut_off() {
        let events = MemoryEvents::with_capacity(2);
        let mut fast = events.subscribe();
        let mut slow = events.subscribe();
        for n in 1..=4 {
            let position = events.record(access(n));
            assert_eq!(block_on(fast.next()), Some(Ok((position, access(n)))));
        }
        assert_eq!(block_on(slow.next()), Some(Err(EventError::Lagged(2))));
        assert_eq!(block_on(slow.next()), None, "the lagging stream ends");
        assert_eq!(events.subscribers(), 1);
        assert_eq!(events.published().len(), 4);
    }
}
