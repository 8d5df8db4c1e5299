//! Decoder panics, told in one line. A decoder may panic on malformed input (symphonia does on
//! some absurd headers); the analyser catches it and the file ends FAILED with a reason. The
//! process-wide panic hook would print a backtrace for it when `RUST_BACKTRACE` is set, and
//! capturing one loads the binary's debug information, which stays in memory (about 255 MB in a
//! release build). So while a file is being decoded its id is noted on the decoding thread,
//! and a panic there is logged as one warning naming the file, without a backtrace; every
//! other panic goes to the hook that was installed before.

use std::cell::Cell;
use std::sync::Once;

use backline_domain::ids::FileId;

thread_local! {
    /// The file this thread is decoding, if any.
    static DECODING: Cell<Option<FileId>> = const { Cell::new(None) };
}

/// Notes on this thread that `file` is being decoded until the guard drops.
pub(crate) fn decoding(file: FileId) -> Decoding {
    install_hook();
    DECODING.with(|current| current.set(Some(file)));
    Decoding
}

/// While alive, a panic on this thread is a decoder panic about the noted file.
pub(crate) struct Decoding;

impl Drop for Decoding {
    fn drop(&mut self) {
        DECODING.with(|current| current.set(None));
    }
}

fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let Some(file) = DECODING.with(Cell::get) else {
                previous(info);
                return;
            };
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|message| (*message).to_owned())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let at = info
                .location()
                .map(|location| format!("{}:{}", location.file(), location.line()))
                .unwrap_or_default();
            tracing::warn!(file = %file.0, %at, "the decoder panicked on malformed data (caught): {message}");
        }));
    });
}
