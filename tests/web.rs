//! Component tests in a real browser (wasm-bindgen-test in headless Chromium): views rendered
//! from real engine states, and the editor wired to kubectl apply.
#![cfg(target_arch = "wasm32")]

use kubelab_engine::Engine;
use kubelab_kubectl::apply_manifest;
use kubelab_web::components::cluster_map::{ClusterMap, ClusterMapProps};
use kubelab_web::model::ClusterView;
use kubelab_web::session::{Replay, Save, Session, TextFiles};
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

fn map_props(engine: &Engine) -> ClusterMapProps {
    ClusterMapProps {
        cluster: ClusterView::from_engine(engine),
        selected: None,
        on_select: Default::default(),
        flow: None,
        lit: Default::default(),
    }
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
    let props = map_props(&engine);
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
    let manifest =
        SAMPLE_MANIFEST.replace("      containers:", "      nodeSelector:\n        disk: ssd\n      containers:");
    let engine = engine_after(&manifest, 10_000);
    let div = root();
    let props = map_props(&engine);
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
    let handle = yew::Renderer::<App>::with_root_and_props(
        div.clone(),
        AppProps { seed: 5, seed_requested: false, save_key: None, shared: None, presenter: false },
    )
    .render();
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
    let props = map_props(&engine);
    let handle = yew::Renderer::<ClusterMap>::with_root_and_props(div.clone(), props).render();
    settle().await;

    let node = one(&div, "[data-testid='node-node-2']");
    assert_eq!(node.get_attribute("data-status").as_deref(), Some("NotReady"));
    assert!(node.text_content().unwrap_or_default().contains("NotReady"), "the state is written, not only hatched");
    assert_eq!(one(&div, "[data-testid='node-node-1']").get_attribute("data-status").as_deref(), Some("Ready"));
    handle.destroy();
}

// ------------------------------------------------------------------ console, journal, save

/// A key of its own per test: the tests share the browser's localStorage.
fn fresh_key(name: &str) -> String {
    let key = format!("kubelab.test.{name}.{}", js_sys_now());
    storage().remove_item(&key).expect("remove");
    key
}

fn js_sys_now() -> u64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| (p.now() * 1000.0) as u64).unwrap_or(0)
}

fn storage() -> web_sys::Storage {
    web_sys::window().expect("window").local_storage().expect("storage").expect("localStorage")
}

fn render_saved_app(key: &str, seed: u64) -> (Element, yew::AppHandle<App>) {
    let div = root();
    let props = AppProps {
        seed,
        seed_requested: false,
        save_key: Some(key.to_string().into()),
        shared: None,
        presenter: false,
    };
    let handle = yew::Renderer::<App>::with_root_and_props(div.clone(), props).render();
    (div, handle)
}

/// Types a line into the console and presses Enter.
async fn console_run(div: &Element, line: &str) {
    let input: web_sys::HtmlInputElement = one(div, "[data-testid='console-input']").dyn_into().expect("an input");
    input.set_value(line);
    let init = EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&Event::new_with_event_init_dict("input", &init).expect("input event")).expect("dispatch");
    settle().await;
    let key = KeyboardEventInit::new();
    key.set_key("Enter");
    key.set_bubbles(true);
    key.set_cancelable(true);
    let printed = || one(div, "[data-testid='console-output']").get_attribute("data-printed");
    let before = printed();
    input
        .dispatch_event(&KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &key).expect("keydown"))
        .expect("dispatch");
    settle().await;
    // The command's echo is printed when it runs (on a busy machine, after this task), and
    // `lab advance` runs over the next ticks, with the prompt disabled meanwhile.
    assert!(eventually(20, || printed() != before).await, "the command was echoed");
    assert!(eventually(20, || !input.read_only()).await, "the command finished");
}

fn console_text(div: &Element) -> String {
    one(div, "[data-testid='console-output']").text_content().unwrap_or_default()
}

fn pod_names(div: &Element) -> Vec<String> {
    let mut names: Vec<String> = all(div, "[data-testid^='pod-web-']").iter().map(testid).collect();
    names.sort();
    names
}

/// Polls (in real time) until `ok` holds, for at most `secs` seconds.
async fn eventually(secs: u64, mut ok: impl FnMut() -> bool) -> bool {
    for _ in 0..secs * 20 {
        if ok() {
            return true;
        }
        yew::platform::time::sleep(Duration::from_millis(50)).await;
    }
    ok()
}

#[wasm_bindgen_test]
async fn console_runs_kubectl_get_nodes_and_prints_the_table() {
    let (div, handle) = render_app();
    settle().await;
    console_run(&div, "kubectl get nodes").await;

    let out = one(&div, "[data-testid='console-output']");
    let cmds: Vec<String> = all(&out, ".cmd").iter().map(|e| e.text_content().unwrap_or_default()).collect();
    assert_eq!(cmds, ["$ kubectl get nodes\n"]);
    let rows: Vec<String> = all(&out, ".stdout").iter().map(|e| e.text_content().unwrap_or_default()).collect();
    assert_eq!(rows.len(), 5, "a header and four nodes: {rows:?}");
    let header: Vec<&str> = rows[0].split_whitespace().collect();
    assert_eq!(header, ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]);
    assert!(rows[2].starts_with("node-1 ") && rows[2].contains(" Ready "), "{rows:?}");
    assert!(all(&out, ".stderr").is_empty());

    console_run(&div, "kubectl get nodx").await;
    let stderr = all(&out, ".stderr");
    assert_eq!(stderr.len(), 1, "a mistyped resource is reported on stderr");
    assert!(stderr[0].text_content().unwrap_or_default().contains("doesn't have a resource type \"nodx\""));
    let input: web_sys::HtmlInputElement = one(&div, "[data-testid='console-input']").dyn_into().expect("input");
    assert_eq!(input.value(), "", "the prompt is cleared for the next command");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn pasting_several_lines_runs_each_command_in_turn() {
    let (div, handle) = render_app();
    settle().await;
    let input = one(&div, "[data-testid='console-input']");
    let data = web_sys::DataTransfer::new().expect("DataTransfer");
    data.set_data("text", "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pasted\nEOF\nkubectl get configmap pasted\n").expect("set data");
    let init = web_sys::ClipboardEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_clipboard_data(Some(&data));
    let paste = web_sys::ClipboardEvent::new_with_event_init_dict("paste", &init).expect("paste");
    input.dispatch_event(&paste).expect("dispatch");
    settle().await;

    assert!(paste.default_prevented(), "the lines run instead of landing in the one-line prompt");
    let text = console_text(&div);
    assert!(text.contains("$ kubectl apply -f - <<EOF\napiVersion: v1"), "the heredoc is echoed as written: {text}");
    assert!(text.contains("configmap/pasted created\n$ kubectl get configmap pasted\nNAME"), "{text}");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn arrow_up_recalls_earlier_commands() {
    let (div, handle) = render_app();
    settle().await;
    console_run(&div, "kubectl get nodes").await;
    console_run(&div, "lab help").await;
    let input: web_sys::HtmlInputElement = one(&div, "[data-testid='console-input']").dyn_into().expect("input");
    let press = |key: &str| {
        let init = KeyboardEventInit::new();
        init.set_key(key);
        init.set_bubbles(true);
        init.set_cancelable(true);
        input
            .dispatch_event(&KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("keydown"))
            .expect("dispatch");
    };
    press("ArrowUp");
    settle().await;
    assert_eq!(input.value(), "lab help");
    press("ArrowUp");
    settle().await;
    assert_eq!(input.value(), "kubectl get nodes");
    press("ArrowDown");
    settle().await;
    press("ArrowDown");
    settle().await;
    assert_eq!(input.value(), "", "back at the empty prompt");
    handle.destroy();
}

/// The engine is deterministic on wasm32 too: a journal replayed from its JSON gives the
/// same cluster, object for object.
#[wasm_bindgen_test]
fn journal_save_and_replay_round_trip_gives_the_same_snapshot() {
    let files = [("manifest.yaml".to_string(), SAMPLE_MANIFEST.to_string())];
    let mut s = Session::new(77);
    s.run_text("kubectl apply -f manifest.yaml\nkubectl expose deployment web --port 80", &TextFiles(&files))
        .expect("parses");
    s.advance(20_000, &mut || false);
    s.run_text("kubectl scale deployment web --replicas=5\nlab load start web --rps 4", &TextFiles(&files))
        .expect("parses");
    s.advance(15_000, &mut || false);
    s.run_text("lab node kill node-1", &TextFiles(&files)).expect("parses");
    s.advance(70_000, &mut || false);
    let save = Save {
        seed: 77,
        now: s.engine().now().0,
        journal: s.journal().to_vec(),
        tabs: kubelab_web::tabs::Tabs::new(""),
        history: Vec::new(),
        speed: 5,
    };

    let restored = Save::from_json(&save.to_json()).expect("reads back");
    let mut replay = Replay::new(&restored);
    replay.work(&mut || false).expect("no time limit");
    let replayed = replay.finish();
    assert_eq!(replayed.engine().snapshot(), s.engine().snapshot());
    assert_eq!(replayed.engine().load().map(|l| &l.stats), s.engine().load().map(|l| &l.stats));
    assert!(s.engine().snapshot().pods.iter().filter(|p| p.ready).count() >= 3, "a busy cluster, not an empty one");
}

#[wasm_bindgen_test]
async fn reloaded_page_restores_the_saved_cluster() {
    let key = fresh_key("reload");
    let (div, handle) = render_saved_app(&key, 31);
    settle().await;
    console_run(&div, "kubectl apply -f manifest.yaml").await;
    console_run(&div, "lab advance 30s").await;
    let before = pod_names(&div);
    assert_eq!(before.len(), 3);
    let saved = storage().get_item(&key).expect("get").expect("the lab was saved");
    assert!(saved.contains("kubectl apply -f manifest.yaml"), "{saved}");
    handle.destroy();

    // Another seed in the props: the saved one wins, as after a reload without ?seed=.
    let (div, handle) = render_saved_app(&key, 99);
    settle().await;
    assert!(eventually(10, || console_text(&div).contains("Restored your lab")).await, "{}", console_text(&div));
    assert_eq!(pod_names(&div), before, "the same pods, by name: the same cluster");
    assert!(sim_ms(&div) >= 30_000);
    assert!(all(&div, "[data-testid='notice']").is_empty());
    handle.destroy();
    storage().remove_item(&key).expect("remove");
}

#[wasm_bindgen_test]
async fn corrupt_save_gives_a_notice_and_a_fresh_cluster() {
    let key = fresh_key("corrupt");
    storage().set_item(&key, "{\"version\":1,\"seed\":3,\"journal\":[{\"t\":").expect("set");
    let (div, handle) = render_saved_app(&key, 4);
    settle().await;
    let notice = one(&div, "[data-testid='notice']");
    assert_eq!(notice.get_attribute("role").as_deref(), Some("alert"));
    let text = notice.text_content().unwrap_or_default();
    assert!(text.contains("could not be read") && text.contains("fresh cluster"), "{text}");
    assert_eq!(all(&div, "[data-testid^='node-'][data-status='Ready']").len(), 4, "the fresh cluster is drawn");
    assert!(all(&div, "[data-testid^='pod-']").is_empty());
    assert!(
        storage().get_item(&format!("{key}.unreadable")).expect("get").is_some(),
        "the unreadable save is kept aside"
    );
    handle.destroy();

    storage().set_item(&key, "{\"version\":0,\"seed\":3}").expect("set");
    let (div, handle) = render_saved_app(&key, 4);
    settle().await;
    let text = one(&div, "[data-testid='notice']").text_content().unwrap_or_default();
    assert!(text.contains("another version of kubelab"), "{text}");
    handle.destroy();
    storage().remove_item(&key).expect("remove");
    storage().remove_item(&format!("{key}.unreadable")).expect("remove");
}

#[wasm_bindgen_test]
async fn scale_buttons_run_kubectl_scale_through_the_console() {
    let (div, handle) = render_app();
    settle().await;
    console_run(&div, "kubectl apply -f manifest.yaml").await;
    one(&div, "[data-testid='scale-up-web']").dyn_into::<HtmlElement>().expect("button").click();
    settle().await;
    assert!(
        console_text(&div).contains("$ kubectl scale deployment/web --replicas=4\ndeployment.apps/web scaled"),
        "{}",
        console_text(&div)
    );
    assert_eq!(all(&div, "[data-testid^='pod-web-']").len(), 4);
    assert_eq!(one(&div, "[data-testid='deploy-web']").get_attribute("data-replicas").as_deref(), Some("4"));
    handle.destroy();
}

fn click(e: &Element) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    e.dispatch_event(&web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).expect("click"))
        .expect("dispatch");
}

#[wasm_bindgen_test]
async fn step_runs_lab_advance_to_the_next_scheduled_event() {
    let (div, handle) = render_app();
    settle().await;
    click(&one(&div, "[data-testid='pause-button']"));
    settle().await;
    console_run(&div, "kubectl apply -f manifest.yaml").await;
    let before = sim_ms(&div);
    click(&one(&div, "[data-testid='step-button']"));
    settle().await;
    assert!(eventually(5, || console_text(&div).contains("simulated time is now")).await, "{}", console_text(&div));
    let text = console_text(&div);
    let step =
        text.lines().rev().find(|l| l.starts_with("$ lab advance ")).unwrap_or_else(|| panic!("no step in {text}"));
    assert!(sim_ms(&div) > before, "the clock moved to the next event ({step})");
    assert!(
        text.ends_with(&format!("simulated time is now {}\n", kubelab_engine::duration::format_clock(sim_ms(&div)))),
        "{text}"
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn ctrl_l_clears_the_console() {
    let (div, handle) = render_app();
    settle().await;
    console_run(&div, "kubectl get nodes").await;
    assert!(console_text(&div).contains("node-1"));
    let input = one(&div, "[data-testid='console-input']");
    let init = KeyboardEventInit::new();
    init.set_key("l");
    init.set_ctrl_key(true);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let key = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("keydown");
    input.dispatch_event(&key).expect("dispatch");
    settle().await;
    assert!(key.default_prevented(), "the browser's own Ctrl-L is not run");
    assert!(!console_text(&div).contains("node-1"), "{}", console_text(&div));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn choosing_a_pod_shows_kubectl_describe_and_its_logs() {
    let (div, handle) = render_app();
    settle().await;
    console_run(&div, "kubectl apply -f manifest.yaml").await;
    console_run(&div, "lab advance 30s").await;
    let chip = all(&div, "[data-testid^='pod-web-']").into_iter().next().expect("a pod");
    let name = testid(&chip).trim_start_matches("pod-").to_string();
    click(&chip);
    settle().await;

    let inspector = one(&div, "[data-testid='inspector']");
    assert_eq!(inspector.get_attribute("data-name").as_deref(), Some(name.as_str()));
    let describe = one(&inspector, "[data-testid='inspector-describe']").text_content().unwrap_or_default();
    assert!(describe.starts_with("Name:") && describe.contains(&name), "{describe}");
    assert!(describe.contains("Status:") && describe.contains("Running"), "{describe}");
    assert_eq!(all(&inspector, "[data-testid='inspector-logs']").len(), 1, "one container, one log");
    assert_eq!(chip.get_attribute("aria-pressed").as_deref(), Some("true"), "the chosen pod is marked");

    click(&one(&inspector, "[data-testid='action-pod-delete']"));
    settle().await;
    assert!(
        console_text(&div).contains(&format!("$ kubectl delete pod {name} --wait=false\npod \"{name}\" deleted")),
        "{}",
        console_text(&div)
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_restore_that_stopped_the_page_is_not_tried_again() {
    let key = fresh_key("crashed");
    let save = Save {
        seed: 3,
        now: 1_000,
        journal: vec![kubelab_web::session::Entry {
            t: 0,
            command: "kubectl apply -f manifest.yaml".into(),
            files: vec![("manifest.yaml".into(), SAMPLE_MANIFEST.into())],
        }],
        tabs: kubelab_web::tabs::Tabs::new(""),
        history: Vec::new(),
        speed: 1,
    };
    storage().set_item(&key, &save.to_json()).expect("set");
    // What a replay that panicked leaves behind.
    storage().set_item(&format!("{key}.replaying"), "1").expect("set");
    let (div, handle) = render_saved_app(&key, 3);
    settle().await;
    let text = one(&div, "[data-testid='notice']").text_content().unwrap_or_default();
    assert!(text.contains("stopped the page last time"), "{text}");
    assert!(all(&div, "[data-testid^='pod-']").is_empty(), "a fresh cluster");
    assert_eq!(storage().get_item(&format!("{key}.replaying")).expect("get"), None);
    assert!(storage()
        .get_item(&format!("{key}.unreadable"))
        .expect("get")
        .is_some_and(|s| s.contains("manifest.yaml")));
    handle.destroy();

    // A good save replays, and clears its marker when done.
    storage().set_item(&key, &save.to_json()).expect("set");
    let (div, handle) = render_saved_app(&key, 3);
    settle().await;
    assert!(eventually(10, || console_text(&div).contains("Restored your lab")).await);
    assert_eq!(all(&div, "[data-testid^='pod-web-']").len(), 3);
    assert_eq!(storage().get_item(&format!("{key}.replaying")).expect("get"), None);
    handle.destroy();
    for k in [key.clone(), format!("{key}.unreadable")] {
        storage().remove_item(&k).expect("remove");
    }
}

#[wasm_bindgen_test]
async fn reset_runs_lab_reset_and_the_saved_journal_starts_again() {
    let key = fresh_key("reset");
    let (div, handle) = render_saved_app(&key, 12);
    settle().await;
    console_run(&div, "kubectl apply -f manifest.yaml").await;
    console_run(&div, "lab time speed 60").await;
    assert_eq!(
        one(&div, "[data-testid='speed-60']").get_attribute("aria-pressed").as_deref(),
        Some("true"),
        "the console runs the page's clock"
    );
    assert_eq!(all(&div, "[data-testid^='pod-web-']").len(), 3);
    click(&one(&div, "[data-testid='reset-button']"));
    settle().await;
    assert!(console_text(&div).contains("$ lab reset\nthe cluster is new again (seed 12)"), "{}", console_text(&div));
    assert!(all(&div, "[data-testid^='pod-']").is_empty());
    let saved = Save::from_json(&storage().get_item(&key).expect("get").expect("saved")).expect("a valid save");
    assert!(saved.journal.is_empty(), "{:?}", saved.journal);
    assert_eq!(saved.speed, 60);
    handle.destroy();
    storage().remove_item(&key).expect("remove");
}
