//! The page's drawing: the components, given what the lab holds now (or held at the moment
//! the timeline looks back at, or has rebuilt so far while a save replays).

use super::{App, Msg};
use crate::components::{
    scaling_charts, ApplyOutput, ClusterMap, Console, ControlPlane, DemoPanel, EventsFeed, Inspector, LanMap,
    LessonPanel, OwnerLegend, SimClock, Timeline, TrafficPanel, Workloads, YamlEditor,
};
use crate::lessons::find;
use crate::model::{
    deployments, format_sim_time, load_targets, ClusterView, FlowView, InspectorView, LanView, TrafficView,
};
use kubelab_engine::duration::format_clock;
use kubelab_lab::lab::Restoring;
use kubelab_lab::platform::Platform;
use std::rc::Rc;
use yew::prelude::*;

/// A request takes at least this long (wall time) to cross the map, so even a 2 ms answer
/// is seen travelling.
const DOT_WALL_MS: u64 = 700;

impl App {
    pub(super) fn render(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        // While a saved lab is restored, its cluster is drawn as it catches up.
        // Looking back: the cluster as it was then (while it is rebuilt, what was shown before).
        let looking_back = self.lab.past.as_ref().and_then(|p| p.engine.as_ref());
        let engine = match (&self.lab.restoring, looking_back) {
            (Some(r), _) => r.replay.engine(),
            (None, Some(e)) => e,
            (None, None) => self.lab.session.engine(),
        };
        let cluster = ClusterView::from_engine_cached(engine, &self.pod_views);
        let lan = LanView::from_engine(engine);
        let owners = cluster.owners();
        // A VM-era lesson is about the machines: the Kubernetes cluster waits for part 2.
        let vm_lesson = self
            .progress
            .open
            .as_ref()
            .and_then(|o| find(&self.lessons, &o.lesson))
            .is_some_and(|l| l.era == kubelab_lessons::Era::Vm);
        let open_lesson = self.progress.open.is_some();
        // The lab in its VM-era state (the LAN up, Kubernetes not used yet) shows the machines.
        let kubectl_used = self.lab.session.journal().iter().any(|e| e.command.trim_start().starts_with("kubectl"));
        let vm_view = vm_lesson || (!open_lesson && lan.is_up() && !kubectl_used);
        let targets = load_targets(engine);
        // The VM era's tools: the traffic panel once a machine publishes a port.
        let side = !vm_view || !targets.is_empty() || engine.load().is_some();
        let editor_open = !open_lesson || self.editor_drawer || self.lab.editing.is_some();
        let wall = self.platform.now_ms().unwrap_or(0.0);
        let lit = self.lights.1.map(|u| wall < u);
        let title =
            if vm_view { "2. Watch the machines: the LAN before Kubernetes".to_string() } else { map_title(&cluster) };
        let seed = self.lab.session.seed();
        let busy = self.busy();
        let status = if self.lab.restoring.is_some() {
            Some("restoring…".to_string())
        } else {
            self.lab.advancing.map(|(_, ms)| format!("lab advance {}…", format_clock(ms)))
        };
        let on_command = self.on_command.clone();
        let on_select = self.on_select.clone();
        let inspector = self.selected.as_ref().map(|s| InspectorView::of(engine, s));
        // The Why is the live cluster's (while a save replays, what is rebuilt so far), so its
        // steps stay put while the timeline goes back to one of them.
        let live = if self.lab.restoring.is_some() { engine } else { self.lab.session.engine() };
        let why = self.selected.as_ref().filter(|_| !vm_view).and_then(|s| self.why.get(live, s));
        let hovered = self.why_hover.and_then(|id| why.as_ref()?.steps.iter().find(|s| s.id == id).cloned());
        let lit_map = hovered.as_ref().map_or_else(|| self.blast.lit.clone(), |s| s.lit.clone());
        let why_status = match (&hovered, self.blast.summary()) {
            (Some(s), _) => Some(format!("◆ marks what this step wrote ({}, at {}).", s.who, s.time)),
            (None, Some(summary)) => Some(format!("◆ {summary}")),
            _ => None,
        };
        let reached = self.lab.clock.lagging();
        let deploys = deployments(engine);
        let traffic = TrafficView::from_engine(engine);
        // An HPA at work: its chart and the requests chart side by side over the map (the
        // first Deployment an HPA scales, in namespace and name order).
        let scaled = deploys.iter().find(|d| d.hpa.is_some()).filter(|_| !vm_view).cloned();
        html! {
            <div class={classes!("app", self.presenter.then_some("presenter"))} data-testid="app" data-presenter={self.presenter.to_string()}
                 onkeydown={link.batch_callback(|e: KeyboardEvent| (e.key() == "Escape").then_some(Msg::Cause(None)))}>
                <a class="skip-link" href="#console-input" data-testid="skip-link" onclick={Callback::from(super::dom::focus_console)}>{ "Skip to the console" }</a>
                <header class="top">
                    <div class="brand">
                        <h1>{ "kubelab" }</h1>
                        <p class="tagline">{ "A simulated Kubernetes cluster, running in your browser." }</p>
                    </div>
                    <SimClock now_ms={engine.now().0} paused={self.lab.clock.paused} speed={self.lab.clock.speed()} {reached} {busy} {status}
                              on_toggle={link.callback(|_| Msg::TogglePause)}
                              on_step={link.callback(|_| Msg::Step)}
                              on_speed={link.callback(Msg::Speed)}
                              on_reset={link.callback(|_| Msg::Reset)} />
                    <button type="button" class="theme-toggle" data-testid="theme-toggle" aria-pressed={self.dark.to_string()}
                            onclick={link.callback(|_| Msg::ToggleTheme)}>{ if self.dark { "Light theme" } else { "Dark theme" } }</button>
                    <button type="button" class="presenter-toggle" data-testid="presenter-toggle" aria-pressed={self.presenter.to_string()}
                            onclick={link.callback(|_| Msg::TogglePresenter)}
                            title="Large type, a clean view, a demo script and keyboard shortcuts for teaching a room">
                        { if self.presenter { "Leave presenter mode" } else { "Presenter mode" } }
                    </button>
                </header>
                if let Some(n) = &self.notice {
                    <div class="notice" role="alert" data-testid="notice">
                        <p>{ n }</p>
                        <button type="button" onclick={link.callback(|_| Msg::DismissNotice)}>{ "Dismiss" }</button>
                    </div>
                }
                if let Some((_, work)) = &self.pending_share {
                    <div class="notice ask" role="alertdialog" aria-labelledby="share-ask-text" data-testid="share-ask">
                        <p id="share-ask-text">{ format!("This link opens a shared lab. It would replace the lab saved in this browser ({work}).") }</p>
                        <button type="button" data-testid="share-open" onclick={link.callback(|_| Msg::OpenShared(true))}>{ "Open the shared lab" }</button>
                        <button type="button" data-testid="share-keep" onclick={link.callback(|_| Msg::OpenShared(false))}>{ "Keep mine" }</button>
                    </div>
                }
                if let Some(r) = &self.lab.restoring {
                    <div class="notice restoring" role="status" data-testid="restore-status">
                        <p>{ restore_status(r) }</p>
                    </div>
                }
                <main class={classes!("panes", open_lesson.then_some("with-lesson"), (!side).then_some("no-side"))}
                      data-testid="panes" data-view={if vm_view { "vm" } else { "cluster" }}>
                    if self.presenter {
                        <section class="editor-pane demo-pane" aria-label="Demo script">
                            <DemoPanel demo={self.demo.clone()} has_checkpoint={self.checkpoint.is_some()} disabled={busy}
                                       on_script={link.callback(Msg::DemoScript)} on_next={link.callback(|_| Msg::DemoNext)}
                                       on_restart={link.callback(|_| Msg::DemoRestart)} on_checkpoint={link.callback(|_| Msg::Checkpoint)}
                                       on_back={link.callback(|_| Msg::BackToCheckpoint)} />
                        </section>
                    } else {
                        <section class="editor-pane lesson-pane" aria-label="Lessons and manifest editor">
                            <LessonPanel lessons={self.lessons.clone()} load={self.lessons_load.clone()} progress={self.progress.clone()} picked={self.picked.clone()}
                                         confirming={self.confirming.clone()} commands={self.lab.session.journal().len()}
                                         disabled={busy} on_action={link.callback(Msg::Lesson)} />
                            if let Some((_, label)) = &self.lab.editing {
                                <p class="editing" data-testid="editing" role="status">
                                    { format!("Editing {label}: Apply saves it (kubectl edit). ") }
                                    <button type="button" data-testid="stop-editing" onclick={link.callback(|_| Msg::StopEditing)}>{ "Stop editing" }</button>
                                </p>
                            }
                            if !vm_lesson {
                                // A drawer: open in the free lab, while editing, and once a lesson's file is opened.
                                <details class="editor-drawer" data-testid="editor-drawer" open={editor_open}
                                         ontoggle={link.callback(|e: Event| Msg::EditorDrawer(
                                             e.target_dyn_into::<web_sys::Element>().is_some_and(|d| d.has_attribute("open"))))}>
                                    <summary>{ "Manifest editor" }</summary>
                                    <YamlEditor tabs={self.lab.tabs.clone()}
                                                problems={if self.lab.problems.0 == self.lab.tabs.active_name() { self.lab.problems.1.clone() } else { Rc::default() }}
                                                on_input={link.callback(Msg::Edit)} on_tab={link.callback(Msg::EditorTab)}
                                                on_cursor={link.callback(Msg::Cursor)}
                                                reference={self.reference.as_ref().map(|(_, t, o)| (t.clone(), o.clone()))}
                                                on_apply={link.callback(|_| Msg::Apply)} {busy} />
                                    <ApplyOutput report={self.lab.report.as_ref().map(|r| r.1.clone())}
                                                 file={AttrValue::from(self.lab.report.as_ref().map_or(crate::tabs::FIRST_TAB.to_string(), |r| r.0.clone()))} />
                                </details>
                            }
                        </section>
                    }
                    <section class="map-pane" aria-labelledby="map-title">
                        <div class="map-head">
                            <h2 id="map-title">{ title }</h2>
                            if !lan.is_up() && !open_lesson {
                                <p class="era-switch">
                                    <button type="button" data-testid="lan-up" disabled={busy}
                                            onclick={on_command.reform(|_: MouseEvent| "lab lan up".to_string())}
                                            title="Runs lab lan up: three plain machines with docker, to do by hand what Kubernetes automates (workshop part 1)">{ "Boot the VM-era LAN" }</button>
                                </p>
                            }
                        </div>
                        if let Some(d) = &scaled {
                            { scaling_charts(d, traffic.as_ref(), engine.now().0) }
                        }
                        if lan.is_up() {
                            <LanMap lan={lan} disabled={busy} on_command={on_command.clone()} />
                        }
                        if !vm_view {
                            <Timeline live_ms={self.lab.session.engine().now().0} viewing={self.lab.past.as_ref().map(|p| p.target)}
                                      rebuilding={self.lab.past.as_ref().is_some_and(|p| p.replay.is_some())}
                                      marks={timeline_marks(self.lab.session.journal())} disabled={busy}
                                      first_line={self.lab.session.journal().len().saturating_sub(MARKS) as u32 + 1}
                                      on_mark={Some(link.callback(|line| Msg::Cause(Some(line))))} pressed={self.blast.line}
                                      on_scrub={link.callback(Msg::Scrub)} on_live={link.callback(|_| Msg::Live)} />
                            <ControlPlane activity={engine.activity()} lit={lit} why={hovered.as_ref().map(|s| s.part)} />
                            if let Some(text) = why_status {
                                <p class="why-status" data-testid="why-status" role="status">
                                    { text }
                                    if self.blast.line.is_some() && hovered.is_none() {
                                        <button type="button" data-testid="why-clear" onclick={link.callback(|_| Msg::Cause(None))}
                                                title="Or click the command again, or press Esc">{ "Clear (Esc)" }</button>
                                    }
                                </p>
                            }
                            <ClusterMap cluster={cluster} selected={self.selected.clone()} on_select={on_select.clone()} lit={lit_map}
                                        flow={FlowView::from_engine(engine, DOT_WALL_MS * self.lab.clock.speed() as u64)} />
                            <div class="map-foot">
                                <Workloads deployments={deploys} selected={self.selected.clone()} disabled={busy}
                                           on_select={on_select} on_command={on_command.clone()} />
                                <OwnerLegend {owners} />
                            </div>
                        }
                    </section>
                    <Console lines={self.lab.console.lines.clone()} first_line={self.lab.console.dropped} history={self.lab.console.history.clone()} disabled={busy}
                             machine={self.lab.session.machine().map(String::from)} prompt={self.lab.session.prompt()}
                             on_tab={Some(link.callback(Msg::Tab))} completion={self.completion.clone()}
                             on_interrupt={Some(link.callback(|_| Msg::Interrupt))}
                             on_cause={Some(link.callback(Msg::Cause))} cause_line={self.blast.line}
                             on_run={link.callback(Msg::Run)} on_clear={link.callback(|_| Msg::ClearConsole)} />
                    if side {
                        <aside class="side" aria-label="Inspector, traffic and events">
                            if !vm_view {
                                <Inspector view={inspector} disabled={busy} on_command={on_command.clone()} {why}
                                           why_hovered={self.why_hover} viewing_ms={self.lab.past.as_ref().map(|p| p.target)}
                                           on_why_hover={link.callback(Msg::WhyHover)} on_why_step={link.callback(Msg::Scrub)}
                                           on_close={link.callback(|_| Msg::CloseInspector)} />
                            }
                            <TrafficPanel view={traffic} {targets} disabled={busy} requests_elsewhere={scaled.is_some()} {on_command} />
                            if !vm_view {
                                <EventsFeed events={crate::model::events_feed(engine)} on_select={self.on_select.clone()} />
                            }
                        </aside>
                    }
                </main>
                <footer class="bottom">
                    <div class="share">
                        <button type="button" data-testid="share-button" disabled={busy} onclick={link.callback(|_| Msg::Share)}
                                title="A link that opens this lab (and lesson step) in another browser">{ "Share link" }</button>
                        if let Some(url) = &self.share_link {
                            <label>
                                <span class="visually-hidden">{ "Share link: copy it" }</span>
                                <input type="text" readonly=true data-testid="share-link" value={url.clone()}
                                       onfocus={Callback::from(|e: FocusEvent| {
                                           if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { i.select(); }
                                       })} />
                            </label>
                        }
                    </div>
                    { format!("seed {seed} · ") }
                    <a href={format!("?seed={seed}")}>{ "replay this cluster" }</a>
                    { format!(
                        " · simulated Kubernetes {} · your lab is saved in this browser and comes back after a reload",
                        kubelab_api::KUBERNETES_VERSION
                    ) }
                </footer>
            </div>
        }
    }
}

fn restore_status(r: &Restoring) -> String {
    let (done, all) = r.replay.progress();
    let (now, until) = r.replay.time();
    format!(
        "Restoring your lab from this browser: {done} of {all} command(s) replayed, sim time {} of {}…",
        format_sim_time(now),
        format_sim_time(until)
    )
}

/// "2. Watch the cluster: 1 control-plane node, 3 workers".
fn map_title(c: &ClusterView) -> String {
    let cp = c.nodes.iter().filter(|n| n.role == "control-plane").count();
    let workers = c.nodes.len() - cp;
    let plural = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    format!(
        "2. Watch the cluster: {}, {}",
        plural(cp, "control-plane node", "control-plane nodes"),
        plural(workers, "worker", "workers")
    )
}

/// The timeline shows the journal's last this many commands.
const MARKS: usize = 200;

/// The timeline's marks: each journaled command's time and first line (the last `MARKS`).
fn timeline_marks(journal: &[crate::session::Entry]) -> Vec<(u64, String)> {
    let skip = journal.len().saturating_sub(MARKS);
    journal.iter().skip(skip).map(|e| (e.t, e.command.lines().next().unwrap_or("").to_string())).collect()
}
