//! kubelab's web page: a Yew view of the lab in `kubelab_lab` (the simulated cluster, the
//! console session that changes it, its journal, save and replay, the timeline and lesson
//! progress), which it drives from the DOM's events and draws.
//!
//! **Invariant:** only this crate reads the wall clock, OS randomness or the DOM.
// Each sort on a new element type is another copy of the sort code in the page's wasm:
// kubelab_api::sort shares one (clippy.toml).
#![cfg_attr(not(test), warn(clippy::disallowed_methods))]

pub mod app;
pub mod components;
pub mod highlight;
pub mod model;
pub mod platform;
pub mod presenter;

// The lab's modules under the names the page (and its tests) have always used.
pub use kubelab_lab::{lessons, session, share, tabs, timeline};
pub use kubelab_lab::{SAMPLE_MANIFEST, SAVE_KEY, SPEEDS};

pub use app::{App, AppProps};

/// `?seed=42` in the page's query string.
pub fn seed_from_query(query: &str) -> Option<u64> {
    query.trim_start_matches('?').split('&').find_map(|kv| kv.strip_prefix("seed=")?.parse().ok())
}

/// Boots the page: seed from `?seed=` or the browser's randomness, a panic hook that says
/// so on the page, then the app.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let requested = seed_from_query(&query);
    let seed = requested.unwrap_or_else(random_seed);
    yew::set_custom_panic_hook(Box::new(move |info| report_panic(seed, &info.to_string())));
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let shared = share::from_fragment(&hash).map(|s| yew::AttrValue::from(s.to_string()));
    let presenter = query.trim_start_matches('?').split('&').any(|kv| kv == "present" || kv == "present=1");
    let props =
        AppProps { seed, seed_requested: requested.is_some(), save_key: Some(SAVE_KEY.into()), shared, presenter };
    yew::Renderer::<App>::with_props(props).render();
    if !hash.is_empty() {
        // The link has been read: a reload continues the lab as saved, not the link again.
        if let Some(w) = web_sys::window() {
            let path = format!("{}{}", w.location().pathname().unwrap_or_default(), query);
            let _ = w.history().and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path)));
        }
    }
}

/// A six-digit seed: short enough to read out and type back in.
#[cfg(target_arch = "wasm32")]
fn random_seed() -> u64 {
    let mut b = [0u8; 4];
    match getrandom::getrandom(&mut b) {
        Ok(()) => u32::from_le_bytes(b) as u64 % 1_000_000,
        Err(_) => 1,
    }
}

/// A panic stops the wasm module; say so on the page (as text, never markup) and in the console.
#[cfg(target_arch = "wasm32")]
fn report_panic(seed: u64, message: &str) {
    gloo::console::error!(format!("kubelab stopped (seed {seed}): {message}"));
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let (Ok(div), Some(body)) = (doc.create_element("div"), doc.body()) else { return };
    div.set_class_name("crashed");
    div.set_attribute("role", "alert").ok();
    div.set_text_content(Some(&format!(
        "The lab stopped because of a bug (seed {seed}): {message}. Reload the page to start again."
    )));
    let _ = body.prepend_with_node_1(&div);
}

#[cfg(test)]
mod tests {
    #[test]
    fn seed_is_read_from_the_query_string() {
        assert_eq!(super::seed_from_query("?seed=42"), Some(42));
        assert_eq!(super::seed_from_query("?a=1&seed=7"), Some(7));
        assert_eq!(super::seed_from_query("?seed=x"), None);
        assert_eq!(super::seed_from_query(""), None);
    }
}
