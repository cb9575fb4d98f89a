//! The browser as the lab's platform: localStorage for what is kept between visits and
//! `performance.now()` for the time. Off the browser (native tests) there is neither: nothing
//! is read, every write "succeeds", and there is no clock.

use kubelab_lab::platform::Platform;

#[derive(Clone, Copy, Default)]
pub struct Browser;

impl Platform for Browser {
    fn get(&self, key: &str) -> Option<String> {
        #[cfg(target_arch = "wasm32")]
        {
            web_sys::window()?.local_storage().ok()??.get_item(key).ok()?
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = key;
            None
        }
    }

    fn set(&self, key: &str, value: &str) -> bool {
        #[cfg(target_arch = "wasm32")]
        {
            let Some(Ok(Some(s))) = web_sys::window().map(|w| w.local_storage()) else { return false };
            s.set_item(key, value).is_ok()
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = (key, value);
            true
        }
    }

    fn remove(&self, key: &str) {
        #[cfg(target_arch = "wasm32")]
        if let Some(Ok(Some(s))) = web_sys::window().map(|w| w.local_storage()) {
            let _ = s.remove_item(key);
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = key;
    }

    fn now_ms(&self) -> Option<f64> {
        wall_now_ms()
    }
}

/// `performance.now()`; None off the browser.
pub fn wall_now_ms() -> Option<f64> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.performance()).map(|p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}
