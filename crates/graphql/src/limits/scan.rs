//! The first look at a document, before it is parsed: its lexical tokens are counted and the
//! nesting of its brackets is followed, stopping at the first token past a limit. It costs one
//! pass over the text and no allocation, so no document can make the parser (a recursive
//! descent, whose stack grows with nesting) or anything after it do unbounded work.

/// What the scan found wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScanError {
    /// More than this many tokens.
    Tokens(usize),
    /// Brackets (`{`, `(`, `[`) nested deeper than this.
    Nesting(usize),
}

/// Counts the tokens of `text` (names, numbers, strings, punctuators; white space, commas and
/// comments are not tokens), failing as soon as there are more than `max_tokens` or brackets
/// nest deeper than `max_nesting`. Returns the count.
pub(crate) fn scan(text: &str, max_tokens: usize, max_nesting: usize) -> Result<usize, ScanError> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut tokens = 0_usize;
    let mut nesting = 0_usize;
    while at < bytes.len() {
        let byte = bytes[at];
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                at += 1;
                continue;
            }
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' && bytes[at] != b'\r' {
                    at += 1;
                }
                continue;
            }
            _ => {}
        }
        tokens += 1;
        if tokens > max_tokens {
            return Err(ScanError::Tokens(max_tokens));
        }
        match byte {
            b'{' | b'(' | b'[' => {
                nesting += 1;
                if nesting > max_nesting {
                    return Err(ScanError::Nesting(max_nesting));
                }
                at += 1;
            }
            b'}' | b')' | b']' => {
                nesting = nesting.saturating_sub(1);
                at += 1;
            }
            b'.' if bytes[at..].starts_with(b"...") => at += 3,
            b'"' if bytes[at..].starts_with(b"\"\"\"") => at = block_string_end(bytes, at + 3),
            b'"' => at = string_end(bytes, at + 1),
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                at += 1;
                while at < bytes.len() && (bytes[at] == b'_' || bytes[at].is_ascii_alphanumeric()) {
                    at += 1;
                }
            }
            b'-' | b'0'..=b'9' => {
                at += 1;
                while at < bytes.len() && matches!(bytes[at], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
                    at += 1;
                }
            }
            // Any other character is one token; the parser says what is wrong with it.
            _ => at += utf8_len(byte),
        }
    }
    Ok(tokens)
}

/// Where a string that started before `at` ends (just past its closing quote, or at the end of
/// the line or text when it is not closed: the parser reports that).
fn string_end(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            b'\n' | b'\r' => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Where a block string whose body starts at `at` ends (just past its closing `"""`).
fn block_string_end(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        if bytes[at..].starts_with(b"\\\"\"\"") {
            at += 4;
        } else if bytes[at..].starts_with(b"\"\"\"") {
            return at + 3;
        } else {
            at += 1;
        }
    }
    bytes.len()
}

/// The length of the UTF-8 sequence a byte starts (1 for a stray continuation byte).
fn utf8_len(byte: u8) -> usize {
    match byte {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_tokens_and_skips_what_is_ignored() {
        assert_eq!(scan("{ me { id } }", 100, 10), Ok(6));
        assert_eq!(scan("query Q($n: Int = 5) { a(first: $n) { ...F } }", 100, 10), Ok(23));
        assert_eq!(scan("# a comment\n{ a, b, c }", 100, 10), Ok(5));
        assert_eq!(scan(r#"{ a(s: "x \" { y", t: """ { { { """) }"#, 100, 10), Ok(11));
        assert_eq!(scan("{ a(f: -1.5e10) }", 100, 10), Ok(8));
        assert_eq!(scan("", 100, 10), Ok(0));
        assert_eq!(scan("{ é }", 100, 10), Ok(3));
    }

    #[test]
    fn stops_at_the_first_token_past_a_limit() {
        let many = "{ ".to_owned() + &"a ".repeat(10_000) + "}";
        assert_eq!(scan(&many, 1_000, 10), Err(ScanError::Tokens(1_000)));
        let deep = "{a".repeat(100_000);
        assert_eq!(scan(&deep, usize::MAX, 64), Err(ScanError::Nesting(64)));
        assert_eq!(scan(&"[".repeat(65), usize::MAX, 64), Err(ScanError::Nesting(64)));
        assert!(scan(&"[".repeat(64), usize::MAX, 64).is_ok());
    }

    #[test]
    fn brackets_inside_strings_do_not_nest() {
        let text = format!("{{ a(s: \"{}\") }}", "{".repeat(500));
        assert_eq!(scan(&text, 100, 10), Ok(8));
    }
}
