//! Tracking codes (查询码): what a citizen reads back over the phone to follow a case. Ten
//! characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as `XXXXX-XXXXX`:
//! about 49.5 bits, drawn at random, so codes cannot be guessed or enumerated.

use std::fmt;

/// Digits 2–9 and capital letters, without I, L and O.
pub const TRACKING_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const LEN: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrackingCode(String);

impl TrackingCode {
    /// Draws a code from a source of random bytes (rejection sampling keeps every character
    /// equally likely).
    pub fn generate(mut random_byte: impl FnMut() -> u8) -> TrackingCode {
        let n = TRACKING_ALPHABET.len() as u8;
        let limit = 256 - (256 % u16::from(n)) as u8 as u16;
        let mut out = String::with_capacity(LEN);
        while out.len() < LEN {
            let b = random_byte();
            if u16::from(b) < limit {
                out.push(TRACKING_ALPHABET[usize::from(b % n)] as char);
            }
        }
        TrackingCode(out)
    }

    /// Reads a code as typed or spoken: case, spaces and dashes do not matter.
    pub fn parse(input: &str) -> Option<TrackingCode> {
        let s: String =
            input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_uppercase();
        (s.len() == LEN && s.bytes().all(|b| TRACKING_ALPHABET.contains(&b))).then_some(TrackingCode(s))
    }

    /// The canonical form stored and compared (no dash).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", &self.0[..5], &self.0[5..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_reject_look_alikes() {
        let mut seed = 7u32;
        let code = TrackingCode::generate(|| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) as u8
        });
        let shown = code.to_string();
        assert_eq!(shown.len(), 11);
        assert_eq!(TrackingCode::parse(&shown), Some(code.clone()));
        assert_eq!(TrackingCode::parse(&shown.to_lowercase().replace('-', " ")), Some(code));
        assert!(TrackingCode::parse("O0I1L-23456").is_none());
        assert!(TrackingCode::parse("2345").is_none());
    }

    #[test]
    fn every_character_is_drawn() {
        let mut b = 0u8;
        let code = TrackingCode::generate(|| {
            b = b.wrapping_add(1);
            b
        });
        assert!(code.as_str().bytes().all(|c| TRACKING_ALPHABET.contains(&c)));
    }
}
