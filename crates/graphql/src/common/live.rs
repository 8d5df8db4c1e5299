//! What the live feeds share: every event carries an opaque `cursor`, and each subscription
//! takes `after` (a cursor) to first replay what followed it.

use backline_application::ports::EventPosition;

use crate::common::error::bad_input;

/// What prefixes an event cursor.
const CURSOR_PREFIX: &str = "evt_";

/// The cursor of the event at `position`: opaque to clients.
pub(crate) fn cursor(position: EventPosition) -> String {
    format!("{CURSOR_PREFIX}{}", position.0)
}

/// Reads an `after` argument back.
pub(crate) fn position(after: Option<String>) -> async_graphql::Result<Option<EventPosition>> {
    after
        .map(|raw| {
            raw.strip_prefix(CURSOR_PREFIX)
                .and_then(|number| number.parse::<i64>().ok())
                .filter(|number| *number >= 0)
                .map(EventPosition)
                .ok_or_else(|| bad_input("after", "is not an event cursor this API gave out"))
        })
        .transpose()
}
