//! Fingerprints the migrations' sources (FNV-1a over every file under `src/`, by name), so that
//! anything built from a migrated copy (the tests' template databases) can tell whether it is
//! stale, even when a migration was edited in place.

use std::hash::Hasher;

/// FNV-1a, 64 bits: no dependency, stable across builds and machines.
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn main() -> std::io::Result<()> {
    println!("cargo:rerun-if-changed=src");
    let mut files: Vec<_> = std::fs::read_dir("src")?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "rs"))
        .collect();
    files.sort();
    let mut hash = Fnv(0xcbf2_9ce4_8422_2325);
    for file in files {
        hash.write(file.to_string_lossy().as_bytes());
        hash.write(&std::fs::read(&file)?);
    }
    println!("cargo:rustc-env=BACKLINE_MIGRATIONS_FINGERPRINT={:016x}", hash.finish());
    Ok(())
}
