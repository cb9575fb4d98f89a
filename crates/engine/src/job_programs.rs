//! What the Job examples' images run: the docs' pi Job (`perl -Mbignum=bpi -wle 'print
//! bpi(2000)'`) and ingress-nginx's admission Jobs (kube-webhook-certgen `create` and
//! `patch`). Both print and exit 0.

use crate::programs::Start;
use kubelab_api::{Container, Time};

/// π to 2000 significant digits, as Math::BigFloat's bpi(2000) prints it (rounded to even at
/// the last digit; computed once with Machin's formula and checked against its known digits).
const PI_2000: &str = "3.1415926535897932384626433832795028841971693993751058209749445923078164062862089986280348253421170679821480865132823066470938446095505822317253594081284811174502841027019385211055596446229489549303819644288109756659334461284756482337867831652712019091456485669234603486104543266482133936072602491412737245870066063155881748815209209628292540917153643678925903600113305305488204665213841469519415116094330572703657595919530921861173819326117931051185480744623799627495673518857527248912279381830119491298336733624406566430860213949463952247371907021798609437027705392171762931767523846748184676694051320005681271452635608277857713427577896091736371787214684409012249534301465495853710507922796892589235420199561121290219608640344181598136297747713099605187072113499999983729780499510597317328160963185950244594553469083026425223082533446850352619311881710100031378387528865875332083814206171776691473035982534904287554687311595628638823537875937519577818577805321712268066130019278766111959092164201989380952572010654858632788659361533818279682303019520353018529689957736225994138912497217752834791315155748572424541506959508295331168617278558890750983817546374649393192550604009277016711390098488240128583616035637076601047101819429555961989467678374494482553797747268471040475346462080466842590694912933136770289891521047521620569660240580381501935112533824300355876402474964732639141992726042699227967823547816360093417216412199245863150302861829745557067498385054945885869269956909272107975093029553211653449872027559602364806654991198818347977535663698074265425278625518184175746728909777727938000816470600161452491921732172147723501414419735685481613611573525521334757418494684385233239073941433345477624168625189835694855620992192221842725502542568876717904946016534668049886272327917860857843838279679766814541009538837863609506800642251252051173929848960841284886269456042419652850222106611863067442786220391949450471237137869609563643719172874677646575739624138908658326459958133904780275901";

/// How long `bpi(N)` computes: about 5 s for 2000 digits on one core of a laptop of 2024
/// (the lab's estimate), growing with the square of the digits, at least 100 ms.
pub fn bpi_ms(digits: usize) -> u64 {
    let n = digits as u64;
    (5_000 * n * n / (2_000 * 2_000)).max(100)
}

/// `perl ... print bpi(N)`: π to N significant digits (at most 2000 here), then exit 0.
/// None for any other perl program.
pub fn perl(c: &Container) -> Option<Start> {
    let line = c.command.iter().chain(c.args.iter()).cloned().collect::<Vec<_>>().join(" ");
    let at = line.find("bpi(")?;
    let digits: usize = line[at + 4..].split(')').next()?.trim().parse().ok()?;
    let digits = digits.clamp(1, 2000);
    let text = round_pi(digits);
    let ms = bpi_ms(digits);
    Some(Start {
        logs: vec![(ms, text.into())],
        listens: vec![],
        exit: Some((ms + 20, 0, "Completed".into())),
        files: vec![],
    })
}

/// π to `digits` significant digits, rounded half up from the stored 2000.
fn round_pi(digits: usize) -> String {
    if digits >= 2000 {
        return PI_2000.to_string();
    }
    if digits == 1 {
        return "3".into();
    }
    // "3." then digits-1 decimals; round on the next one.
    let decimals: Vec<u8> = PI_2000.as_bytes()[2..].iter().map(|b| b - b'0').collect();
    let mut kept: Vec<u8> = decimals[..digits - 1].to_vec();
    if decimals[digits - 1] >= 5 {
        let mut i = kept.len();
        while i > 0 {
            i -= 1;
            if kept[i] == 9 {
                kept[i] = 0;
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    format!("3.{}", kept.iter().map(|d| (b'0' + d) as char).collect::<String>())
}

/// klog's header, `W1012 08:10:42.066869       1 `: severity, month and day, time with
/// microseconds, the thread id padded to 7, as client-go's loggers print it.
fn klog(severity: char, now: Time) -> String {
    let t = now.rfc3339();
    format!("{severity}{}{} {}.{:06}       1 ", &t[5..7], &t[8..10], &t[11..19], (now.0 % 1000) * 1000)
}

/// kube-webhook-certgen (ingress-nginx's admission Jobs, v1.4.x): client-go's warning about
/// the in-cluster config, then its logrus JSON lines; `create` finds no Secret and makes one,
/// `patch` puts the CA into the ValidatingWebhookConfiguration. The lines are the tool's (a
/// real log of the same commands: source file and line as its v1.x builds print them); the
/// lab has no Secrets or webhook configurations, so nothing is made.
pub fn kube_webhook_certgen(c: &Container, now: Time) -> Start {
    let words: Vec<&str> = c.command.iter().chain(c.args.iter()).map(|s| s.as_str()).collect();
    let t = now.rfc3339();
    let flag = |name: &str, default: &str| -> String {
        words
            .iter()
            .find_map(|w| w.strip_prefix(&format!("--{name}=")).map(str::to_string))
            .unwrap_or_else(|| default.to_string())
    };
    let mut logs = vec![(
        0,
        format!("{}client_config.go:659] Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work.", klog('W', now)).into(),
    )];
    match words.first().copied() {
        Some("create") => {
            let secret = flag("secret-name", "");
            logs.push((40, format!(r#"{{"err":"secrets \"{secret}\" not found","level":"info","msg":"no secret found","source":"k8s/k8s.go:229","time":"{t}"}}"#).into()));
            logs.push((
                40,
                format!(r#"{{"level":"info","msg":"creating new secret","source":"cmd/create.go:28","time":"{t}"}}"#)
                    .into(),
            ));
        }
        Some("patch") => {
            let webhook = flag("webhook-name", "");
            let mutating = flag("patch-mutating", "true");
            let validating = flag("patch-validating", "true");
            let policy = flag("patch-failure-policy", "");
            logs.push((40, format!(r#"{{"level":"info","msg":"patching webhook configurations '{webhook}' mutating={mutating}, validating={validating}, failurePolicy={policy}","source":"k8s/k8s.go:118","time":"{t}"}}"#).into()));
            logs.push((
                60,
                format!(r#"{{"level":"info","msg":"Patched hook(s)","source":"k8s/k8s.go:138","time":"{t}"}}"#).into(),
            ));
        }
        _ => {}
    }
    Start { logs, listens: vec![], exit: Some((200, 0, "Completed".into())), files: vec![] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pi_rounds_like_bpi() {
        // bpi(10) is 3.141592654 (…6535 rounds up); bpi(5) is 3.1416.
        assert_eq!(round_pi(10), "3.141592654");
        assert_eq!(round_pi(5), "3.1416");
        assert_eq!(PI_2000.len(), 2001);
        assert!(PI_2000.starts_with("3.14159265358979323846264338327950288419716939937510"));
    }

    #[test]
    fn bpi_2000_takes_about_five_seconds() {
        assert_eq!(bpi_ms(2000), 5_000);
        assert_eq!(bpi_ms(10), 100);
    }
}
