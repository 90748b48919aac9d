#![doc = include_str!("../docs/FAULTS.md")]

use core::cell::{Cell, RefCell};
use core::fmt;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::sync::Mutex;

use crate::addrinfo::EaiCode;
use crate::sys::c_int;
use crate::Errno;
#[cfg(have_reentrant_netdb)]
use crate::HError;

macro_rules! calls {
    ($($name:ident: $kind:ident,)*) => {
        /// The calls a rule can name, by their C names.
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub(crate) enum Call {
            $($name,)*
        }

        impl Call {
            const ALL: &'static [Call] = &[$(Call::$name,)*];

            fn name(self) -> &'static str {
                match self {
                    $(Call::$name => stringify!($name),)*
                }
            }

            fn kind(self) -> Kind {
                match self {
                    $(Call::$name => Kind::$kind,)*
                }
            }
        }
    };
}

calls! {
    socket: Plain,
    socketpair: Plain,
    bind: Plain,
    listen: Plain,
    accept: Plain,
    accept4: Plain,
    connect: Plain,
    shutdown: Plain,
    close: Plain,
    getsockname: Plain,
    getpeername: Plain,
    send: Write,
    recv: Read,
    sendto: Write,
    recvfrom: Read,
    sendmsg: Write,
    recvmsg: Read,
    sendmmsg: Batch,
    recvmmsg: Batch,
    setsockopt: Plain,
    getsockopt: Plain,
    fcntl: Plain,
    ioctl: Plain,
    sockatmark: Plain,
    select: Plain,
    pselect: Plain,
    poll: Plain,
    ppoll: Plain,
    epoll_create1: Plain,
    epoll_ctl: Plain,
    epoll_wait: Plain,
    epoll_pwait: Plain,
    getaddrinfo: Gai,
    getnameinfo: Gai,
    gethostbyname: Host,
    gethostbyaddr: Host,
    getservbyname: Netdb,
    getservbyport: Netdb,
    getprotobyname: Netdb,
    getprotobynumber: Netdb,
    if_nametoindex: Plain,
    if_indextoname: Plain,
}

/// Which faults a call can meet.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `Err(Errno)`, `EINTR` once.
    Plain,
    /// As `Plain`, and short writes.
    Write,
    /// As `Plain`, and short reads and truncation.
    Read,
    /// As `Plain`, and fewer messages.
    Batch,
    /// `GaiError` (an errno becomes `EAI_SYSTEM`).
    Gai,
    /// `HError` (an errno becomes `NETDB_INTERNAL`).
    Host,
    /// `Errno` only: a lookup is not interrupted.
    Netdb,
}

/// What a rule does to the call it hits.
#[derive(Clone, Copy, PartialEq, Debug)]
#[non_exhaustive]
pub enum Fault {
    /// Fail with this `errno`, without the syscall. On `getaddrinfo`/`getnameinfo` it
    /// is `EAI_SYSTEM` carrying the errno; on `gethostbyname`/`gethostbyaddr`,
    /// `NETDB_INTERNAL` carrying it.
    Fail(Errno),
    /// `getaddrinfo`/`getnameinfo` fail with this code, without the lookup.
    FailGai(EaiCode),
    /// `gethostbyname`/`gethostbyaddr` fail with this `h_errno`, without the lookup.
    #[cfg(have_reentrant_netdb)]
    FailH(HError),
    /// A real short write or read of at most this many bytes (stream sockets), or the
    /// first this many messages of `sendmmsg`/`recvmmsg`.
    Short(usize),
    /// `recv`/`recvfrom`/`recvmsg` ask the kernel for at most this many bytes, on any
    /// socket (a datagram's tail is dropped).
    Truncate(usize),
    /// `EINTR` without the syscall, once: the next matching call is really made.
    Eintr,
}

/// One rule of a [`Plan`]: which calls, and what happens to them.
///
/// Built from [`Rule::on`] and one action ([`fail`](Rule::fail),
/// [`fail_gai`](Rule::fail_gai), `fail_h`, [`short`](Rule::short),
/// [`truncate`](Rule::truncate), [`eintr`](Rule::eintr)); [`Plan::start`] checks that
/// the call exists and can meet the fault.
#[derive(Clone, Debug)]
pub struct Rule {
    call: Result<Call, String>,
    fd: Option<RawFd>,
    after: u64,
    times: Option<u64>,
    probability: f64,
    fault: Option<Fault>,
}

impl Rule {
    /// A rule for the call named `call` as in C (`"send"`, `"getaddrinfo"`), on every
    /// descriptor, from the first matching call on, every time, with probability 1.
    pub fn on(call: &str) -> Rule {
        Rule {
            call: Call::ALL
                .iter()
                .copied()
                .find(|c| c.name() == call)
                .ok_or_else(|| call.to_owned()),
            fd: None,
            after: 0,
            times: None,
            probability: 1.0,
            fault: None,
        }
    }

    /// Only calls made on this descriptor (compared by number).
    pub fn fd(mut self, fd: &impl AsFd) -> Rule {
        self.fd = Some(fd.as_fd().as_raw_fd());
        self
    }

    /// Only calls made on the descriptor numbered `fd`.
    pub fn raw_fd(mut self, fd: RawFd) -> Rule {
        self.fd = Some(fd);
        self
    }

    /// Let the first `k` matching calls through.
    pub fn after(mut self, k: u64) -> Rule {
        self.after = k;
        self
    }

    /// Fire on the next `m` matching calls only (after those [`after`](Rule::after)
    /// skips), then never again.
    pub fn times(mut self, m: u64) -> Rule {
        self.times = Some(m);
        self
    }

    /// Fire on every matching call (the default).
    pub fn always(mut self) -> Rule {
        self.times = None;
        self
    }

    /// Fire on a matching call with probability `p` (0 to 1), drawn from the plan's
    /// seeded generator.
    pub fn probability(mut self, p: f64) -> Rule {
        self.probability = p;
        self
    }

    /// What to do: any [`Fault`].
    pub fn fault(mut self, fault: Fault) -> Rule {
        self.fault = Some(fault);
        self
    }

    /// Fail with `errno`, without the syscall ([`Fault::Fail`]).
    pub fn fail(self, errno: Errno) -> Rule {
        self.fault(Fault::Fail(errno))
    }

    /// `getaddrinfo`/`getnameinfo` fail with `code` ([`Fault::FailGai`]).
    pub fn fail_gai(self, code: EaiCode) -> Rule {
        self.fault(Fault::FailGai(code))
    }

    /// `gethostbyname`/`gethostbyaddr` fail with `err` (`Fault::FailH`).
    #[cfg(have_reentrant_netdb)]
    pub fn fail_h(self, err: HError) -> Rule {
        self.fault(Fault::FailH(err))
    }

    /// A real short write or read of at most `n` bytes ([`Fault::Short`]).
    pub fn short(self, n: usize) -> Rule {
        self.fault(Fault::Short(n))
    }

    /// Receive at most `n` bytes on any socket ([`Fault::Truncate`]).
    pub fn truncate(self, n: usize) -> Rule {
        self.fault(Fault::Truncate(n))
    }

    /// `EINTR` once before the real call ([`Fault::Eintr`]).
    pub fn eintr(self) -> Rule {
        self.fault(Fault::Eintr)
    }

    fn check(&self) -> Result<(Call, Fault), PlanError> {
        let call = match &self.call {
            Ok(call) => *call,
            Err(name) => return Err(PlanError::new(format!("unknown call \"{name}\""))),
        };
        let Some(fault) = self.fault else {
            return Err(PlanError::new(format!(
                "the rule for {} has no fault",
                call.name()
            )));
        };
        if !(0.0..=1.0).contains(&self.probability) {
            return Err(PlanError::new(format!(
                "probability {} is not between 0 and 1",
                self.probability
            )));
        }
        let kind = call.kind();
        let fits = match fault {
            Fault::Fail(_) => true,
            Fault::FailGai(_) => kind == Kind::Gai,
            #[cfg(have_reentrant_netdb)]
            Fault::FailH(_) => kind == Kind::Host,
            Fault::Short(_) => matches!(kind, Kind::Write | Kind::Read | Kind::Batch),
            Fault::Truncate(_) => kind == Kind::Read,
            Fault::Eintr => matches!(kind, Kind::Plain | Kind::Write | Kind::Read | Kind::Batch),
        };
        if !fits {
            return Err(PlanError::new(format!(
                "{} cannot meet {}",
                call.name(),
                FaultName(fault)
            )));
        }
        Ok((call, fault))
    }
}

/// A fault as the grammar writes it, for error messages.
struct FaultName(Fault);

impl fmt::Display for FaultName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Fault::Fail(e) => write!(f, "fail={}", e.name()),
            Fault::FailGai(code) => write!(f, "fail={code:?}"),
            #[cfg(have_reentrant_netdb)]
            Fault::FailH(err) => write!(f, "fail={}", err.name().unwrap_or("h_errno?")),
            Fault::Short(n) => write!(f, "short={n}"),
            Fault::Truncate(n) => write!(f, "truncate={n}"),
            Fault::Eintr => f.write_str("eintr"),
        }
    }
}

/// A plan of faults: a list of [`Rule`]s, a seed, and where it runs.
///
/// ```
/// use sockapi::fault::{Plan, Rule};
/// use sockapi::*;
/// # fn main() -> Result<(), sockapi::fault::PlanError> {
/// let _faults = Plan::new()
///     .rule(Rule::on("accept").fail(Errno::EMFILE).times(1))
///     .rule(Rule::on("getaddrinfo").fail_gai(EAI_AGAIN).probability(0.5))
///     .seed(42)
///     .start()?;
/// // ... the code under test: its first accept meets EMFILE, half its lookups EAI_AGAIN.
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Plan {
    rules: Vec<Rule>,
    seed: u64,
    process_wide: bool,
}

impl Plan {
    /// An empty plan: this thread, seed 0.
    pub fn new() -> Plan {
        Plan::default()
    }

    /// Adds a rule; rules are tried in the order added.
    pub fn rule(mut self, rule: Rule) -> Plan {
        self.rules.push(rule);
        self
    }

    /// Seeds the generator that the rules' probabilities draw from (0 unless set).
    pub fn seed(mut self, seed: u64) -> Plan {
        self.seed = seed;
        self
    }

    /// Runs the plan for every thread of the process (except threads running their
    /// own plan), not just the one that starts it.
    pub fn process_wide(mut self) -> Plan {
        self.process_wide = true;
        self
    }

    /// Reads a plan in the grammar of `SOCKAPI_FAULTS` (see the [module](self) docs).
    /// The plan is per thread unless made [`process_wide`](Plan::process_wide).
    pub fn parse(text: &str) -> Result<Plan, PlanError> {
        let mut plan = Plan::new();
        for item in text.split(';').map(str::trim).filter(|i| !i.is_empty()) {
            if let Some(seed) = item.strip_prefix("seed=") {
                plan.seed = number(seed.trim(), "seed")?;
                continue;
            }
            let mut parts = item.split(':').map(str::trim);
            let call = parts.next().unwrap_or("");
            let mut rule = Rule::on(call);
            if let Err(name) = &rule.call {
                return Err(PlanError::new(format!("unknown call \"{name}\"")));
            }
            for part in parts {
                let (key, value) = match part.split_once('=') {
                    Some((k, v)) => (k.trim(), Some(v.trim())),
                    None => (part, None),
                };
                let set_fault = |rule: &mut Rule, fault: Fault| match rule.fault {
                    Some(_) => Err(PlanError::new(format!(
                        "the rule for {call} has two faults"
                    ))),
                    None => {
                        rule.fault = Some(fault);
                        Ok(())
                    }
                };
                match (key, value) {
                    ("fail", Some(name)) => set_fault(&mut rule, fault_by_name(name)?)?,
                    ("short", Some(n)) => set_fault(&mut rule, Fault::Short(number(n, key)?))?,
                    ("truncate", Some(n)) => {
                        set_fault(&mut rule, Fault::Truncate(number(n, key)?))?
                    }
                    ("eintr", None) => set_fault(&mut rule, Fault::Eintr)?,
                    ("fd", Some(n)) => rule.fd = Some(number(n, key)?),
                    ("after", Some(n)) => rule.after = number(n, key)?,
                    ("times", Some(n)) => rule.times = Some(number(n, key)?),
                    ("always", None) => rule.times = None,
                    ("p", Some(p)) => {
                        rule.probability = p.parse().map_err(|_| {
                            PlanError::new(format!("p={p}: not a number between 0 and 1"))
                        })?
                    }
                    _ => return Err(PlanError::new(format!("\"{part}\" in the rule for {call}"))),
                }
            }
            rule.check()?;
            plan.rules.push(rule);
        }
        Ok(plan)
    }

    /// Starts the plan: on this thread, or for the process if
    /// [`process_wide`](Plan::process_wide). It runs until the guard is dropped.
    ///
    /// # Errors
    ///
    /// A rule that names no known call, has no fault, a probability outside 0 to 1,
    /// or a fault its call cannot meet (`short` on `connect`); or a plan already
    /// running in the same place (this thread, or the process).
    pub fn start(self) -> Result<FaultGuard, PlanError> {
        let state = self.compile()?;
        if self.process_wide {
            let mut slot = lock_process();
            if slot.is_some() {
                return Err(PlanError::new(
                    "a process-wide plan is already running".into(),
                ));
            }
            *slot = Some(state);
            PROCESS_ON.store(true, Relaxed);
            ACTIVE.fetch_add(1, Relaxed);
        } else {
            let installed = THREAD
                .try_with(|slot| match slot.try_borrow_mut() {
                    Ok(mut slot) if slot.is_none() => {
                        *slot = Some(state);
                        true
                    }
                    _ => false,
                })
                .unwrap_or(false);
            if !installed {
                return Err(PlanError::new(
                    "a plan is already running on this thread".into(),
                ));
            }
            ACTIVE.fetch_add(1, Relaxed);
        }
        Ok(FaultGuard {
            process_wide: self.process_wide,
            _not_send: PhantomData,
        })
    }

    fn compile(&self) -> Result<State, PlanError> {
        let mut rules = Vec::with_capacity(self.rules.len());
        for (i, rule) in self.rules.iter().enumerate() {
            let (call, fault) = rule.check()?;
            rules.push(Live {
                call,
                fd: rule.fd,
                after: rule.after,
                times: rule.times,
                threshold: threshold(rule.probability),
                fault,
                seen: 0,
                rng: SplitMix64(self.seed ^ (i as u64 + 1).wrapping_mul(0xa076_1d64_78bd_642f)),
                owed_retry: false,
            });
        }
        Ok(State { rules, injected: 0 })
    }
}

impl core::str::FromStr for Plan {
    type Err = PlanError;

    fn from_str(s: &str) -> Result<Plan, PlanError> {
        Plan::parse(s)
    }
}

fn number<T: core::str::FromStr>(text: &str, what: &str) -> Result<T, PlanError> {
    text.parse()
        .map_err(|_| PlanError::new(format!("{what}={text}: not a number")))
}

fn fault_by_name(name: &str) -> Result<Fault, PlanError> {
    if name.starts_with("EAI_") {
        if let Some(code) = (-200..=200)
            .map(EaiCode::from_raw)
            .find(|c| c.name() == Some(name))
        {
            if code == crate::EAI_SYSTEM {
                return Err(PlanError::new(
                    "fail=EAI_SYSTEM: name the errno instead (fail=ECONNREFUSED)".into(),
                ));
            }
            return Ok(Fault::FailGai(code));
        }
    } else if name.starts_with('E') {
        if let Some(e) = (1..4096)
            .map(Errno::from_raw)
            .find(|e| e.is_known() && e.name() == name)
        {
            return Ok(Fault::Fail(e));
        }
    } else {
        #[cfg(have_reentrant_netdb)]
        if let Some(err) = (-1..=16)
            .map(HError::from_raw)
            .find(|h| h.name() == Some(name))
        {
            return Ok(Fault::FailH(err));
        }
    }
    Err(PlanError::new(format!("fail={name}: no such error name")))
}

/// Why a plan could not start or parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanError {
    why: String,
}

impl PlanError {
    fn new(why: String) -> PlanError {
        PlanError { why }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.why)
    }
}

impl std::error::Error for PlanError {}

/// A running plan: dropping it ends the plan.
///
/// Not `Send`: a per-thread plan belongs to the thread that started it, so its guard
/// stays there.
#[must_use = "the plan ends when the guard is dropped"]
#[derive(Debug)]
pub struct FaultGuard {
    process_wide: bool,
    _not_send: PhantomData<*const ()>,
}

impl FaultGuard {
    /// How many calls this plan has hit so far.
    pub fn injected(&self) -> u64 {
        if self.process_wide {
            lock_process().as_ref().map_or(0, |s| s.injected)
        } else {
            THREAD
                .try_with(|slot| {
                    slot.try_borrow()
                        .ok()
                        .and_then(|s| s.as_ref().map(|s| s.injected))
                })
                .ok()
                .flatten()
                .unwrap_or(0)
        }
    }

    /// Ends the plan now (as dropping the guard does).
    pub fn end(self) {}
}

impl Drop for FaultGuard {
    fn drop(&mut self) {
        let ended = if self.process_wide {
            let mut slot = lock_process();
            PROCESS_ON.store(false, Relaxed);
            slot.take()
        } else {
            THREAD
                .try_with(|slot| slot.try_borrow_mut().ok().and_then(|mut s| s.take()))
                .ok()
                .flatten()
        };
        if ended.is_some() {
            ACTIVE.fetch_sub(1, Relaxed);
        }
        let _ = MARK.try_with(|m| m.set(NO_MARK));
    }
}

/// A rule as it runs.
struct Live {
    call: Call,
    fd: Option<RawFd>,
    after: u64,
    times: Option<u64>,
    /// Fires when a draw is below this; `None`: always (probability 1).
    threshold: Option<u64>,
    fault: Fault,
    seen: u64,
    rng: SplitMix64,
    owed_retry: bool,
}

struct State {
    rules: Vec<Live>,
    injected: u64,
}

/// `None` for probability 1 (no draw); else the draw's bound.
fn threshold(p: f64) -> Option<u64> {
    if p >= 1.0 {
        None
    } else {
        // p in [0, 1): p * 2^64 fits in a u64.
        Some((p * 18_446_744_073_709_551_616.0) as u64)
    }
}

/// Steele, Lea and Flood's SplitMix64: small, fast and good enough to pick faults.
#[derive(Clone, Copy)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl State {
    fn decide(&mut self, call: Call, fd: Option<BorrowedFd<'_>>) -> Option<Fault> {
        let number = fd.map(|fd| fd.as_raw_fd());
        let mut stream: Option<bool> = None;
        let mut decided = None;
        for rule in &mut self.rules {
            if rule.call != call || (rule.fd.is_some() && rule.fd != number) {
                continue;
            }
            if matches!(rule.fault, Fault::Short(_))
                && matches!(call.kind(), Kind::Read | Kind::Write)
            {
                let is_stream = *stream.get_or_insert_with(|| fd.is_some_and(is_stream));
                if !is_stream {
                    continue;
                }
            }
            if rule.owed_retry {
                rule.owed_retry = false;
                continue;
            }
            rule.seen += 1;
            if decided.is_some() || rule.seen <= rule.after || rule.times == Some(0) {
                continue;
            }
            if let Some(bound) = rule.threshold {
                if rule.rng.next() >= bound {
                    continue;
                }
            }
            if let Some(m) = &mut rule.times {
                *m -= 1;
            }
            if rule.fault == Fault::Eintr {
                rule.owed_retry = true;
            }
            decided = Some(rule.fault);
        }
        if decided.is_some() {
            self.injected += 1;
        }
        decided
    }
}

fn is_stream(fd: BorrowedFd<'_>) -> bool {
    matches!(
        crate::raw::getsockopt::<c_int>(fd, crate::sys::SOL_SOCKET, crate::sys::SO_TYPE),
        Ok((ty, _)) if ty == crate::sys::SOCK_STREAM
    )
}

/// How many plans run (thread plans and the process plan), plus one while
/// `SOCKAPI_FAULTS` is unread on targets that read it at the first call: the one
/// load each call makes.
#[cfg(have_init_array)]
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
#[cfg(not(have_init_array))]
static ACTIVE: AtomicUsize = AtomicUsize::new(1);
#[cfg(not(have_init_array))]
static ENV_READ: std::sync::Once = std::sync::Once::new();

static PROCESS: Mutex<Option<State>> = Mutex::new(None);
/// Whether `PROCESS` holds a plan: the other threads' calls skip its lock without.
static PROCESS_ON: AtomicBool = AtomicBool::new(false);

/// A thread's plan. A thread that ends with its plan still running (its guard
/// forgotten, or kept somewhere that outlives this slot) gives its count in `ACTIVE`
/// back here, so that the other threads' calls go back to the one load.
struct Slot(RefCell<Option<State>>);

impl core::ops::Deref for Slot {
    type Target = RefCell<Option<State>>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if self.0.get_mut().take().is_some() {
            ACTIVE.fetch_sub(1, Relaxed);
        }
    }
}

std::thread_local! {
    static THREAD: Slot = const { Slot(RefCell::new(None)) };
    /// The mark the next trace line on this thread ends with.
    static MARK: Cell<u8> = const { Cell::new(NO_MARK) };
}

const NO_MARK: u8 = 0;
const MARK_FAIL: u8 = 1;
const MARK_SHORT: u8 = 2;
const MARK_TRUNCATE: u8 = 3;

fn lock_process() -> std::sync::MutexGuard<'static, Option<State>> {
    // A panic elsewhere while holding the lock leaves a plan that is still whole.
    PROCESS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether any plan may run: the check on every call's path, one load and one
/// branch. Only when it says yes does a call look for its fault, out of line (so
/// that the call's own code stays as small, and as inlined, as without the feature).
#[inline(always)]
pub(crate) fn armed() -> bool {
    ACTIVE.load(Relaxed) != 0
}

/// The errno an injected failure of an `Errno` call returns, if the plan fails it.
#[inline(always)]
pub(crate) fn errno_for(call: Call, fd: Option<BorrowedFd<'_>>) -> Option<Errno> {
    if !armed() {
        return None;
    }
    errno_slow(call, fd)
}

#[cold]
#[inline(never)]
fn errno_slow(call: Call, fd: Option<BorrowedFd<'_>>) -> Option<Errno> {
    check(call, fd).and_then(errno_of)
}

/// The fault, if any, for this call (after [`armed`] said yes).
#[cold]
#[inline(never)]
pub(crate) fn check(call: Call, fd: Option<BorrowedFd<'_>>) -> Option<Fault> {
    #[cfg(not(have_init_array))]
    ENV_READ.call_once(|| {
        read_environment();
        ACTIVE.fetch_sub(1, Relaxed);
    });
    let _ = MARK.try_with(|m| m.set(NO_MARK));
    let own = THREAD
        .try_with(|slot| match slot.try_borrow_mut() {
            Ok(mut slot) => slot.as_mut().map(|state| state.decide(call, fd)),
            Err(_) => Some(None),
        })
        .ok()
        .flatten();
    let fault = match own {
        Some(fault) => fault,
        None if PROCESS_ON.load(Relaxed) => {
            lock_process().as_mut().and_then(|s| s.decide(call, fd))
        }
        None => None,
    }?;
    if crate::trace::enabled() {
        let mark = match fault {
            Fault::Short(_) => MARK_SHORT,
            Fault::Truncate(_) => MARK_TRUNCATE,
            _ => MARK_FAIL,
        };
        let _ = MARK.try_with(|m| m.set(mark));
    }
    Some(fault)
}

/// The mark for the trace line being written, taken (so it marks one line).
pub(crate) fn take_mark() -> Option<&'static str> {
    match MARK.try_with(|m| m.replace(NO_MARK)).unwrap_or(NO_MARK) {
        MARK_FAIL => Some(" (injected)"),
        MARK_SHORT => Some(" (injected: short)"),
        MARK_TRUNCATE => Some(" (injected: truncate)"),
        _ => None,
    }
}

/// The errno an injected failure of an `Errno` call returns.
#[inline]
pub(crate) fn errno_of(fault: Fault) -> Option<Errno> {
    match fault {
        Fault::Fail(e) => Some(e),
        Fault::Eintr => Some(Errno::EINTR),
        _ => None,
    }
}

/// The error an injected failure of `getaddrinfo`/`getnameinfo` returns.
pub(crate) fn gai_of(fault: Fault) -> Option<crate::GaiError> {
    match fault {
        Fault::FailGai(code) => Some(crate::GaiError::new(code)),
        Fault::Fail(e) => Some(crate::GaiError::system(e)),
        _ => None,
    }
}

/// The error an injected failure of `gethostbyname`/`gethostbyaddr` returns.
#[cfg(have_reentrant_netdb)]
pub(crate) fn h_of(fault: Fault) -> Option<HError> {
    match fault {
        Fault::FailH(err) => Some(err),
        Fault::Fail(e) => Some(HError::internal(e)),
        _ => None,
    }
}

/// What a read or write call of `len` (bytes, or messages for the batch calls) does
/// under `fault`: `Ok(n)`, the real call with `n` instead (a short or truncated one),
/// or `Err(errno)`, an injected failure with no call. (`Plan::start` lets no other
/// fault reach these calls; one that did would fail as `EINVAL`.)
#[inline]
pub(crate) fn io_limit(fault: Fault, len: usize) -> Result<usize, Errno> {
    match fault {
        Fault::Short(n) | Fault::Truncate(n) => Ok(n.min(len)),
        fault => Err(errno_of(fault).unwrap_or(Errno::EINVAL)),
    }
}

/// Reads `SOCKAPI_FAULTS` and starts its plan process-wide; a value that does not
/// parse says so in one line and starts nothing.
pub(crate) fn read_environment() {
    let plan = crate::raw::getenv_with(c"SOCKAPI_FAULTS", |value| {
        let value = value?;
        Some(match core::str::from_utf8(value) {
            Ok(text) => Plan::parse(text),
            Err(_) => Err(PlanError::new("not UTF-8".into())),
        })
    });
    let result = match plan {
        None => return,
        Some(Ok(plan)) if plan.rules.is_empty() => return,
        Some(Ok(plan)) => plan.process_wide().start().map(core::mem::forget),
        Some(Err(e)) => Err(e),
    };
    if let Err(e) = result {
        use std::io::Write as _;
        let line = format!("sockapi: SOCKAPI_FAULTS ignored: {e}\n");
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}
