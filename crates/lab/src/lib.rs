//! The lab beneath kubelab's page: the lab as the page drives it (`lab::Lab`: console, editor
//! and Apply, clock, timeline), the simulated cluster and the console session that changes
//! it (`session`), the console's transcript (`console`), the clock (`clock`), the journal of those commands, its save and its replay (`save`, `replay`),
//! snapshots for looking back (`timeline`), the editor's files (`tabs`), lesson progress
//! (`lessons`), share links (`share`) and what the page lights for "why" (`why`).
//!
//! **Invariant:** no Yew, no DOM, no wall clock of its own. What only a browser has
//! (storage, the time now) comes in through `platform::Platform`, so all of this runs and is
//! tested natively; the page is a view of it plus the platform in a few dozen lines.
// Each sort on a new element type is another copy of the sort code in the page's wasm:
// kubelab_api::sort shares one (clippy.toml).
#![cfg_attr(not(test), warn(clippy::disallowed_methods))]

pub mod clock;
pub mod console;
pub mod lab;
pub mod lessons;
pub mod platform;
pub mod replay;
pub mod save;
pub mod session;
pub mod share;
pub mod tabs;
pub mod timeline;
pub mod why;

/// Where the page keeps the lab (localStorage).
pub const SAVE_KEY: &str = "kubelab.lab";

/// Simulated seconds per wall-clock second the clock offers.
pub const SPEEDS: [u32; 4] = [1, 5, 20, 60];

/// What the editor holds on first load: the Deployment a newcomer applies first.
pub const SAMPLE_MANIFEST: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
";
