//! The engine's side of the VM era: the LAN lives next to the cluster, shares its clock,
//! RNG, request queues and load generator, and has no controllers.

use crate::images;
use crate::traffic::{self, Dest, Served};
use crate::vms::{self, Lan, RunError, RunSpec, Started};
use crate::Engine;

impl Engine {
    pub fn lan(&self) -> &Lan {
        &self.lan
    }

    /// For file edits on a machine or in a container: nothing here moves time.
    pub fn lan_mut(&mut self) -> &mut Lan {
        &mut self.lan
    }

    /// `lab lan up`: boots the workshop's three machines (once).
    pub fn lan_up(&mut self) -> bool {
        self.lan.up(&mut self.rng)
    }

    /// A URL the LAN answers: a machine's address or name, or (from a machine) localhost
    /// and its containers' addresses.
    pub(crate) fn lan_dest(&self, from: Option<&str>, u: &traffic::Url) -> Option<Dest> {
        if self.lan.vms.is_empty() {
            return None;
        }
        let local = from.is_some() && (u.host == "localhost" || u.host == "127.0.0.1");
        let container = from
            .and_then(|f| self.lan.vms.get(f))
            .is_some_and(|v| v.containers.iter().any(|c| c.ip == u.host && !c.ip.is_empty()));
        let lan_ip = u.host.starts_with("172.16.0.") && u.host.parse::<std::net::Ipv4Addr>().is_ok();
        if local || container || lan_ip || self.lan.vm_by_host(&u.host).is_some() {
            return Some(Dest::Lan { from: from.map(String::from), host: u.host.clone(), port: u.port });
        }
        None
    }

    /// `ip link set eth0 down|up` on a machine.
    pub fn vm_link(&mut self, vm: &str, up: bool) -> Result<(), String> {
        let v = self.lan.vms.get_mut(vm).ok_or_else(|| format!("no machine {vm}"))?;
        v.link_up = up;
        Ok(())
    }

    /// `docker run`: pulls the image if the machine lacks it (the clock runs for the pull),
    /// creates and starts the container, and runs the clock until its process is up or
    /// has exited. Returns the pull progress lines and what started.
    pub fn docker_run(
        &mut self,
        vm: &str,
        spec: &RunSpec,
        observe: &mut dyn FnMut(&Engine),
    ) -> Result<(Vec<String>, Started), (Vec<String>, RunError)> {
        let Some(v) = self.lan.vms.get(vm) else {
            return Err((vec![], RunError::Daemon(format!("no machine {vm}"))));
        };
        let full = images::ImageRef::parse(&spec.image).full();
        let mut pulled = Vec::new();
        if !v.images.contains(&full) {
            let Some(info) = images::lookup(&spec.image) else {
                return Err((
                    vec![format!("Unable to find image '{}' locally", vms::image_display(&spec.image))],
                    RunError::Pull(vms::pull_failure(&spec.image)),
                ));
            };
            if !v.link_up {
                return Err((
                    vec![format!("Unable to find image '{}' locally", vms::image_display(&spec.image))],
                    RunError::Pull(format!(
                        "Get \"https://{}/v2/\": dial tcp: lookup {}: no such host",
                        registry_host(&full),
                        registry_host(&full)
                    )),
                ));
            }
            pulled = vms::pull_lines(&spec.image);
            self.advance(info.pull_ms, observe);
            if let Some(v) = self.lan.vms.get_mut(vm) {
                v.images.insert(full);
            }
        }
        let now = self.now;
        let started = self.lan.run(vm, spec, now, &mut self.rng).map_err(|e| (pulled.clone(), e))?;
        self.advance(started.start_ms, observe);
        Ok((pulled, started))
    }

    /// `docker stop` (or `docker kill` with `kill`): the clock runs until it has exited.
    pub fn docker_stop(
        &mut self,
        vm: &str,
        name: &str,
        kill: bool,
        observe: &mut dyn FnMut(&Engine),
    ) -> Result<(), String> {
        let took = self.lan.stop(vm, name, self.now, kill)?;
        self.advance(took, observe);
        Ok(())
    }

    pub fn docker_start(&mut self, vm: &str, name: &str, observe: &mut dyn FnMut(&Engine)) -> Result<Started, String> {
        let s = self.lan.start(vm, name, self.now)?;
        self.advance(s.start_ms, observe);
        Ok(s)
    }

    pub fn docker_rm(&mut self, vm: &str, name: &str, force: bool) -> Result<(), String> {
        self.lan.rm(vm, name, force, self.now)
    }

    pub fn docker_network_create(&mut self, vm: &str, name: &str) -> Result<String, String> {
        self.lan.network_create(vm, name, &mut self.rng)
    }

    pub fn nginx_reload(&mut self, vm: &str, ci: usize) -> Result<Vec<String>, String> {
        self.lan.nginx_reload(vm, ci, self.now)
    }

    /// `curl` run on a machine (`from`), or from the workstation (`None`): one request,
    /// with the clock running until it is answered or times out.
    pub fn lan_curl(
        &mut self,
        from: Option<&str>,
        url: &str,
        timeout_ms: u64,
        observe: &mut dyn FnMut(&Engine),
    ) -> Result<(Served, u64), String> {
        let u = traffic::parse_url(url)?;
        let Some(dest) = self.lan_dest(from, &u) else {
            return Err(format!("Could not resolve host: {}", u.host));
        };
        // The same route as the load generator's requests (with the client's timeout).
        let sent = self.now;
        let served = self.send(
            &crate::network_policy::Client::Outside,
            &dest,
            None,
            "GET",
            &traffic::Headers::host(&u.host),
            &u.path,
            sent,
            timeout_ms,
        );
        let wait = served.done_at.0.saturating_sub(sent.0);
        self.advance(wait, observe);
        Ok((served, wait))
    }
}

fn registry_host(full: &str) -> &str {
    let first = full.split('/').next().unwrap_or("");
    if first == "docker.io" {
        "registry-1.docker.io"
    } else {
        first
    }
}
