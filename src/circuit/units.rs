//! The one place where the units of files (mV, ms, nA, nF, nS, MΩ) meet the SI units inside
//! the simulation (V, s, A, F, S, Ω). Reading a file multiplies by a power of ten; writing one
//! divides and rounds to 12 significant digits, so a value survives a round trip unchanged
//! (`0.2` stays `0.2`, not `0.20000000000000004`). Error messages use these too, so a value
//! is reported in the unit its field names.

/// Rounds to 12 significant digits: undoes the float noise of SI ↔ file-unit conversions.
pub fn tidy(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// mV → V, ms → s.
pub fn from_milli(x: f64) -> f64 {
    x * 1e-3
}

/// V → mV, s → ms.
pub fn to_milli(x: f64) -> f64 {
    tidy(x * 1e3)
}

/// nA → A, nF → F, nS → S.
pub fn from_nano(x: f64) -> f64 {
    x * 1e-9
}

/// A → nA, F → nF, S → nS.
pub fn to_nano(x: f64) -> f64 {
    tidy(x * 1e9)
}

/// MΩ → Ω.
pub fn from_mega(x: f64) -> f64 {
    x * 1e6
}

/// Ω → MΩ.
pub fn to_mega(x: f64) -> f64 {
    tidy(x * 1e-6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_values_survive_a_round_trip_through_si() {
        for x in [0.2, -65.0, 1.0, 3.3, 1e-3, 0.0, 123.456, -2.0] {
            assert_eq!(to_milli(from_milli(x)), x);
            assert_eq!(to_nano(from_nano(x)), x);
            assert_eq!(to_mega(from_mega(x)), x);
        }
        assert_eq!(from_nano(-2.0), -2e-9);
        assert_eq!(tidy(0.1 + 0.2), 0.3);
    }
}
