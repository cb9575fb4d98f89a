//! The view models, checked against clusters built by real commands.

use super::*;
use kubelab_engine::Engine;

mod cluster_and_workloads {
    use super::*;
    use crate::SAMPLE_MANIFEST;
    use kubelab_kubectl::apply_manifest;

    fn cluster_after(manifest: &str, ms: u64) -> ClusterView {
        let mut e = Engine::new(7);
        let rep = apply_manifest(&mut e, manifest, "manifest.yaml", "default");
        assert!(rep.output.ok, "{}", rep.output.text());
        e.advance(ms, &mut |_| {});
        ClusterView::from_engine(&e)
    }

    /// The pods' views are kept while nothing they show changes (pointer-equal, so the map
    /// skips them), and rebuilt as soon as a pod changes, in this engine or another one.
    #[test]
    fn pod_views_are_kept_until_a_pod_changes() {
        let cache = PodViewCache::default();
        let mut e = Engine::new(7);
        let rep = apply_manifest(&mut e, SAMPLE_MANIFEST, "manifest.yaml", "default");
        assert!(rep.output.ok);
        e.advance(30_000, &mut |_| {});
        let first = ClusterView::from_engine_cached(&e, &cache);
        let worker = first.nodes.iter().position(|n| !n.pods.is_empty()).expect("a worker with pods");
        // Time passes (leases, heartbeats), no pod changes: the same lists.
        e.advance(2_000, &mut |_| {});
        let again = ClusterView::from_engine_cached(&e, &cache);
        assert!(std::ptr::eq(&first.nodes[worker].pods[0], &again.nodes[worker].pods[0]), "kept");
        assert_eq!(again, ClusterView::from_engine(&e), "and the same as a fresh build");
        // A pod deleted: rebuilt, and right.
        let victim = again.nodes[worker].pods[0].name.clone();
        run(&mut e, &format!("kubectl delete pod {victim} --wait=false"));
        let after = ClusterView::from_engine_cached(&e, &cache);
        assert_eq!(after, ClusterView::from_engine(&e));
        assert_ne!(after, again);
        // Another engine with other pods: never the kept views.
        let other = Engine::new(8);
        assert_eq!(ClusterView::from_engine_cached(&other, &cache), ClusterView::from_engine(&other));
    }

    #[test]
    fn boot_shows_control_plane_and_three_ready_workers() {
        let v = ClusterView::from_engine(&Engine::new(1));
        let names: Vec<&str> = v.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["control-plane", "node-1", "node-2", "node-3"]);
        assert!(v.nodes.iter().all(|n| n.ready));
        assert_eq!(v.nodes[0].role, "control-plane");
        assert_eq!(v.nodes[0].taints, ["NoSchedule"]);
        assert_eq!(node_status(&v.nodes[1]), "Ready");
    }

    #[test]
    fn sample_deployment_becomes_three_ready_pods_on_workers() {
        let v = cluster_after(SAMPLE_MANIFEST, 30_000);
        assert_eq!(v.pod_count(), 3);
        assert!(v.unscheduled.is_empty());
        assert!(v.nodes[0].pods.is_empty(), "control-plane is tainted NoSchedule");
        for p in v.nodes.iter().flat_map(|n| &n.pods) {
            assert_eq!((p.status.as_str(), p.ready), ("Ready", true), "{p:?}");
            assert!(p.owner.as_deref().is_some_and(|o| o.starts_with("web-")));
        }
    }

    #[test]
    fn fresh_pods_say_container_creating() {
        let v = cluster_after(SAMPLE_MANIFEST, 500);
        let statuses: Vec<&str> = v.nodes.iter().flat_map(|n| &n.pods).map(|p| p.status.as_str()).collect();
        assert_eq!(statuses, ["ContainerCreating"; 3]);
    }

    #[test]
    fn missing_image_backs_off() {
        let v = cluster_after(&SAMPLE_MANIFEST.replace("nginx:1.25", "nginx:no-such-tag"), 60_000);
        let p = v.nodes.iter().flat_map(|n| &n.pods).next().expect("a pod");
        assert!(p.status == "ImagePullBackOff" || p.status == "ErrImagePull", "{p:?}");
        assert!(!p.ready);
    }

    #[test]
    fn node_whose_kubelet_stops_turns_not_ready() {
        let mut e = Engine::new(7);
        e.kill_node("node-2").expect("node-2 exists");
        e.advance(60_000, &mut |_| {});
        let v = ClusterView::from_engine(&e);
        let n = v.nodes.iter().find(|n| n.name == "node-2").expect("node-2");
        assert_eq!(node_status(n), "NotReady");
    }

    #[test]
    fn sim_time_reads_like_kubectl_ages() {
        assert_eq!(format_sim_time(0), "0m00s");
        assert_eq!(format_sim_time(65_400), "1m05s");
        assert_eq!(format_sim_time(3_725_000), "1h02m05s");
    }

    #[test]
    fn owner_colours_are_stable_and_from_the_palette() {
        assert_eq!(owner_colour(Some("web-abc")), owner_colour(Some("web-abc")));
        assert!(OWNER_PALETTE.contains(&owner_colour(Some("web-abc"))));
        assert_eq!(owner_colour(None), NO_OWNER);
    }

    fn run(e: &mut Engine, line: &str) {
        run_with(e, ("manifest.yaml", SAMPLE_MANIFEST), line);
    }

    /// Runs a console line that may read one file, (name, text), and requires it to succeed.
    fn run_with(e: &mut Engine, file: (&str, &str), line: &str) {
        let files = [(file.0.to_string(), file.1.to_string())];
        let out = kubelab_kubectl::execute(
            e,
            line,
            &mut kubelab_kubectl::Ctx { files: &crate::session::TextFiles(&files), stdin: None, observe: &mut |_| {} },
        );
        assert!(out.ok, "{line}: {}", out.text());
    }

    #[test]
    fn a_pod_waiting_for_its_claim_says_so_on_the_map() {
        let mut e = Engine::new(7);
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: db}\nspec:\n  containers: [{name: db, image: redis:7.2}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: db-data}}]\n";
        run_with(&mut e, ("pod.yaml", pod), "kubectl apply -f pod.yaml");
        e.advance(5_000, &mut |_| {});
        // The scheduler waits for the claim (persistentvolumeclaim "db-data" not found).
        let v = ClusterView::from_engine(&e);
        let p = v.unscheduled.iter().find(|p| p.name == "db").expect("db waits unscheduled");
        assert_eq!(p.claims, [ClaimView { name: "db-data".into(), phase: "not found".into(), capacity: None }]);
    }

    #[test]
    fn a_request_to_a_three_tier_app_travels_on_through_each_tier() {
        let mut e = Engine::new(7);
        let app = include_str!("../../tests/scenarios/three-tier/app.yaml");
        let exec = |e: &mut Engine, line: &str| run_with(e, ("app.yaml", app), line);
        exec(&mut e, "kubectl apply -f app.yaml");
        e.advance(30_000, &mut |_| {});
        // Redis mounts its claim: the map draws it on the pod, bound.
        let v = ClusterView::from_engine(&e);
        let redis = v.nodes.iter().flat_map(|n| &n.pods).find(|p| p.name == "redis-0").expect("redis-0 runs");
        assert_eq!(
            redis.claims,
            [ClaimView { name: "redis-data".into(), phase: "Bound".into(), capacity: Some("10Gi".into()) }]
        );
        assert!(v.nodes.iter().flat_map(|n| &n.pods).filter(|p| p.name != "redis-0").all(|p| p.claims.is_empty()));
        exec(&mut e, "lab load start http://nginx/users/7 --rps 5");
        e.advance(5_300, &mut |_| {});
        let flow = FlowView::from_engine(&e, 700).expect("a load runs");
        assert!(!flow.dots.is_empty());
        let pods =
            |prefix: &str| e.store().pods.keys().filter(|(_, n)| n.starts_with(prefix)).cloned().collect::<Vec<_>>();
        for d in &flow.dots {
            // nginx (frontend) → Service app → a backend pod → Service redis → redis-0.
            assert!(d.ok, "{d:?}");
            assert!(pods("frontend-").contains(d.pod.as_ref().expect("a frontend pod")), "{d:?}");
            let services: Vec<&str> = d.hops.iter().map(|h| h.service.1.as_str()).collect();
            assert_eq!(services, ["app", "redis"], "{d:?}");
            assert!(pods("backend-").contains(d.hops[0].pod.as_ref().expect("a backend pod")), "{d:?}");
            assert_eq!(d.hops[1].pod, Some(("default".to_string(), "redis-0".to_string())));
        }
        // Each tier's pods show the rate they answer: together, the whole 5 req/s at each tier.
        let v = ClusterView::from_engine(&e);
        let rate = |prefix: &str| -> f64 {
            v.nodes.iter().flat_map(|n| &n.rates).filter(|(name, _)| name.starts_with(prefix)).map(|(_, r)| r).sum()
        };
        for tier in ["frontend-", "backend-", "redis-"] {
            assert!((rate(tier) - 5.0).abs() < 0.5, "{tier}: {}", rate(tier));
        }
        // With no backend, the frontend's request stops at the app Service (502 to the client).
        exec(&mut e, "kubectl scale deployment backend --replicas=0");
        e.advance(30_000, &mut |_| {});
        let flow = FlowView::from_engine(&e, 700).expect("a load runs");
        assert!(!flow.dots.is_empty());
        for d in &flow.dots {
            assert!(!d.ok && d.pod.is_some(), "{d:?}");
            assert_eq!(
                d.hops,
                [kubelab_engine::traffic::Hop { service: ("default".into(), "app".into()), pod: None }],
                "{d:?}"
            );
        }
    }

    #[test]
    fn a_service_lists_its_ready_endpoints_and_the_pods_that_are_not_ready() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        run(&mut e, "kubectl expose deployment web --port=80");
        let v = ClusterView::from_engine(&e);
        // `default/kubernetes` is the API server, not a workload: the map leaves it out.
        assert_eq!(v.services.len(), 1, "{:?}", v.services);
        let svc = &v.services[0];
        assert_eq!((svc.name.as_str(), svc.kind.as_str()), ("web", "ClusterIP"));
        assert!(svc.address.ends_with(":80"), "{}", svc.address);
        // Just created: the pods are not ready yet, so none is an endpoint.
        assert!(svc.endpoints.is_empty(), "{svc:?}");
        e.advance(30_000, &mut |_| {});
        let v = ClusterView::from_engine(&e);
        let pods: Vec<(String, String)> =
            v.nodes.iter().flat_map(|n| &n.pods).map(|p| (p.namespace.clone(), p.name.clone())).collect();
        let mut eps = v.services[0].endpoints.to_vec();
        kubelab_api::sort::natural(&mut eps);
        let mut want = pods.clone();
        kubelab_api::sort::natural(&mut want);
        assert_eq!(eps, want);
        assert!(v.services[0].not_ready.is_empty());
    }

    /// The map says what `kubectl get pods` says while init containers run.
    #[test]
    fn a_pod_running_its_init_containers_shows_kubectls_init_status() {
        let mut e = Engine::new(7);
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: init-demo\nspec:\n  initContainers:\n  - name: wait\n    image: busybox:1.36\n    command: [sh, -c, sleep 5]\n  containers:\n  - name: web\n    image: nginx:1.25\n";
        run_with(&mut e, ("pod.yaml", pod), "kubectl apply -f pod.yaml");
        let status =
            |e: &Engine| pod_status(e.store().pods.values().find(|p| p.metadata.name == "init-demo").expect("the pod"));
        e.advance(3_000, &mut |_| {});
        assert_eq!(status(&e), "Init:0/1");
        e.advance(5_000, &mut |_| {});
        assert_eq!(status(&e), "PodInitializing");
        e.advance(10_000, &mut |_| {});
        assert_eq!(status(&e), "Ready");
    }

    /// While a load runs only its rates move: the pods' lists and the Services' views are
    /// kept (pointer-equal, so the map draws no node box again for them), each chip has its
    /// rate, and all of it is what a fresh build says.
    #[test]
    fn under_a_load_the_pods_and_services_are_kept_and_only_the_rates_move() {
        let cache = PodViewCache::default();
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        run(&mut e, "kubectl expose deployment web --port=80");
        e.advance(30_000, &mut |_| {});
        run(&mut e, "lab load start web --rps 12");
        e.advance(5_000, &mut |_| {});
        let before = ClusterView::from_engine_cached(&e, &cache);
        e.advance(3_000, &mut |_| {});
        let after = ClusterView::from_engine_cached(&e, &cache);
        let worker = after.nodes.iter().position(|n| !n.pods.is_empty()).expect("a worker with pods");
        assert!(std::ptr::eq(&before.nodes[worker].pods[0], &after.nodes[worker].pods[0]), "pods kept");
        assert!(std::ptr::eq(before.services[0].endpoints.as_ptr(), after.services[0].endpoints.as_ptr()), "kept");
        assert_eq!(after.nodes[worker].rates.len(), after.nodes[worker].pods.len(), "a rate per chip");
        assert_eq!(after, ClusterView::from_engine(&e), "the kept views are a fresh build's");
        // Another engine that reached the same resourceVersions by another command (a lab
        // back at a checkpoint, then changed otherwise) is never shown the kept views.
        let exposed = |port: u16| {
            let mut e = Engine::new(7);
            run(&mut e, "kubectl apply -f manifest.yaml");
            run(&mut e, &format!("kubectl expose deployment web --port={port}"));
            e
        };
        let (first, second) = (exposed(80), exposed(8080));
        assert_eq!(first.store().resource_version(), second.store().resource_version());
        assert!(ClusterView::from_engine_cached(&first, &cache).services[0].address.ends_with(":80"));
        assert!(ClusterView::from_engine_cached(&second, &cache).services[0].address.ends_with(":8080"));
    }

    #[test]
    fn requests_in_flight_travel_to_endpoints_and_each_pod_shows_its_rate() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        run(&mut e, "kubectl expose deployment web --port=80");
        e.advance(30_000, &mut |_| {});
        run(&mut e, "lab load start web --rps 12");
        e.advance(10_500, &mut |_| {});
        let flow = FlowView::from_engine(&e, 700).expect("a load runs");
        assert_eq!(flow.service, Some(("default".to_string(), "web".to_string())));
        // 12 req/s drawn for at least 0.7 s each: about 8 on the map at once.
        assert!((6..=10).contains(&flow.dots.len()), "{:?}", flow.dots);
        let eps = ClusterView::from_engine(&e).services[0].endpoints.clone();
        for d in &flow.dots {
            assert!(d.ok && (0.0..1.0).contains(&d.progress), "{d:?}");
            assert!(eps.contains(d.pod.as_ref().expect("a pod")), "{d:?}");
        }
        let keys: std::collections::BTreeSet<&str> = flow.dots.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys.len(), flow.dots.len(), "keys are unique");
        // The rates add up to what the load sends.
        let v = ClusterView::from_engine(&e);
        let pods = v.nodes.iter().map(|n| n.pods.len()).sum::<usize>();
        assert_eq!(
            v.nodes.iter().map(|n| n.rates.len()).sum::<usize>(),
            pods,
            "a rate for each pod while the load runs"
        );
        let total: f64 = v.nodes.iter().flat_map(|n| &n.rates).map(|(_, r)| r).sum();
        assert!((total - 12.0).abs() < 0.5, "{total}");
        // No endpoints: requests stop at the Service, failed.
        run(&mut e, "kubectl scale deployment web --replicas=0");
        e.advance(40_000, &mut |_| {});
        let flow = FlowView::from_engine(&e, 700).expect("a load runs");
        assert!(!flow.dots.is_empty());
        for d in &flow.dots {
            assert!(!d.ok && d.pod.is_none() && d.progress <= 0.5, "{d:?}");
        }
        run(&mut e, "lab load stop");
        assert!(FlowView::from_engine(&e, 700).is_none());
    }

    /// A request a NetworkPolicy drops is drawn stopping at the pod it was dropped at, naming
    /// the policy; the pod's inspector lists the policies that select it.
    #[test]
    fn a_dropped_request_names_its_policy_and_the_inspector_lists_the_policies() {
        const DENY: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n";
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        run(&mut e, "kubectl expose deployment web --port=80");
        e.advance(30_000, &mut |_| {});
        let pod = ClusterView::from_engine(&e).services[0].endpoints[0].clone();
        let sel = Selection::Pod { namespace: pod.0.clone(), name: pod.1.clone() };
        assert!(InspectorView::of(&e, &sel).policies.is_empty());
        run_with(&mut e, ("deny.yaml", DENY), "kubectl apply -f deny.yaml");
        assert_eq!(InspectorView::of(&e, &sel).policies, [("default-deny".to_string(), "Ingress".to_string())]);
        run(&mut e, "lab load start web --rps 4");
        e.advance(5_000, &mut |_| {});
        let flow = FlowView::from_engine(&e, 700).expect("a load runs");
        assert!(!flow.dots.is_empty());
        for d in &flow.dots {
            let dropped = d.dropped.as_ref().expect("dropped");
            assert!(!d.ok);
            assert_eq!(dropped.policies, ["default-deny"]);
            assert_eq!(Some(&dropped.pod), d.pod.as_ref(), "dropped at the pod it was sent to");
        }
        // Sent at 4 a second, each waiting out its 2 s timeout: most have arrived and wait.
        assert!(flow.dots.iter().filter(|d| d.progress == 1.0).count() >= 4, "{:?}", flow.dots);
    }

    #[test]
    fn the_events_feed_is_newest_first_and_says_which_are_warnings() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        e.advance(30_000, &mut |_| {});
        run(&mut e, "kubectl create deployment bad --image=nginx:no-such-tag");
        e.advance(20_000, &mut |_| {});
        let feed = events_feed(&e);
        assert!(!feed.is_empty() && feed.len() <= FEED_EVENTS);
        // The bad image's pull failures are the newest, and warnings.
        let first = &feed[0];
        assert!(first.object.starts_with("pod/bad-"), "{first:?}");
        assert!(feed.iter().any(|x| x.warning && (x.reason == "Failed" || x.reason == "BackOff")), "{feed:#?}");
        let scheduled = feed
            .iter()
            .find(|x| x.reason == "Scheduled" && x.object.starts_with("pod/web-"))
            .expect("a Scheduled event");
        assert!(!scheduled.warning);
        assert!(scheduled.message.starts_with("Successfully assigned default/web-"), "{scheduled:?}");
        assert!(
            matches!(&scheduled.select, Some(Selection::Pod { name, .. }) if scheduled.object.ends_with(name.as_str()))
        );
        assert!(scheduled.when.ends_with(" ago"), "{}", scheduled.when);
    }

    /// Events seen at the same moment are newest first by resourceVersion, as numbers:
    /// `10` is newer than `9`.
    #[test]
    fn resource_versions_order_as_numbers_without_being_parsed() {
        let versions = [0u64, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 123_456, 1_000_000];
        for a in versions {
            for b in versions {
                let (x, y) = (a.to_string(), b.to_string());
                assert_eq!(version_order(&x).cmp(&version_order(&y)), a.cmp(&b), "{a} against {b}");
            }
        }
    }

    fn node<'a>(v: &'a ClusterView, name: &str) -> &'a NodeView {
        v.nodes.iter().find(|n| n.name == name).expect("node")
    }

    #[test]
    fn a_powered_off_node_counts_down_to_not_ready_then_to_eviction() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        e.advance(30_000, &mut |_| {});
        run(&mut e, "lab node kill node-2");
        let n = node(&ClusterView::from_engine(&e), "node-2").clone();
        assert!(n.powered_off && n.ready);
        let c = n.countdown.expect("a countdown");
        assert!(c.starts_with("NotReady in "), "{c}");
        e.advance(60_000, &mut |_| {});
        let n = node(&ClusterView::from_engine(&e), "node-2").clone();
        assert!(!n.ready);
        let c = n.countdown.expect("a countdown");
        assert!(c.starts_with("evicts pods in 4m"), "{c}");
        e.advance(3_000, &mut |_| {}); // between two lease renewals
        run(&mut e, "lab node restore node-2");
        let n = node(&ClusterView::from_engine(&e), "node-2").clone();
        assert!(!n.powered_off);
        assert!(n.countdown.is_some_and(|c| c.starts_with("Ready again in ")));
        assert_eq!(format_countdown(61_001), "1m02s");
    }

    #[test]
    fn traffic_view_counts_whole_seconds_of_a_running_load() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        run(&mut e, "kubectl expose deployment web --port 80");
        e.advance(30_000, &mut |_| {});
        assert_eq!(TrafficView::from_engine(&e), None);
        assert_eq!(load_targets(&e), ["web"]);
        e.advance(400, &mut |_| {});
        run(&mut e, "lab load start web --rps 10");
        let v = TrafficView::from_engine(&e).expect("a load runs");
        assert_eq!((v.rate_window, v.ok_per_s), (0, 0.0), "started mid-second: nothing to average yet");
        e.advance(20_100, &mut |_| {});
        let v = TrafficView::from_engine(&e).expect("a load runs");
        assert_eq!(v.seconds.len() as u64, CHART_SECONDS);
        assert_eq!(v.seconds.iter().flatten().count(), 19, "the whole seconds since the load started (at 30.4 s)");
        assert_eq!(v.seconds.last(), Some(&Some((10, 0))));
        assert_eq!(v.rate_window, RATE_SECONDS);
        assert!((v.ok_per_s - 10.0).abs() < 0.01, "{}", v.ok_per_s);
        assert_eq!(v.errors_per_s, 0.0);
        assert_eq!(v.versions, [("1.25".to_string(), v.total_ok)]);
    }

    #[test]
    fn traffic_view_splits_each_second_by_version_and_gives_its_latency() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        run(&mut e, "kubectl expose deployment web --port 80");
        e.advance(30_000, &mut |_| {});
        run(&mut e, "lab load start web --rps 20 --no-keepalive");
        e.advance(10_000, &mut |_| {});
        run(&mut e, "kubectl set image deployment/web nginx=nginx:1.26");
        e.advance(40_000, &mut |_| {});
        let v = TrafficView::from_engine(&e).expect("a load runs");
        let tags: Vec<&str> = v.version_seconds.iter().map(|s| s.tag.as_str()).collect();
        assert_eq!(tags, ["1.25", "1.26"], "both versions answered within the last minute");
        // Every second's ok count is the sum of its versions' counts.
        for (i, sec) in v.seconds.iter().enumerate() {
            let by_version: Option<u64> = v.version_seconds.iter().map(|s| s.seconds[i]).sum();
            assert_eq!(by_version, sec.map(|(ok, _)| ok), "second {i}");
        }
        // By now the rollout is over: only 1.26 answers, at the whole rate.
        let new = &v.version_seconds[1];
        assert!((new.per_s - v.ok_per_s).abs() < 0.01 && v.ok_per_s > 15.0, "{} of {}", new.per_s, v.ok_per_s);
        assert_eq!(v.version_seconds[0].per_s, 0.0);
        assert_eq!(v.latency.len(), v.seconds.len());
        let (p50, p95) = v.latency.last().copied().flatten().expect("requests answered in the last second");
        assert!(p50 <= p95 && p95 > 0, "{p50} {p95}");
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(percentile(&mut [], 95), None);
        assert_eq!(percentile(&mut [7], 50), Some(7));
        let mut xs: Vec<u32> = (1..=100).rev().collect();
        assert_eq!(
            (percentile(&mut xs, 50), percentile(&mut xs, 95), percentile(&mut xs, 100)),
            (Some(50), Some(95), Some(100))
        );
        assert_eq!(percentile(&mut [1, 2, 3, 4], 50), Some(2));
    }

    #[test]
    fn the_inspector_offers_commands_for_what_was_chosen() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        e.advance(30_000, &mut |_| {});
        let cmds = |v: &InspectorView| v.actions.iter().map(|a| a.command.clone()).collect::<Vec<_>>();

        let v = InspectorView::of(&e, &Selection::Node("node-1".into()));
        assert!(v.exists);
        assert!(v.describe.as_deref().is_some_and(|d| d.starts_with("Name:") && d.contains("node-1")));
        assert_eq!(
            cmds(&v),
            [
                "lab node kill node-1",
                "kubectl cordon node-1",
                "kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data",
                "lab node delete node-1"
            ]
        );

        let pod = e.store().pods.values().next().expect("a pod").metadata.name.clone();
        let v = InspectorView::of(&e, &Selection::Pod { namespace: "default".into(), name: pod.clone() });
        assert_eq!(cmds(&v), [format!("kubectl delete pod {pod} --wait=false"), format!("lab pod kill {pod}")]);
        assert_eq!(v.logs.len(), 1);
        let d = v.deployment.expect("owned by the web Deployment");
        assert_eq!((d.name.as_str(), d.replicas, d.ready), ("web", 3, 3));
        assert_eq!(scale_command(&d, 4), "kubectl scale deployment/web --replicas=4");

        let v = InspectorView::of(&e, &Selection::Pod { namespace: "default".into(), name: "gone".into() });
        assert!(!v.exists && v.actions.is_empty() && v.describe.is_none());

        // With the context in another namespace, the buttons name `default`, or they would
        // act on an object of the same name there.
        run(&mut e, "kubectl create namespace dev");
        run(&mut e, "kubectl config set-context --current --namespace=dev");
        let v = InspectorView::of(&e, &Selection::Pod { namespace: "default".into(), name: pod.clone() });
        assert_eq!(
            cmds(&v),
            [format!("kubectl delete pod {pod} -n default --wait=false"), format!("lab pod kill {pod} -n default")]
        );
        assert_eq!(v.describe_command, format!("kubectl describe pod {pod} -n default"));
        let d = v.deployment.expect("owned by the web Deployment");
        assert_eq!(scale_command(&d, 4), "kubectl scale deployment/web -n default --replicas=4");
    }
}

mod placement {
    use super::*;
    use kubelab_kubectl::{execute, Ctx, NoFiles};

    #[test]
    fn the_inspector_says_why_a_pod_is_pending_and_why_it_went_where_it_did() {
        let mut e = Engine::new(1);
        let run = |e: &mut Engine, line: &str, stdin: Option<&str>| {
            execute(e, line, &mut Ctx { files: &NoFiles, stdin, observe: &mut |_| {} });
        };
        run(&mut e, "kubectl apply -f -", Some("apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n    resources: {requests: {cpu: '3'}}\n"));
        run(&mut e, "kubectl cordon node-1", None);
        run(&mut e, "kubectl run small --image=nginx:1.25", None);
        e.advance(5_000, &mut |_| {});
        let big = InspectorView::of(&e, &Selection::Pod { namespace: "default".into(), name: "big".into() });
        assert_eq!(big.bound_to, None);
        let why: Vec<(String, bool, String)> = big.placement.clone();
        assert_eq!(why.len(), 4);
        assert!(why.iter().all(|(_, fits, _)| !fits), "{why:?}");
        assert!(
            why.iter().any(
                |(n, _, w)| n == "control-plane" && w.starts_with("TaintToleration: node(s) had untolerated taint")
            ),
            "{why:?}"
        );
        assert!(why.iter().any(|(n, _, w)| n == "node-1" && w.starts_with("NodeUnschedulable:")), "{why:?}");
        assert!(why.iter().any(|(n, _, w)| n == "node-2" && w == "NodeResourcesFit: Insufficient cpu"), "{why:?}");
        let small = InspectorView::of(&e, &Selection::Pod { namespace: "default".into(), name: "small".into() });
        let chosen = small.bound_to.clone().expect("scheduled");
        assert!(
            small.placement.iter().any(|(n, fits, w)| *n == chosen && *fits && w.starts_with("fits · score")),
            "{:?}",
            small.placement
        );
    }
}

mod why {
    use super::*;
    use kubelab_kubectl::{execute, Ctx, NoFiles};
    use std::rc::Rc;

    fn run(e: &mut Engine, line: &str, stdin: Option<&str>) {
        let out = execute(e, line, &mut Ctx { files: &NoFiles, stdin, observe: &mut |_| {} });
        assert!(out.ok, "{line}: {}", out.text());
    }

    /// A pod's Why after a rollout: the command, the deployment controller, the replicaset
    /// controller, the scheduler and the kubelet, oldest first, each on its part of the
    /// control-plane strip and lighting the pod it wrote.
    #[test]
    fn a_pods_why_after_a_rollout_is_the_chain_from_the_command_to_its_kubelet() {
        let mut e = Engine::new(3);
        e.settle();
        e.begin_command(1, "kubectl create deployment web --image=nginx:1.25 --replicas=2");
        run(&mut e, "kubectl create deployment web --image=nginx:1.25 --replicas=2", None);
        e.end_command();
        e.advance(30_000, &mut |_| {});
        e.begin_command(2, "kubectl set image deployment/web nginx=nginx:1.26");
        run(&mut e, "kubectl set image deployment/web nginx=nginx:1.26", None);
        e.end_command();
        e.advance(60_000, &mut |_| {});
        let pod = e.store().pods.values().find(|p| p.spec.containers[0].image == "nginx:1.26").expect("a new pod");
        let sel = Selection::Pod { namespace: "default".into(), name: pod.metadata.name.clone() };
        let why = WhyView::of(&e, &sel).expect("the pod exists");
        let who: Vec<&str> = why.steps.iter().map(|s| s.who.as_str()).collect();
        assert_eq!(who.first(), Some(&"console (line 2)"), "{who:?}");
        let first = |w: &str| who.iter().position(|x| x.starts_with(w)).unwrap_or_else(|| panic!("{w} in {who:?}"));
        assert!(first("deployment-controller") < first("replicaset-controller"), "{who:?}");
        assert!(first("replicaset-controller") < first("default-scheduler"), "{who:?}");
        assert!(first("default-scheduler") < first("kubelet on node-"), "{who:?}");
        let times: Vec<u64> = why.steps.iter().map(|s| s.at_ms).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first: {times:?}");
        let kubelet = &why.steps[first("kubelet")];
        assert_eq!(strip_part(kubelet.part), "kubelets");
        assert!(kubelet.lit.has_pod("default", &pod.metadata.name));
        assert_eq!(strip_part(why.steps[0].part), "api");
        assert!(WhyView::of(&e, &Selection::Pod { namespace: "default".into(), name: "nope".into() }).is_none());
        // Built once per change: the same Rc until the cluster moves.
        let cache = WhyCache::default();
        let (a, b) = (cache.get(&e, &sel), cache.get(&e, &sel));
        assert!(Rc::ptr_eq(a.as_ref().expect("built"), b.as_ref().expect("kept")));
    }

    fn strip_part(i: usize) -> &'static str {
        kubelab_lab::why::PARTS[i]
    }

    /// A failing pod says why on the map, in one short line.
    #[test]
    fn a_failing_pod_shows_its_reason_on_the_map() {
        let mut e = Engine::new(1);
        run(&mut e, "kubectl apply -f -", Some("apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n    resources: {requests: {cpu: '30'}}\n"));
        run(&mut e, "kubectl run bad --image=nginx:no-such-tag", None);
        run(&mut e, "kubectl run crash --image=busybox:1.36 -- false", None);
        run(&mut e, "kubectl run fine --image=nginx:1.25", None);
        e.advance(90_000, &mut |_| {});
        let v = ClusterView::from_engine(&e);
        let reason = |name: &str| {
            v.nodes
                .iter()
                .flat_map(|n| n.pods.iter())
                .chain(v.unscheduled.iter())
                .find(|p| p.name == name)
                .and_then(|p| p.reason.clone())
        };
        assert_eq!(reason("big").as_deref(), Some("Pending: Insufficient cpu"));
        assert_eq!(
            reason("bad").as_deref().map(|r| r.split(':').next().unwrap_or("")),
            Some("ImagePullBackOff"),
            "{:?}",
            reason("bad")
        );
        assert!(reason("bad").is_some_and(|r| r.ends_with("nginx:no-such-tag")), "{:?}", reason("bad"));
        let crash = reason("crash").unwrap_or_default();
        assert!(crash.starts_with("CrashLoopBackOff: back-off ") && crash.ends_with('s'), "{crash}");
        assert_eq!(reason("fine"), None);
    }

    #[test]
    fn long_reasons_are_shortened_with_an_ellipsis() {
        assert_eq!(shorten("Pending: Insufficient cpu", 40), "Pending: Insufficient cpu");
        let s = shorten(&"x".repeat(50), REASON_CHARS);
        assert_eq!((s.chars().count(), s.ends_with('…')), (REASON_CHARS, true));
    }
}

mod ingresses {
    use super::*;

    fn run(e: &mut Engine, line: &str) {
        let files: [(String, String); 0] = [];
        let out = kubelab_kubectl::execute(
            e,
            line,
            &mut kubelab_kubectl::Ctx { files: &crate::session::TextFiles(&files), stdin: None, observe: &mut |_| {} },
        );
        assert!(out.ok, "{line}: {}", out.text());
    }

    #[test]
    fn an_ingress_is_drawn_with_a_row_per_rule_and_its_backends_state() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl create deployment web --image=nginx:1.25");
        run(&mut e, "kubectl expose deployment web --port=80");
        run(&mut e, "lab addons enable ingress");
        run(
            &mut e,
            "kubectl create ingress shop --class=nginx --rule=shop.example/*=web:80 --rule=shop.example/api=api:80",
        );
        run(&mut e, "kubectl create ingress beta --class=nginx --rule=shop.example/*=web:80 --annotation=nginx.ingress.kubernetes.io/canary=true --annotation=nginx.ingress.kubernetes.io/canary-weight=10");
        let before = ClusterView::from_engine(&e);
        let shop = before.ingresses.iter().find(|i| i.name == "shop").expect("drawn");
        assert_eq!(shop.address, None, "not before the status loop's tick");
        e.advance(90_000, &mut |_| {});
        let v = ClusterView::from_engine(&e);
        let shop = v.ingresses.iter().find(|i| i.name == "shop").expect("drawn");
        assert_eq!(shop.address.as_deref(), Some("172.18.255.100"));
        let routes: Vec<(&str, &str, &str)> =
            shop.rules.iter().map(|r| (r.route.as_str(), r.backend.as_str(), r.state())).collect();
        assert_eq!(
            routes,
            vec![("shop.example/", "web:80", "✓"), ("shop.example/api (exact)", "api:80", "⚠ no such Service (503)")]
        );
        let beta = v.ingresses.iter().find(|i| i.name == "beta").expect("drawn");
        assert_eq!(beta.canary.as_deref(), Some("canary: weight 10/100"));
    }

    #[test]
    fn a_huge_rule_list_draws_a_few_rows_and_counts_the_rest() {
        let mut e = Engine::new(7);
        let rules: String = (0..300).map(|i| format!(" --rule=h{i}.example/*=web:80")).collect();
        run(&mut e, &format!("kubectl create ingress many{rules}"));
        let v = ClusterView::from_engine(&e);
        assert_eq!(v.ingresses[0].rules.len(), MAX_RULES_DRAWN);
        assert_eq!(v.ingresses[0].more_rules, 300 - MAX_RULES_DRAWN);
    }
}

mod hpa_beside_deployment {
    use super::*;
    use kubelab_kubectl::{execute, Ctx, NoFiles};

    fn sh(e: &mut Engine, line: &str) {
        let out = execute(e, line, &mut Ctx { files: &NoFiles, stdin: None, observe: &mut |_| {} });
        assert!(out.ok, "{line}: {}", out.text());
    }

    /// The workloads strip shows the HPA beside the Deployment it scales: `<unknown>`
    /// until the controller has a number, then the utilization, and one chart point per sync.
    #[test]
    fn a_deployments_hpa_shows_its_targets_and_its_syncs() {
        let mut e = Engine::new(3);
        sh(&mut e, "kubectl create deployment web --image=nginx:1.25");
        sh(&mut e, "kubectl autoscale deployment web --cpu-percent=50 --max=4");
        let h = deployments(&e)[0].hpa.clone().expect("the HPA beside web");
        assert_eq!((h.targets().as_str(), h.min, h.max), ("cpu <unknown>/50%", 1, 4));
        assert!(h.history.is_empty());
        e.advance(46_000, &mut |_| {});
        let h = deployments(&e)[0].hpa.clone().unwrap();
        assert_eq!(h.history.len(), 3, "a point per 15 s sync");
        assert!(h.history.iter().all(|s| s.replicas == 1 && s.utilization.is_none()), "no metrics-server: no number");
    }
}

mod pod_cpu {
    use super::*;
    use kubelab_kubectl::{execute, Ctx, NoFiles};

    fn sh(e: &mut Engine, line: &str) {
        let out = execute(e, line, &mut Ctx { files: &NoFiles, stdin: None, observe: &mut |_| {} });
        assert!(out.ok, "{line}: {}", out.text());
    }

    /// The pod inspector shows metrics-server's CPU for the pod (as `kubectl top pod`)
    /// against its request and limit, in words beside the bar; nothing before a scrape.
    #[test]
    fn the_inspector_reads_a_pods_cpu_against_its_request_and_limit() {
        let mut e = Engine::new(3);
        sh(&mut e, "lab addons enable metrics-server");
        let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n        resources: {requests: {cpu: 200m}, limits: {cpu: 500m}}\n";
        kubelab_kubectl::apply_manifest(&mut e, web, "web.yaml", "default");
        e.advance(5_000, &mut |_| {});
        let pod = |e: &Engine| {
            let p =
                e.store().pods.values().find(|p| p.metadata.name.starts_with("web-") && p.status.phase == "Running");
            let p = p.expect("web's pod");
            Selection::Pod { namespace: p.metadata.namespace.clone(), name: p.metadata.name.clone() }
        };
        assert_eq!(InspectorView::of(&e, &pod(&e)).cpu, None, "no scrape yet");
        e.advance(150_000, &mut |_| {});
        let cpu = InspectorView::of(&e, &pod(&e)).cpu.expect("metrics after two scrapes");
        assert_eq!((cpu.request_m, cpu.limit_m, cpu.scale_m()), (Some(200), Some(500), 500));
        assert_eq!(cpu.text(), format!("{}m: {}% of its 200m request, limit 500m", cpu.used_m, cpu.used_m / 2));
    }

    /// The map's CPU per pod is the inspector's (kubectl top's number against the request),
    /// and there is none, not even a line kept on the chips, while metrics-server serves
    /// nothing: before it is enabled, before its first scrape, and once it is disabled.
    #[test]
    fn the_map_shows_each_pods_cpu_only_while_the_metrics_api_is_served() {
        let mut e = Engine::new(3);
        let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n        resources: {requests: {cpu: 200m}}\n";
        kubelab_kubectl::apply_manifest(&mut e, web, "web.yaml", "default");
        e.advance(30_000, &mut |_| {});
        let cache = PodViewCache::default();
        let served = |v: &ClusterView| {
            let pods: Vec<&PodView> = v.nodes.iter().flat_map(|n| n.pods.iter()).collect();
            assert!(pods.iter().all(|p| p.cpu_line == pods[0].cpu_line), "every chip alike");
            (pods[0].cpu_line, v.nodes.iter().any(|n| !n.cpu.is_empty()))
        };
        assert_eq!(served(&ClusterView::from_engine_cached(&e, &cache)), (false, false), "no metrics-server");
        sh(&mut e, "lab addons enable metrics-server");
        e.advance(30_000, &mut |_| {});
        assert_eq!(served(&ClusterView::from_engine_cached(&e, &cache)), (false, false), "no scrape yet");
        e.advance(120_000, &mut |_| {});
        let v = ClusterView::from_engine_cached(&e, &cache);
        assert_eq!(served(&v), (true, true));
        assert_eq!(v, ClusterView::from_engine(&e), "the cached views are a fresh build's");
        for n in &v.nodes {
            for p in n.pods.iter().filter(|p| p.name.starts_with("web-")) {
                let sel = Selection::Pod { namespace: p.namespace.clone(), name: p.name.clone() };
                let shown = n.cpu.get(&p.namespace, &p.name).copied();
                assert_eq!(shown, InspectorView::of(&e, &sel).cpu, "{}: the map's number is the inspector's", p.name);
                assert_eq!(shown.and_then(|c| c.percent()), shown.map(|c| c.used_m * 100 / 200));
            }
        }
        sh(&mut e, "lab addons disable metrics-server");
        e.advance(60_000, &mut |_| {});
        assert_eq!(served(&ClusterView::from_engine_cached(&e, &cache)), (false, false), "disabled: nothing");
    }
}
