//! The image catalog: which images exist, how long they take to pull, start and stop.
//! Anything not in the catalog fails to pull, as a missing image would.

/// A reference split the way containerd resolves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `docker.io/library/nginx`
    pub repository: String,
    /// `1.25` (`latest` when none was written)
    pub tag: String,
}

impl ImageRef {
    pub fn parse(image: &str) -> ImageRef {
        let (name, tag) = match image.rsplit_once(':') {
            Some((n, t)) if !t.contains('/') => (n, t.to_string()),
            _ => (image, "latest".to_string()),
        };
        let name = name.split('@').next().unwrap_or(name);
        let first = name.split('/').next().unwrap_or("");
        let has_registry = name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
        let repository = if has_registry {
            name.to_string()
        } else if name.contains('/') {
            format!("docker.io/{name}")
        } else {
            format!("docker.io/library/{name}")
        };
        ImageRef { repository, tag }
    }
    pub fn full(&self) -> String {
        format!("{}:{}", self.repository, self.tag)
    }
}

/// How an image behaves in the lab.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageInfo {
    pub size_bytes: u64,
    /// Time to pull on a node that has none of its layers.
    pub pull_ms: u64,
    /// From "Created" to the process answering.
    pub start_ms: u64,
    /// Time to exit after SIGTERM (the grace period caps it).
    pub stop_ms: u64,
    /// What its program spends running.
    pub usage: Usage,
}

/// What a program spends: CPU at rest, CPU per request it serves, and the memory it holds
/// (its working set, as the kubelet's cAdvisor reports it). The lab's estimates, sized from
/// each program's kind of work (a static file, a Python handler, a PHP loop).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub idle_m: u64,
    pub per_request_us: u64,
    pub memory_mi: u64,
}

const fn uses(idle_m: u64, per_request_us: u64, memory_mi: u64) -> Usage {
    Usage { idle_m, per_request_us, memory_mi }
}

struct Entry {
    repository: &'static str,
    tags: &'static [&'static str],
    /// Also accept any tag that starts with one of these (version families).
    tag_prefixes: &'static [&'static str],
    info: ImageInfo,
}

const fn info(size_mb: u64, pull_ms: u64, start_ms: u64, stop_ms: u64) -> ImageInfo {
    ImageInfo { size_bytes: size_mb * 1024 * 1024, pull_ms, start_ms, stop_ms, usage: uses(0, 100, 1) }
}

impl ImageInfo {
    const fn using(self, usage: Usage) -> ImageInfo {
        ImageInfo { usage, ..self }
    }
}

const CATALOG: &[Entry] = &[
    Entry {
        repository: "docker.io/library/nginx",
        tags: &["latest", "stable", "mainline", "alpine", "stable-alpine", "mainline-alpine"],
        tag_prefixes: &[
            "1.14", "1.15", "1.16", "1.17", "1.18", "1.19", "1.20", "1.21", "1.22", "1.23", "1.24", "1.25", "1.26",
            "1.27", "1.7.9",
        ],
        info: info(67, 3_200, 300, 400).using(uses(1, 150, 3)),
    },
    Entry {
        repository: "docker.io/library/httpd",
        tags: &["latest", "alpine"],
        tag_prefixes: &["2.4"],
        info: info(56, 2_900, 400, 500).using(uses(1, 300, 8)),
    },
    Entry {
        repository: "docker.io/library/redis",
        tags: &["latest", "alpine"],
        tag_prefixes: &["6.", "7.", "5."],
        info: info(40, 2_400, 300, 300).using(uses(3, 50, 7)),
    },
    Entry {
        repository: "docker.io/library/busybox",
        tags: &["latest", "stable", "musl", "glibc"],
        tag_prefixes: &["1."],
        info: info(2, 900, 100, 30_000),
    },
    Entry {
        repository: "docker.io/library/postgres",
        tags: &["latest", "alpine"],
        tag_prefixes: &["13", "14", "15", "16", "17"],
        info: info(150, 6_500, 1_500, 800).using(uses(5, 1_000, 45)),
    },
    // The images the Kubernetes docs' probe examples use.
    Entry {
        repository: "registry.k8s.io/busybox",
        tags: &["latest", "1.27.2", "1.27", "1.24"],
        tag_prefixes: &[],
        info: info(2, 900, 100, 30_000),
    },
    Entry {
        repository: "registry.k8s.io/e2e-test-images/agnhost",
        tags: &["2.39", "2.40", "2.43", "2.45", "2.47", "2.48", "2.50", "2.52", "2.53"],
        tag_prefixes: &[],
        info: info(52, 2_800, 200, 200).using(uses(1, 200, 11)),
    },
    // The HPA walkthrough's php-apache: Apache with mod_php (php:5-apache) whose index.php
    // loops `$x += sqrt($x)` a million times and prints "OK!" (the docs' Dockerfile); the
    // loop is about 100 ms of one core in PHP 5 (the lab's estimate).
    Entry {
        repository: "registry.k8s.io/hpa-example",
        tags: &["latest"],
        tag_prefixes: &[],
        info: info(138, 6_000, 800, 500).using(uses(1, 100_000, 9)),
    },
    Entry { repository: "registry.k8s.io/goproxy", tags: &["0.1"], tag_prefixes: &[], info: info(2, 800, 100, 100) },
    Entry {
        repository: "registry.k8s.io/pause",
        tags: &["3.9", "3.10"],
        tag_prefixes: &[],
        info: info(1, 500, 50, 50),
    },
    Entry {
        repository: "ghcr.io/iximiuz/labs/kubernetes-101/app",
        tags: &["v1.0.0", "v1.0.1"],
        tag_prefixes: &[],
        info: info(50, 2_600, 500, 300).using(uses(2, 2_000, 38)),
    },
    Entry {
        repository: "ghcr.io/iximiuz/labs/kubernetes-101/proxy",
        tags: &["v1.0.0"],
        tag_prefixes: &[],
        info: info(20, 1_800, 300, 300).using(uses(1, 200, 3)),
    },
    Entry {
        repository: "ghcr.io/iximiuz/labs/kubernetes-101/lb",
        tags: &["v1.0.0"],
        tag_prefixes: &[],
        info: info(20, 1_800, 300, 300).using(uses(1, 200, 3)),
    },
    Entry {
        repository: "docker.io/c1524db4f1/kubernetes-tutorial-frontend",
        tags: &["v0.2.0"],
        tag_prefixes: &[],
        info: info(25, 2_000, 300, 300).using(uses(1, 200, 3)),
    },
    Entry {
        repository: "docker.io/c1524db4f1/kubernetes-tutorial-backend",
        tags: &["v0.3.0"],
        tag_prefixes: &[],
        info: info(15, 1_600, 200, 200).using(uses(1, 300, 9)),
    },
    Entry {
        repository: "docker.io/trueberryless/kub-first-app",
        tags: &["latest", "v2"],
        tag_prefixes: &[],
        info: info(60, 3_000, 600, 300).using(uses(1, 1_000, 40)),
    },
    // The add-ons' images (`lab addons enable`), at the versions of Kubernetes 1.31's era.
    Entry {
        repository: "registry.k8s.io/ingress-nginx/controller",
        tags: &[],
        tag_prefixes: &["v1.11."],
        info: info(105, 4_200, 1_500, 1_000).using(uses(2, 300, 92)),
    },
    Entry {
        repository: "registry.k8s.io/metrics-server/metrics-server",
        tags: &["v0.7.2", "v0.7.1", "v0.7.0"],
        tag_prefixes: &[],
        info: info(19, 1_500, 300, 200).using(uses(4, 500, 19)),
    },
    // ingress-nginx v1.11.3's admission Jobs (a static Go binary on distroless).
    Entry {
        repository: "registry.k8s.io/ingress-nginx/kube-webhook-certgen",
        tags: &[],
        tag_prefixes: &["v1.4."],
        info: info(21, 1_600, 200, 100).using(uses(1, 100, 12)),
    },
    // The Job docs' pi example (perl:5.34.0, about 340 MB to pull; bpi(2000) is one core's work).
    Entry {
        repository: "docker.io/library/perl",
        tags: &["latest", "slim"],
        tag_prefixes: &["5."],
        info: info(340, 12_000, 300, 100).using(uses(1000, 100, 28)),
    },
    Entry { repository: "ghcr.io/six-ddc/plow", tags: &["latest"], tag_prefixes: &[], info: info(8, 1_200, 100, 100) },
];

/// Variant suffixes official images publish (`1.25-alpine`, `6.0.3-alpine3.18`).
const VARIANTS: &[&str] = &["alpine", "bookworm", "bullseye", "perl", "otel", "slim"];

/// A tag in a version family: the prefix, then `.N` parts, then an optional known variant.
fn in_family(tag: &str, prefix: &str) -> bool {
    let Some(rest) = tag.strip_prefix(prefix) else { return false };
    let (version, variant) = match rest.split_once('-') {
        Some((v, var)) => (v, Some(var)),
        None => (rest, None),
    };
    let version_ok = if prefix.ends_with('.') {
        !version.is_empty() && version.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    } else {
        version.is_empty()
            || (version.starts_with('.')
                && version[1..].split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
    };
    let variant_ok = variant.is_none_or(|v| {
        VARIANTS
            .iter()
            .any(|k| v == *k || v.strip_prefix(k).is_some_and(|x| x.bytes().all(|b| b.is_ascii_digit() || b == b'.')))
    });
    version_ok && variant_ok
}

/// The catalog entry for an image reference, or `None` if pulling it fails.
pub fn lookup(image: &str) -> Option<ImageInfo> {
    let r = ImageRef::parse(image);
    CATALOG
        .iter()
        .find(|e| {
            e.repository == r.repository
                && (e.tags.contains(&r.tag.as_str()) || e.tag_prefixes.iter().any(|p| in_family(&r.tag, p)))
        })
        .map(|e| e.info.clone())
}

/// What the image's program spends (nothing much for an image the catalog lacks: it never
/// runs).
pub fn usage(image: &str) -> Usage {
    lookup(image).map(|i| i.usage).unwrap_or_default()
}

/// containerd's error for an image that does not exist, as the kubelet reports it.
pub fn pull_error(image: &str) -> String {
    let r = ImageRef::parse(image);
    let full = r.full();
    format!("failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_like_containerd() {
        assert_eq!(ImageRef::parse("nginx").full(), "docker.io/library/nginx:latest");
        assert_eq!(ImageRef::parse("nginx:1.25").full(), "docker.io/library/nginx:1.25");
        assert_eq!(
            ImageRef::parse("c1524db4f1/kubernetes-tutorial-backend:v0.3.0").full(),
            "docker.io/c1524db4f1/kubernetes-tutorial-backend:v0.3.0"
        );
        assert_eq!(ImageRef::parse("registry.k8s.io/pause:3.9").full(), "registry.k8s.io/pause:3.9");
        assert_eq!(ImageRef::parse("localhost:5000/app").full(), "localhost:5000/app:latest");
    }

    #[test]
    fn known_images_pull_and_unknown_ones_fail() {
        assert!(lookup("nginx").is_some());
        assert!(lookup("nginx:1.25.3").is_some());
        assert!(lookup("nginx:1.14.2").is_some());
        assert!(lookup("redis:6.0.3-alpine").is_some());
        assert!(lookup("nginx:doesnotexist").is_none());
        assert!(lookup("nginx:1.25-doesnotexist").is_none());
        assert!(lookup("nginx:1.250").is_none());
        assert!(lookup("nginx:1.25-alpine").is_some());
        assert!(lookup("redis:7.2").is_some());
        assert!(lookup("ghcr.io/iximiuz/labs/kubernetes-101/app:v9").is_none());
    }
}
