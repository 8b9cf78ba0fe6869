//! Parameter validation shared by components, circuit files and the command line: typed errors
//! saying which quantity is wrong and why, checked at the boundary where values enter.

use thiserror::Error;

/// Why a model parameter is impossible.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ParamError {
    #[error("{name} must be a finite number, got {}", with_unit(name, *value))]
    NotFinite { name: &'static str, value: f64 },
    #[error("{name} must be positive, got {}", with_unit(name, *value))]
    NotPositive { name: &'static str, value: f64 },
    #[error("{name} must not be negative, got {}", with_unit(name, *value))]
    Negative { name: &'static str, value: f64 },
    #[error("{name} must lie in [{min}, {max}], got {}", with_unit(name, *value))]
    OutOfRange {
        name: &'static str,
        value: f64,
        min: f64,
        max: f64,
    },
    #[error(
        "reset potential ({reset_mv:.2} mV) must lie below the threshold ({threshold_mv:.2} mV)"
    )]
    ResetNotBelowThreshold { reset_mv: f64, threshold_mv: f64 },
    #[error("{name} must go from low to high, got {} to {}", with_unit(name, *low), with_unit(name, *high))]
    EmptyRange {
        name: &'static str,
        low: f64,
        high: f64,
    },
}

/// A value with the unit its name ends in (`w_max_nA` → `-2 nA`), so a message reads in the
/// units of the field it names.
fn with_unit(name: &str, value: f64) -> String {
    const UNITS: [&str; 14] = [
        "mV", "V", "ms", "s", "nA", "A", "nF", "F", "nS", "S", "MOhm", "Hz", "m", "cm2",
    ];
    match name.rsplit_once('_').map(|(_, unit)| unit) {
        Some(unit) if UNITS.contains(&unit) => format!("{value} {unit}"),
        _ => value.to_string(),
    }
}

impl ParamError {
    /// The name of the offending quantity.
    pub fn name(&self) -> &'static str {
        match self {
            Self::NotFinite { name, .. }
            | Self::NotPositive { name, .. }
            | Self::Negative { name, .. }
            | Self::OutOfRange { name, .. }
            | Self::EmptyRange { name, .. } => name,
            Self::ResetNotBelowThreshold { .. } => "reset_mV",
        }
    }
}

pub fn finite(name: &'static str, value: f64) -> Result<(), ParamError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(ParamError::NotFinite { name, value })
    }
}

pub fn positive(name: &'static str, value: f64) -> Result<(), ParamError> {
    finite(name, value)?;
    if value > 0.0 {
        Ok(())
    } else {
        Err(ParamError::NotPositive { name, value })
    }
}

pub fn non_negative(name: &'static str, value: f64) -> Result<(), ParamError> {
    finite(name, value)?;
    if value >= 0.0 {
        Ok(())
    } else {
        Err(ParamError::Negative { name, value })
    }
}

pub fn in_range(name: &'static str, value: f64, min: f64, max: f64) -> Result<(), ParamError> {
    finite(name, value)?;
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ParamError::OutOfRange {
            name,
            value,
            min,
            max,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_give_the_value_in_the_unit_of_its_name() {
        let e = positive("w_max_nA", -2.0).unwrap_err();
        assert_eq!(e.to_string(), "w_max_nA must be positive, got -2 nA");
        let e = in_range("learning_rate", 11.0, 0.0, 10.0).unwrap_err();
        assert_eq!(e.to_string(), "learning_rate must lie in [0, 10], got 11");
    }
}
