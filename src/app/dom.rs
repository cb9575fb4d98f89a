//! The page's own DOM: listeners for leaving the page and presenter mode's keys, the
//! theme, the page's address, and the explain schema fetched after the page starts.

use super::App;
#[cfg(target_arch = "wasm32")]
use super::Msg;
#[cfg(target_arch = "wasm32")]
use crate::presenter::shortcut;
use kubelab_lab::platform::Platform;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

const THEME_KEY: &str = "kubelab.theme";

impl App {
    pub(super) fn toggle_theme(&mut self) -> bool {
        self.dark = !self.dark;
        set_theme(self.dark);
        self.platform.set(THEME_KEY, if self.dark { "dark" } else { "light" });
        true
    }
}

/// Saves when the page is hidden or left, so the clock's position survives a reload.
pub(super) fn save_on_leave(ctx: &Context<App>) -> Vec<gloo::events::EventListener> {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(window) = web_sys::window() else { return Vec::new() };
        let mut out = Vec::new();
        let link = ctx.link().clone();
        out.push(gloo::events::EventListener::new(&window, "pagehide", move |_| link.send_message(Msg::SaveNow)));
        if let Some(doc) = window.document() {
            let link = ctx.link().clone();
            out.push(gloo::events::EventListener::new(&doc, "visibilitychange", move |_| {
                link.send_message(Msg::SaveNow)
            }));
        }
        out
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = ctx;
        Vec::new()
    }
}

/// Presenter mode's keys: listened to on the document, ignored while typing in a field or
/// with a modifier held, and only while presenter mode is on.
pub(super) fn presenter_keys(ctx: &Context<App>, on: Rc<Cell<bool>>) -> Vec<gloo::events::EventListener> {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return Vec::new() };
        let link = ctx.link().clone();
        let options = gloo::events::EventListenerOptions::enable_prevent_default();
        vec![gloo::events::EventListener::new_with_options(&doc, "keydown", options, move |e| {
            let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
            if !on.get() || e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let typing = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || el.tag_name() == "BUTTON" && (e.key() == " " || e.key() == "Enter")
            });
            // Esc leaves the console (or the script): the shortcuts work again.
            if typing && e.key() == "Escape" {
                if let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = el.blur();
                }
                return;
            }
            if typing || shortcut(&e.key()).is_none() {
                return;
            }
            e.prevent_default();
            link.send_message(Msg::Key(e.key()));
        })]
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (ctx, on);
        Vec::new()
    }
}

/// The theme saved in this browser, else the system's preference.
pub(super) fn initial_dark() -> bool {
    match crate::platform::Browser.get(THEME_KEY).as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => {
            #[cfg(target_arch = "wasm32")]
            {
                web_sys::window()
                    .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                    .is_some_and(|m| m.matches())
            }
            #[cfg(not(target_arch = "wasm32"))]
            false
        }
    }
}

/// `data-theme` on the root element, which the stylesheet's variables follow.
pub(super) fn set_theme(dark: bool) {
    #[cfg(target_arch = "wasm32")]
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = dark;
}

/// The page's address without its fragment (for share links).
pub(super) fn page_address() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(w) = web_sys::window() else { return String::new() };
        let l = w.location();
        format!(
            "{}{}{}",
            l.origin().unwrap_or_default(),
            l.pathname().unwrap_or_default(),
            l.search().unwrap_or_default()
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    String::new()
}

/// The text at `url` (relative to the page), or why not in words.
async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str(url)).await.map_err(|_| format!("{url} could not be fetched"))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response".to_string())?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(|_| "no body".to_string())?)
        .await
        .map_err(|_| format!("{url} could not be read"))?;
    Ok(text.as_string().unwrap_or_default())
}

/// Fetches `kubectl explain`'s schema after the page has started: it is the largest piece of
/// data the lab has and only explain needs it, so it stays out of the wasm that the first
/// paint waits for.
pub(super) fn fetch_explain_schema() {
    yew::platform::spawn_local(async {
        let result = fetch_text("explain-v1.31.json").await;
        if let Err(e) = result.and_then(|text| kubelab_kubectl::explain::load_schema(&text)) {
            kubelab_kubectl::explain::schema_failed(&e);
        }
    });
}

/// Fetches the lessons (one file, `kubelab_lessons::bundle_url`) after the page has started,
/// as the schema: the lesson panel says "Loading the lessons…" until they are here. The
/// service worker keeps the file with the rest of the build, so they load offline too.
#[cfg(target_arch = "wasm32")]
pub(super) fn fetch_lessons(link: yew::html::Scope<super::App>) {
    yew::platform::spawn_local(async move {
        let result = fetch_text(&kubelab_lessons::bundle_url())
            .await
            .and_then(|text| kubelab_lessons::from_bundle(&text).map_err(|e| e.to_string()));
        link.send_message(super::Msg::LessonsLoaded(result));
    });
}

/// The skip link: focus goes to the console's input (a fragment link alone only scrolls).
pub(super) fn focus_console(e: MouseEvent) {
    e.prevent_default();
    let input = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("console-input"))
        .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok());
    if let Some(input) = input {
        let _ = input.focus();
    }
}
