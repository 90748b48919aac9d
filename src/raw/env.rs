//! The environment, read for the trace's variables without allocating.

/// Reads the trace's variables as the program loads: an `.init_array` entry runs
/// before `main` and before any other thread exists, so `getenv` cannot race with a
/// thread that changes the environment (`std::env::set_var` is safe to call in Rust
/// 2021). This holds for the program itself; a library loaded later with `dlopen`
/// runs its `.init_array` when it is loaded, and if other threads of that process
/// call `setenv` at that moment, the read races with them as it would in C.
#[cfg(all(feature = "trace", have_init_array))]
#[used]
#[link_section = ".init_array"]
static READ_TRACE_VARIABLES_AT_LOAD: extern "C" fn() = {
    extern "C" fn read_at_load() {
        crate::trace::read_environment();
    }
    read_at_load
};

/// Reads `SOCKAPI_FAULTS` as the program loads, for the same reason and with the same
/// limits as `READ_TRACE_VARIABLES_AT_LOAD`.
#[cfg(all(feature = "fault", have_init_array))]
#[used]
#[link_section = ".init_array"]
static READ_FAULT_PLAN_AT_LOAD: extern "C" fn() = {
    extern "C" fn read_at_load() {
        crate::fault::read_environment();
    }
    read_at_load
};

/// Calls `f` with the value of the environment variable `name`, read with the C
/// library's `getenv`, which neither copies nor allocates.
///
/// Where the target has `.init_array`, this runs only before `main` (see
/// `READ_TRACE_VARIABLES_AT_LOAD`). Elsewhere it runs at the first traced call; a
/// thread changing the environment at that moment would race with it, as in C.
#[cfg(any(feature = "trace", feature = "fault"))]
pub(crate) fn getenv_with<R>(name: &core::ffi::CStr, f: impl FnOnce(Option<&[u8]>) -> R) -> R {
    // SAFETY: `name` is NUL-terminated.
    let value = unsafe { crate::sys::getenv(name.as_ptr()) };
    if value.is_null() {
        return f(None);
    }
    // SAFETY: a non-null `getenv` result is a NUL-terminated string that stays valid
    // until the environment changes; it is read here, within this call, and not kept.
    f(Some(unsafe { core::ffi::CStr::from_ptr(value) }.to_bytes()))
}
