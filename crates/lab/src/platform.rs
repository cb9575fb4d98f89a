//! What only the host has: somewhere to keep text between visits (the browser's
//! localStorage) and the time now (`performance.now()`). The lab asks for them through this
//! trait and nothing else, so it runs natively in tests against `Memory`.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

pub trait Platform {
    /// The text kept under `key`; None when there is none (or no storage at all).
    fn get(&self, key: &str) -> Option<String>;
    /// Keeps `value` under `key`; false when the host refused (storage full or disabled).
    fn set(&self, key: &str, value: &str) -> bool;
    fn remove(&self, key: &str);
    /// Wall-clock milliseconds from some fixed start; None where there is no clock (then
    /// the lab assumes every tick took its nominal time and no work runs out of time).
    fn now_ms(&self) -> Option<f64>;
}

/// A platform in memory, for tests: storage in a map, and a clock that moves only when told.
#[derive(Default)]
pub struct Memory {
    pub items: RefCell<BTreeMap<String, String>>,
    /// None: no clock.
    pub now: Cell<Option<f64>>,
    /// `set` refuses, as a full localStorage does.
    pub full: Cell<bool>,
}

impl Platform for Memory {
    fn get(&self, key: &str) -> Option<String> {
        self.items.borrow().get(key).cloned()
    }
    fn set(&self, key: &str, value: &str) -> bool {
        if self.full.get() {
            return false;
        }
        self.items.borrow_mut().insert(key.to_string(), value.to_string());
        true
    }
    fn remove(&self, key: &str) {
        self.items.borrow_mut().remove(key);
    }
    fn now_ms(&self) -> Option<f64> {
        self.now.get()
    }
}

/// A deadline `budget_ms` of wall time from now, as the `out_of_time` the engine's sliced
/// work asks: true once passed (never, without a clock).
pub fn deadline(platform: &dyn Platform, budget_ms: f64) -> impl FnMut() -> bool + '_ {
    let at = platform.now_ms().map(|n| n + budget_ms);
    move || match (at, platform.now_ms()) {
        (Some(d), Some(now)) => now >= d,
        _ => false,
    }
}
