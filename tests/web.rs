//! Component tests in a real browser (wasm-bindgen-test in headless Chromium): views rendered
//! from real engine states, and the editor wired to kubectl apply.
#![cfg(target_arch = "wasm32")]

use kubelab_engine::Engine;
use kubelab_kubectl::apply_manifest;
use kubelab_web::components::cluster_map::{ClusterMap, ClusterMapProps};
use kubelab_web::model::ClusterView;
use kubelab_web::{App, AppProps, SAMPLE_MANIFEST};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().expect("window").document().expect("document")
}

/// A fresh element on the page to render into.
fn root() -> Element {
    let div = document().create_element("div").expect("div");
    document().body().expect("body").append_child(&div).expect("append");
    div
}

async fn settle() {
    yew::platform::time::sleep(Duration::ZERO).await;
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("selector");
    (0..list.length()).filter_map(|i| list.get(i)?.dyn_into::<Element>().ok()).collect()
}

fn one(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).expect("selector").unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn testid(e: &Element) -> String {
    e.get_attribute("data-testid").unwrap_or_default()
}

fn engine_after(manifest: &str, ms: u64) -> Engine {
    let mut e = Engine::new(11);
    let rep = apply_manifest(&mut e, manifest, "manifest.yaml", "default");
    assert!(rep.output.ok, "{}", rep.output.text());
    e.advance(ms, &mut |_| {});
    e
}

#[wasm_bindgen_test]
async fn cluster_map_draws_three_ready_pods_on_worker_nodes() {
    let engine = engine_after(SAMPLE_MANIFEST, 30_000);
    let div = root();
    let props = ClusterMapProps { cluster: ClusterView::from_engine(&engine) };
    let handle = yew::Renderer::<ClusterMap>::with_root_and_props(div.clone(), props).render();
    settle().await;

    let nodes: Vec<String> = all(&div, "[data-testid^='node-']").iter().map(testid).collect();
    assert_eq!(nodes, ["node-control-plane", "node-node-1", "node-node-2", "node-node-3"]);
    for n in all(&div, "[data-testid^='node-']") {
        assert_eq!(n.get_attribute("data-status").as_deref(), Some("Ready"), "{}", testid(&n));
        assert!(n.text_content().unwrap_or_default().contains("Ready"), "node state is written, not only coloured");
    }

    let chips = all(&div, "[data-testid^='pod-web-']");
    assert_eq!(chips.len(), 3, "one chip per pod of the Deployment");
    for chip in &chips {
        assert_eq!(chip.get_attribute("data-ready").as_deref(), Some("true"), "{}", testid(chip));
        assert_eq!(chip.get_attribute("data-status").as_deref(), Some("Ready"));
        assert!(chip.text_content().unwrap_or_default().contains("Ready"));
        let node = chip.closest("[data-testid^='node-']").expect("closest").expect("a chip sits inside a node box");
        assert_ne!(testid(&node), "node-control-plane", "the control-plane is tainted NoSchedule");
    }
    assert!(one(&div, "[data-testid='pending-area']").text_content().unwrap_or_default().contains("none"));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn cluster_map_shows_pods_no_node_fits_as_pending_unscheduled() {
    let manifest = SAMPLE_MANIFEST.replace("      containers:", "      nodeSelector:\n        disk: ssd\n      containers:");
    let engine = engine_after(&manifest, 10_000);
    let div = root();
    let props = ClusterMapProps { cluster: ClusterView::from_engine(&engine) };
    let handle = yew::Renderer::<ClusterMap>::with_root_and_props(div.clone(), props).render();
    settle().await;

    let pending = one(&div, "[data-testid='pending-area']");
    assert!(pending.text_content().unwrap_or_default().contains("Pending (unscheduled): 3"));
    let chips = all(&pending, "[data-testid^='pod-web-']");
    assert_eq!(chips.len(), 3);
    for chip in &chips {
        assert_eq!(chip.get_attribute("data-status").as_deref(), Some("Pending"));
        assert_eq!(chip.get_attribute("data-ready").as_deref(), Some("false"));
    }
    handle.destroy();
}

fn render_app() -> (Element, yew::AppHandle<App>) {
    let div = root();
    let handle = yew::Renderer::<App>::with_root_and_props(div.clone(), AppProps { seed: 5 }).render();
    (div, handle)
}

fn type_manifest(div: &Element, text: &str) -> HtmlTextAreaElement {
    let editor: HtmlTextAreaElement = one(div, "[data-testid='yaml-editor']").dyn_into().expect("a textarea");
    editor.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    let input = Event::new_with_event_init_dict("input", &init).expect("input event");
    editor.dispatch_event(&input).expect("dispatch");
    editor
}

#[wasm_bindgen_test]
async fn invalid_manifest_shows_the_kubectl_error_and_its_line() {
    let (div, handle) = render_app();
    settle().await;
    assert!(one(&div, "[data-testid='apply-problems']").has_attribute("hidden"), "no problems before any apply");

    type_manifest(&div, &SAMPLE_MANIFEST.replace("replicas: 3", "replcas: 3"));
    settle().await;
    one(&div, "[data-testid='apply-button']").dyn_into::<HtmlElement>().expect("button").click();
    settle().await;

    let output = one(&div, "[data-testid='apply-output']");
    let stderr = all(&output, ".stderr");
    assert_eq!(stderr.len(), 1, "the error is printed on stderr");
    let err = stderr[0].text_content().unwrap_or_default();
    assert!(err.starts_with("Error from server (BadRequest)"), "{err}");
    assert!(err.contains(r#"unknown field "spec.replcas""#), "{err}");

    let problems = one(&div, "[data-testid='apply-problems']");
    assert!(!problems.has_attribute("hidden"));
    let items: Vec<String> = all(&problems, "li").iter().map(|li| li.text_content().unwrap_or_default()).collect();
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(items[0].starts_with("line 6: "), "the typo is on line 6: {items:?}");
    assert!(all(&div, "[data-testid^='pod-']").is_empty(), "nothing was created");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn ctrl_enter_in_the_editor_applies_and_pods_appear() {
    let (div, handle) = render_app();
    settle().await;
    let editor = type_manifest(&div, SAMPLE_MANIFEST);
    settle().await;

    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_ctrl_key(true);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let key = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("keydown");
    editor.dispatch_event(&key).expect("dispatch");
    settle().await;

    let output = one(&div, "[data-testid='apply-output']").text_content().unwrap_or_default();
    assert!(output.contains("deployment.apps/web created"), "{output}");
    assert!(key.default_prevented(), "Ctrl-Enter must not also insert a newline");
    assert_eq!(all(&div, "[data-testid^='pod-web-']").len(), 3, "the ReplicaSet's pods appear at once");
    assert!(one(&div, "[data-testid='sim-clock']").text_content().unwrap_or_default().starts_with("sim time "));
    handle.destroy();
}

fn sim_ms(div: &Element) -> u64 {
    one(div, "[data-testid='sim-clock']").get_attribute("data-ms").and_then(|v| v.parse().ok()).expect("data-ms")
}

#[wasm_bindgen_test]
async fn pause_stops_simulated_time_and_play_resumes_it() {
    let (div, handle) = render_app();
    let button = || one(&div, "[data-testid='pause-button']").dyn_into::<HtmlElement>().expect("button");
    settle().await;
    assert!(button().text_content().unwrap_or_default().contains("Pause"));

    button().click();
    settle().await;
    assert!(button().text_content().unwrap_or_default().contains("Play"), "the button now offers Play");
    let paused_at = sim_ms(&div);
    // Proving that nothing happens takes waiting: several ticks' worth.
    yew::platform::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(sim_ms(&div), paused_at, "no simulated time passes while paused");

    button().click();
    for _ in 0..100 {
        yew::platform::time::sleep(Duration::from_millis(50)).await;
        if sim_ms(&div) > paused_at {
            break;
        }
    }
    assert!(sim_ms(&div) > paused_at, "time runs again after Play");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn node_that_stopped_reporting_is_drawn_not_ready_in_words() {
    let mut engine = Engine::new(11);
    engine.kill_node("node-2").expect("node-2 exists");
    engine.advance(60_000, &mut |_| {});
    let div = root();
    let props = ClusterMapProps { cluster: ClusterView::from_engine(&engine) };
    let handle = yew::Renderer::<ClusterMap>::with_root_and_props(div.clone(), props).render();
    settle().await;

    let node = one(&div, "[data-testid='node-node-2']");
    assert_eq!(node.get_attribute("data-status").as_deref(), Some("NotReady"));
    assert!(node.text_content().unwrap_or_default().contains("NotReady"), "the state is written, not only hatched");
    assert_eq!(one(&div, "[data-testid='node-node-1']").get_attribute("data-status").as_deref(), Some("Ready"));
    handle.destroy();
}
