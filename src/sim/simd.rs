//! Running a loop compiled for the widest vector unit the CPU has. Work whose loops are shaped
//! to vectorise (fixed-size arrays, slices that cannot overlap) implements [`Vectorised`];
//! [`run_widest`] runs it compiled once more for AVX-512 or AVX2 when the CPU has them
//! (x86-64, chosen at run time), with WebAssembly's 128-bit SIMD in the browser (every
//! browser since 2021 has it), and as built otherwise. The arithmetic is the same IEEE
//! operations in the same order whichever version runs — Rust never fuses a multiply and an
//! add by itself — so every CPU gives the same numbers to the last bit. [`prefetch_start`] asks
//! for memory ahead of the loops that wait for it.

/// Work to run in the widest vector version.
pub(crate) trait Vectorised {
    type Output;
    /// The work itself; implementations must be `#[inline(always)]`, so that each version
    /// below compiles it with its own instructions.
    fn run(self) -> Self::Output;
}

/// Runs `work` compiled for the widest vector unit this CPU has.
pub(crate) fn run_widest<W: Vectorised>(work: W) -> W::Output {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return wide::avx512(work);
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            return wide::avx2(work);
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        simd128(work)
    }
    #[cfg(not(target_arch = "wasm32"))]
    work.run()
}

/// On WebAssembly a function compiled for SIMD is safe to call: a browser without it refuses
/// the whole module rather than running it.
#[cfg(target_arch = "wasm32")]
#[target_feature(enable = "simd128")]
fn simd128<W: Vectorised>(work: W) -> W::Output {
    work.run()
}

#[cfg(target_arch = "x86_64")]
#[expect(
    unsafe_code,
    reason = "a function compiled for a CPU feature is called only after checking the CPU has it"
)]
mod wide {
    use super::Vectorised;

    #[target_feature(enable = "avx512f")]
    fn avx512_body<W: Vectorised>(work: W) -> W::Output {
        work.run()
    }

    #[target_feature(enable = "avx2")]
    fn avx2_body<W: Vectorised>(work: W) -> W::Output {
        work.run()
    }

    pub(super) fn avx512<W: Vectorised>(work: W) -> W::Output {
        debug_assert!(std::arch::is_x86_feature_detected!("avx512f"));
        // SAFETY: `run_widest` calls this only when the CPU has AVX-512F.
        unsafe { avx512_body(work) }
    }

    pub(super) fn avx2<W: Vectorised>(work: W) -> W::Output {
        debug_assert!(std::arch::is_x86_feature_detected!("avx2"));
        // SAFETY: `run_widest` calls this only when the CPU has AVX2.
        unsafe { avx2_body(work) }
    }
}

/// Bytes in a cache line (on the CPUs this runs on; only a hint's spacing).
const LINE: usize = 64;

/// Lines of a list worth prefetching ahead of reading it: enough to cover the wait for
/// memory, after which the CPU's own prefetcher follows the stream; more would crowd the
/// nearest cache when many lists start at once.
const PREFETCH_LINES: usize = 8;

/// [`prefetch`]es the start of `items` (its first [`PREFETCH_LINES`] cache lines).
#[inline(always)]
pub(crate) fn prefetch_start<T>(items: &[T]) {
    let per_line = (LINE / size_of::<T>()).max(1);
    for item in items.iter().step_by(per_line).take(PREFETCH_LINES) {
        prefetch(item);
    }
}

/// Asks the CPU to start loading the cache line that holds `x` into its nearest cache, so
/// that a later read does not wait for memory. Only a hint: it changes no result (nothing on
/// WebAssembly, which has no such instruction).
#[inline(always)]
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    #[expect(unsafe_code, reason = "SSE's prefetch, which every x86-64 CPU has")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: x86-64 always has SSE, and a prefetch never faults whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(x).cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}
