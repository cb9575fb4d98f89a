//! The root component: owns the engine, the manifest text and the last apply's report, and
//! drives simulated time from the wall clock (the only place the wall clock is read).

use crate::components::{ApplyOutput, ClusterMap, OwnerLegend, SimClock, YamlEditor, SOURCE_NAME};
use crate::model::ClusterView;
use crate::SAMPLE_MANIFEST;
use gloo::timers::callback::Interval;
use kubelab_engine::Engine;
use kubelab_kubectl::{apply_manifest, ApplyReport, Problem};
use std::rc::Rc;
use yew::prelude::*;

/// Wall-clock milliseconds between ticks.
pub const TICK_MS: u32 = 100;
/// Simulated milliseconds per wall-clock millisecond.
pub const SPEED: f64 = 1.0;
/// At most this much wall time is simulated in one tick (a tab in the background is woken
/// rarely; the cluster then catches up in bounded steps instead of one long frame).
const MAX_STEP_MS: f64 = 5_000.0;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The engine's seed, shown in the footer so a session can be replayed with `?seed=`.
    pub seed: u64,
}

pub enum Msg {
    Tick,
    Edit(String),
    Apply,
    TogglePause,
    Reset,
}

pub struct App {
    engine: Engine,
    manifest: AttrValue,
    report: Option<Rc<ApplyReport>>,
    problems: Rc<Vec<Problem>>,
    paused: bool,
    clock: WallClock,
    _ticker: Interval,
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        let ticker = Interval::new(TICK_MS, move || link.send_message(Msg::Tick));
        App {
            engine: Engine::new(ctx.props().seed),
            manifest: AttrValue::from(SAMPLE_MANIFEST),
            report: None,
            problems: Rc::default(),
            paused: false,
            clock: WallClock::default(),
            _ticker: ticker,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Tick => {
                let elapsed = self.clock.elapsed(wall_now_ms());
                if self.paused || elapsed == 0 {
                    return false;
                }
                self.engine.advance(elapsed, &mut |_| {});
                true
            }
            Msg::Edit(text) => {
                self.manifest = AttrValue::from(text);
                false
            }
            Msg::Apply => {
                let report = apply_manifest(&mut self.engine, &self.manifest, SOURCE_NAME, "default");
                // Let the controllers react at this instant: the new pods show up at once.
                self.engine.advance(0, &mut |_| {});
                self.problems = Rc::new(report.problems.clone());
                self.report = Some(Rc::new(report));
                true
            }
            Msg::TogglePause => {
                self.paused = !self.paused;
                true
            }
            Msg::Reset => {
                self.engine = Engine::new(ctx.props().seed);
                self.report = None;
                self.problems = Rc::default();
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let cluster = ClusterView::from_engine(&self.engine);
        let owners = cluster.owners();
        let title = map_title(&cluster);
        let seed = ctx.props().seed;
        html! {
            <div class="app">
                <header class="top">
                    <div class="brand">
                        <h1>{ "kubelab" }</h1>
                        <p class="tagline">{ "A simulated Kubernetes cluster, running in your browser." }</p>
                    </div>
                    <SimClock now_ms={self.engine.now().0} paused={self.paused}
                              on_toggle={link.callback(|_| Msg::TogglePause)}
                              on_reset={link.callback(|_| Msg::Reset)} />
                </header>
                <main class="panes">
                    <section class="editor-pane" aria-label="Manifest editor">
                        <YamlEditor value={self.manifest.clone()} problems={self.problems.clone()}
                                    on_input={link.callback(Msg::Edit)}
                                    on_apply={link.callback(|_| Msg::Apply)} />
                        <ApplyOutput report={self.report.clone()} />
                    </section>
                    <section class="map-pane" aria-labelledby="map-title">
                        <h2 id="map-title">{ title }</h2>
                        <ClusterMap cluster={cluster} />
                        <OwnerLegend {owners} />
                    </section>
                </main>
                <footer class="bottom">
                    { format!("seed {seed} · ") }
                    <a href={format!("?seed={seed}")}>{ "replay this cluster" }</a>
                    { format!(" · simulated Kubernetes {} · time runs at 1× while playing", kubelab_api::KUBERNETES_VERSION) }
                </footer>
            </div>
        }
    }
}

/// "2. Watch the cluster: 1 control-plane node, 3 workers".
fn map_title(c: &ClusterView) -> String {
    let cp = c.nodes.iter().filter(|n| n.role == "control-plane").count();
    let workers = c.nodes.len() - cp;
    let plural = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    format!("2. Watch the cluster: {}, {}", plural(cp, "control-plane node", "control-plane nodes"), plural(workers, "worker", "workers"))
}

/// Turns wall-clock readings into whole simulated milliseconds, carrying fractions over so
/// simulated time keeps pace with real time.
#[derive(Default)]
struct WallClock {
    last: Option<f64>,
    carry: f64,
}

impl WallClock {
    fn elapsed(&mut self, now: Option<f64>) -> u64 {
        let Some(now) = now else { return (TICK_MS as f64 * SPEED) as u64 };
        let Some(last) = self.last.replace(now) else { return 0 };
        let sim = (now - last).clamp(0.0, MAX_STEP_MS) * SPEED + self.carry;
        let whole = sim.floor();
        self.carry = sim - whole;
        whole as u64
    }
}

/// `performance.now()`; None off the browser.
fn wall_now_ms() -> Option<f64> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.performance()).map(|p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::WallClock;

    #[test]
    fn wall_clock_keeps_fractions_and_caps_long_gaps() {
        let mut c = WallClock::default();
        assert_eq!(c.elapsed(Some(1000.0)), 0, "the first reading only starts the clock");
        assert_eq!(c.elapsed(Some(1100.4)), 100);
        assert_eq!(c.elapsed(Some(1200.8)), 100);
        assert_eq!(c.elapsed(Some(1301.0)), 101, "0.4 + 0.4 + 0.2 carried over");
        assert_eq!(c.elapsed(Some(601_301.0)), 5_000, "a long sleep is capped");
    }
}
