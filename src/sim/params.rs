//! Parameter validation shared by components, circuit files and the command line: typed errors
//! saying which quantity is wrong and why, checked at the boundary where values enter.

use thiserror::Error;

/// Why a model parameter is impossible.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ParamError {
    #[error("{name} must be a finite number, got {value}")]
    NotFinite { name: &'static str, value: f64 },
    #[error("{name} must be positive, got {value}")]
    NotPositive { name: &'static str, value: f64 },
    #[error("{name} must not be negative, got {value}")]
    Negative { name: &'static str, value: f64 },
    #[error("{name} must lie in [{min}, {max}], got {value}")]
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
}

impl ParamError {
    /// The name of the offending quantity.
    pub fn name(&self) -> &'static str {
        match self {
            Self::NotFinite { name, .. }
            | Self::NotPositive { name, .. }
            | Self::Negative { name, .. }
            | Self::OutOfRange { name, .. } => name,
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
