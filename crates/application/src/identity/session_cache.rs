//! What this process knows of sessions, so that checking the session of every access token on
//! every request costs a map look-up rather than a query. A session seen active is remembered
//! for a while ([`ACTIVE_TTL`]); a session that ended is remembered as ended for as long as its
//! access tokens could live, and an ended one is never taken for active again, even when a
//! request that read it active before it ended finishes after. Ends reach every process through
//! the event outbox (`Event::SessionsEnded`; on PostgreSQL its LISTEN/NOTIFY wakes every relay
//! at commit): [`follow_session_ends`] applies them here. Open sockets wait on [`SessionCache::ended`]
//! and close at once.

use super::Identity;
use std::collections::HashMap;
use std::sync::Mutex;

use backline_domain::ids::{SessionId, UserId};
use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use futures::channel::oneshot;

use crate::ports::{Event, EventError};

/// How long a session seen active is believed without asking again. Ends arrive as events
/// well before that; this only bounds the damage of an event that never arrives.
pub const ACTIVE_TTL: Duration = Duration::seconds(60);
/// How long an ended session is remembered: the longest an access token lives.
const ENDED_TTL: Duration = Duration::minutes(15);
/// Most sessions remembered.
const CAPACITY: usize = 100_000;

#[derive(Debug, Clone, Copy)]
enum Entry {
    Active { user: UserId, until: DateTime<Utc> },
    Ended { until: DateTime<Utc> },
}

/// What the cache knows of one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// Active, for this user.
    Active(UserId),
    /// Ended (logged out, revoked, or its refresh token replayed).
    Ended,
}

#[derive(Debug, Default)]
struct State {
    entries: HashMap<SessionId, Entry>,
    watchers: HashMap<SessionId, Vec<oneshot::Sender<()>>>,
    /// Bumped whenever ends may have been missed or forgotten (a lag, a full cache): a store
    /// read begun before a bump must not be cached, for an end may have come between.
    generation: u64,
    /// Watches added since the last sweep of closed sockets' watches.
    since_sweep: usize,
}

/// When [`SessionCache::lookup`] was asked, for [`SessionCache::remember_active`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation(u64);

/// Sessions this process has looked up or heard end.
#[derive(Debug, Default)]
pub struct SessionCache {
    state: Mutex<State>,
}

impl SessionCache {
    /// What is known of `session` at `now`, if anything still fresh, and the generation to
    /// hand back to [`SessionCache::remember_active`] after reading the store.
    pub fn lookup(&self, session: SessionId, now: DateTime<Utc>) -> (Option<Known>, Generation) {
        let Ok(state) = self.state.lock() else {
            return (None, Generation(u64::MAX));
        };
        let known = match state.entries.get(&session) {
            Some(Entry::Active { user, until }) if *until > now => Some(Known::Active(*user)),
            Some(Entry::Ended { .. }) => Some(Known::Ended),
            Some(Entry::Active { .. }) | None => None,
        };
        (known, Generation(state.generation))
    }

    /// Remembers `session` as active for `user`, read from the store at `now` after a
    /// [`SessionCache::lookup`] that answered `generation`: unless it is known to have ended
    /// meanwhile, or ends may have been missed since that look-up.
    pub fn remember_active(&self, session: SessionId, user: UserId, now: DateTime<Utc>, generation: Generation) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if generation.0 != state.generation || matches!(state.entries.get(&session), Some(Entry::Ended { .. })) {
            return;
        }
        if !make_room(&mut state, now) {
            return;
        }
        state.entries.insert(
            session,
            Entry::Active {
                user,
                until: now + ACTIVE_TTL,
            },
        );
    }

    /// Records that `sessions` ended, and wakes the sockets waiting on them.
    pub fn ended_now(&self, sessions: &[SessionId], now: DateTime<Utc>) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        make_room(&mut state, now);
        for session in sessions {
            state.entries.insert(*session, Entry::Ended { until: now + ENDED_TTL });
            for watcher in state.watchers.remove(session).unwrap_or_default() {
                let _ = watcher.send(());
            }
        }
    }

    /// Forgets every session believed active (they are asked for again), keeping what ended;
    /// store reads under way are not cached.
    pub fn forget_active(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.entries.retain(|_, entry| matches!(entry, Entry::Ended { .. }));
            state.generation += 1;
        }
    }

    /// Resolves when `session` ends (at once when it is known to have ended).
    pub fn ended(&self, session: SessionId) -> oneshot::Receiver<()> {
        let (sender, receiver) = oneshot::channel();
        let Ok(mut state) = self.state.lock() else {
            return receiver;
        };
        if matches!(state.entries.get(&session), Some(Entry::Ended { .. })) {
            let _ = sender.send(());
            return receiver;
        }
        // Sockets that closed leave their watches behind: sweep them now and then.
        state.since_sweep += 1;
        if state.since_sweep >= SWEEP_EVERY {
            state.since_sweep = 0;
            sweep(&mut state);
        }
        state.watchers.entry(session).or_default().push(sender);
        receiver
    }

    /// The sessions open sockets wait on.
    fn watched(&self) -> Vec<SessionId> {
        self.state
            .lock()
            .map(|mut state| {
                sweep(&mut state);
                state.watchers.keys().copied().collect()
            })
            .unwrap_or_default()
    }
}

/// Watches added between two sweeps of closed sockets' watches.
const SWEEP_EVERY: usize = 1_024;

fn sweep(state: &mut State) {
    state.watchers.retain(|_, waiting| {
        waiting.retain(|watcher| !watcher.is_canceled());
        !waiting.is_empty()
    });
}

/// Makes room for one more entry: drops what has gone stale, then, if still full, every active
/// entry (they are read again on demand). Ended entries are never dropped before they go
/// stale; when they alone fill the cache, `false`: nothing active is cached then.
fn make_room(state: &mut State, now: DateTime<Utc>) -> bool {
    if state.entries.len() < CAPACITY {
        return true;
    }
    state.entries.retain(|_, entry| match entry {
        Entry::Active { until, .. } | Entry::Ended { until } => *until > now,
    });
    if state.entries.len() >= CAPACITY {
        state.entries.retain(|_, entry| matches!(entry, Entry::Ended { .. }));
        state.generation += 1;
    }
    state.entries.len() < CAPACITY
}

/// Applies every `SessionsEnded` event (from any process) to `identity`'s session cache until the
/// event bus closes. It subscribes before it returns, so no end published afterwards is
/// missed. When it falls behind the bus it forgets every session believed active and checks the
/// watched ones in the store.
pub fn follow_session_ends(identity: &Identity) -> impl Future<Output = ()> + Send + 'static {
    let identity = identity.clone();
    let mut events = identity.events.subscribe();
    async move {
        loop {
            match events.next().await {
                Some(Ok((_, Event::SessionsEnded { sessions, .. }))) => {
                    identity.session_cache.ended_now(&sessions, identity.clock.now());
                }
                Some(Ok(_)) => {}
                Some(Err(EventError::Lagged(missed))) => {
                    tracing::warn!(missed, "the session watcher fell behind; checking sessions again");
                    events = identity.events.subscribe();
                    identity.session_cache.forget_active();
                    recheck_watched(&identity).await;
                }
                None => return,
            }
        }
    }
}

/// Ends the watched sessions the store says have ended.
async fn recheck_watched(identity: &Identity) {
    let now = identity.clock.now();
    for session in identity.session_cache.watched() {
        match identity.sessions.find(session).await {
            Ok(Some(found)) if found.revoked_at.is_none() && found.expires_at > now => {}
            Ok(_) => identity.session_cache.ended_now(&[session], now),
            Err(error) => tracing::warn!(%error, "could not check a watched session"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> (SessionId, UserId) {
        (SessionId(uuid::Uuid::now_v7()), UserId(uuid::Uuid::now_v7()))
    }

    #[test]
    fn an_ended_session_is_never_taken_for_active_again() {
        let cache = SessionCache::default();
        let (session, user) = ids();
        let now = Utc::now();
        let (known, generation) = cache.lookup(session, now);
        assert_eq!(known, None);
        cache.remember_active(session, user, now, generation);
        assert_eq!(cache.lookup(session, now).0, Some(Known::Active(user)));
        cache.ended_now(&[session], now);
        // A request that read the session active before it ended finishes late:
        cache.remember_active(session, user, now, generation);
        assert_eq!(cache.lookup(session, now).0, Some(Known::Ended));
        cache.forget_active();
        assert_eq!(cache.lookup(session, now).0, Some(Known::Ended));
    }

    #[test]
    fn a_read_begun_before_ends_were_missed_is_not_cached() {
        let cache = SessionCache::default();
        let (session, user) = ids();
        let now = Utc::now();
        let (_, generation) = cache.lookup(session, now);
        // The watcher fell behind while the store was being read: an end may have been missed.
        cache.forget_active();
        cache.remember_active(session, user, now, generation);
        assert_eq!(cache.lookup(session, now).0, None, "asked for again next time");
    }

    #[test]
    fn active_entries_go_stale() {
        let cache = SessionCache::default();
        let (session, user) = ids();
        let now = Utc::now();
        let (_, generation) = cache.lookup(session, now);
        cache.remember_active(session, user, now, generation);
        assert_eq!(cache.lookup(session, now + ACTIVE_TTL).0, None, "asked for again");
    }

    #[test]
    fn watchers_wake_when_their_session_ends() {
        let cache = SessionCache::default();
        let (session, _) = ids();
        let (other, _) = ids();
        let mut waiting = cache.ended(session);
        let mut unrelated = cache.ended(other);
        assert_eq!(waiting.try_recv(), Ok(None));
        cache.ended_now(&[session], Utc::now());
        assert_eq!(waiting.try_recv(), Ok(Some(())));
        assert_eq!(unrelated.try_recv(), Ok(None));
        let mut late = cache.ended(session);
        assert_eq!(late.try_recv(), Ok(Some(())), "already ended");
        drop(unrelated);
        assert!(cache.watched().is_empty(), "closed sockets stop being watched");
    }
}
