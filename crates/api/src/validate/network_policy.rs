//! NetworkPolicy validation, as pkg/apis/networking/validation/validation.go (v1.31) words it:
//! `ValidateNetworkPolicySpec`, `ValidateNetworkPolicyPort`, `ValidateNetworkPolicyPeer`,
//! `ValidateIPBlock`. Paths and messages are upstream's, in upstream's order.

use super::selector::validate_label_selector;
use super::{forbidden, invalid, not_supported, port_name, q, required, FieldError};
use crate::meta::IntOrString;
use crate::networking::{IPBlock, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use std::net::IpAddr;

const PROTOCOLS: &[&str] = &["TCP", "UDP", "SCTP"];
const POLICY_TYPES: &[&str] = &["Ingress", "Egress"];
const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";

pub(super) fn validate_network_policy(np: &NetworkPolicy) -> Vec<FieldError> {
    let spec = &np.spec;
    let mut out = validate_label_selector(&spec.pod_selector, "spec.podSelector");
    for (i, rule) in spec.ingress.iter().enumerate() {
        let path = format!("spec.ingress[{i}]");
        for (j, p) in rule.ports.iter().enumerate() {
            port(p, &format!("{path}.ports[{j}]"), &mut out);
        }
        for (j, peer) in rule.from.iter().enumerate() {
            self::peer(peer, &format!("{path}.from[{j}]"), &mut out);
        }
    }
    for (i, rule) in spec.egress.iter().enumerate() {
        let path = format!("spec.egress[{i}]");
        for (j, p) in rule.ports.iter().enumerate() {
            port(p, &format!("{path}.ports[{j}]"), &mut out);
        }
        for (j, peer) in rule.to.iter().enumerate() {
            self::peer(peer, &format!("{path}.to[{j}]"), &mut out);
        }
    }
    if spec.policy_types.len() > POLICY_TYPES.len() {
        // field.Invalid(&spec.PolicyTypes): the error prints the slice the pointer points at.
        let quoted: Vec<String> = spec.policy_types.iter().map(|t| q(t)).collect();
        let value = format!("[]networking.PolicyType{{{}}}", quoted.join(", "));
        out.push(invalid("spec.policyTypes", value, "may not specify more than two policyTypes"));
        return out;
    }
    for (i, t) in spec.policy_types.iter().enumerate() {
        if !POLICY_TYPES.contains(&t.as_str()) {
            out.push(not_supported(format!("spec.policyTypes[{i}]"), t, POLICY_TYPES));
        }
    }
    out
}

/// ValidateNetworkPolicyPort: the protocol, a port number (and an endPort not below it) or a
/// port name (and no endPort), no endPort without a port.
fn port(p: &NetworkPolicyPort, path: &str, out: &mut Vec<FieldError>) {
    if let Some(proto) = &p.protocol {
        if !PROTOCOLS.contains(&proto.as_str()) {
            out.push(not_supported(format!("{path}.protocol"), proto, PROTOCOLS));
        }
    }
    match &p.port {
        Some(IntOrString::Int(n)) => {
            if !(1..=65535).contains(n) {
                out.push(invalid(format!("{path}.port"), n.to_string(), PORT_RANGE));
            }
            if let Some(end) = p.end_port {
                if end < *n {
                    out.push(invalid(
                        format!("{path}.endPort"),
                        end.to_string(),
                        "must be greater than or equal to `port`",
                    ));
                }
                if !(1..=65535).contains(&end) {
                    out.push(invalid(format!("{path}.endPort"), end.to_string(), PORT_RANGE));
                }
            }
        }
        Some(IntOrString::String(name)) => {
            if let Some(end) = p.end_port {
                out.push(invalid(
                    format!("{path}.endPort"),
                    end.to_string(),
                    "may not be specified when `port` is non-numeric",
                ));
            }
            for m in port_name(name) {
                out.push(invalid(format!("{path}.port"), q(name), m));
            }
        }
        None => {
            if let Some(end) = p.end_port {
                out.push(invalid(
                    format!("{path}.endPort"),
                    end.to_string(),
                    "may not be specified when `port` is not specified",
                ));
            }
        }
    }
}

/// ValidateNetworkPolicyPeer: at least one of podSelector, namespaceSelector and ipBlock;
/// an ipBlock alone.
fn peer(peer: &NetworkPolicyPeer, path: &str, out: &mut Vec<FieldError>) {
    let mut n = 0;
    if let Some(s) = &peer.pod_selector {
        n += 1;
        out.extend(validate_label_selector(s, &format!("{path}.podSelector")));
    }
    if let Some(s) = &peer.namespace_selector {
        n += 1;
        out.extend(validate_label_selector(s, &format!("{path}.namespaceSelector")));
    }
    if let Some(b) = &peer.ip_block {
        n += 1;
        ip_block(b, &format!("{path}.ipBlock"), out);
    }
    if n == 0 {
        out.push(required(path, "must specify a peer"));
    } else if n > 1 && peer.ip_block.is_some() {
        out.push(forbidden(path, "may not specify both ipBlock and another peer"));
    }
}

/// ValidateIPBlock (v1.31): cidr required and a CIDR; each except a CIDR strictly inside it
/// (the first that is not a CIDR ends the checks).
fn ip_block(b: &IPBlock, path: &str, out: &mut Vec<FieldError>) {
    if b.cidr.is_empty() {
        out.push(required(format!("{path}.cidr"), ""));
        return;
    }
    let Some(cidr) = Cidr::parse(&b.cidr) else {
        out.push(invalid(format!("{path}.cidr"), q(&b.cidr), "not a valid CIDR"));
        return;
    };
    for (i, e) in b.except.iter().enumerate() {
        let ep = format!("{path}.except[{i}]");
        let Some(except) = Cidr::parse(e) else {
            out.push(invalid(ep, q(e), "not a valid CIDR"));
            return;
        };
        if !cidr.contains(except.addr) || cidr.prefix >= except.prefix {
            out.push(invalid(ep, q(e), "must be a strict subset of `cidr`"));
        }
    }
}

/// An IP network as net.ParseCIDR reads it: the address masked to its prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    /// `10.0.0.0/8` or `fd00::/64`; the address is masked (`10.1.2.3/8` is 10.0.0.0/8).
    pub fn parse(s: &str) -> Option<Cidr> {
        let (ip, len) = s.split_once('/')?;
        if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let prefix: u8 = len.parse().ok()?;
        let addr: IpAddr = ip.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        if prefix > max {
            return None;
        }
        Some(Cidr { addr: mask(addr, prefix), prefix })
    }
    /// Whether `ip` lies in this network (never across IPv4 and IPv6).
    pub fn contains(&self, ip: IpAddr) -> bool {
        ip.is_ipv4() == self.addr.is_ipv4() && mask(ip, self.prefix) == self.addr
    }
}

fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let m = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix)) };
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let m = if prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(prefix)) };
            IpAddr::V6((bits & m).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// net.ParseCIDR masks the address to its prefix; Contains compares masked addresses.
    #[test]
    fn cidr_masks_and_contains() {
        let c = Cidr::parse("10.1.2.3/8").expect("a CIDR");
        assert_eq!(c, Cidr { addr: "10.0.0.0".parse().unwrap(), prefix: 8 });
        assert!(c.contains("10.255.0.1".parse().unwrap()));
        assert!(!c.contains("11.0.0.1".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0").expect("all").contains("192.168.1.1".parse().unwrap()));
        assert!(!Cidr::parse("fd00::/8").expect("v6").contains("10.0.0.1".parse().unwrap()));
        for bad in ["10.0.0.0", "10.0.0.0/33", "10.0.0/8", "10.0.0.0/", "10.0.0.0/-1", "x/8"] {
            assert_eq!(Cidr::parse(bad), None, "{bad}");
        }
    }
}
