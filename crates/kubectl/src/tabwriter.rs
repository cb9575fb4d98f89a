//! Go's text/tabwriter as kubectl configures it (minwidth 6, tabwidth 4, padding 3, padchar
//! ' '): cells end at tabs; a column block is a run of consecutive lines that have that
//! cell; the text after a line's last tab is not aligned.

pub const MIN_WIDTH: usize = 6;
pub const PADDING: usize = 3;

/// Aligns tab-separated lines as kubectl's table printers do.
pub fn format(text: &str) -> String {
    format_with(text, MIN_WIDTH, PADDING)
}

/// Aligns with other settings (`kubectl describe` and `rollout history` use minwidth 0,
/// padding 2).
pub fn format_with(text: &str, min_width: usize, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split_terminator('\n').map(|l| l.split('\t').collect()).collect();
    let mut widths: Vec<usize> = Vec::new();
    let mut out = vec![None; lines.len()];
    layout(&lines, 0, lines.len(), &mut widths, &mut out, (min_width, padding));
    let out: Vec<String> = out.into_iter().map(|l| l.unwrap_or_default()).collect();
    let mut s = String::new();
    for l in out {
        s.push_str(&l);
        s.push('\n');
    }
    s
}

fn cell_width(s: &str) -> usize {
    s.chars().count()
}

/// Go's Writer.format: recursion over column blocks.
fn layout(
    lines: &[Vec<&str>],
    line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    out: &mut [Option<String>],
    cfg: (usize, usize),
) {
    let column = widths.len();
    let mut start = line0;
    let mut this = line0;
    while this < line1 {
        if column >= lines[this].len() - 1 {
            this += 1;
            continue;
        }
        write_lines(lines, start, this, widths, out);
        start = this;
        let mut width = cfg.0;
        while this < line1 && column < lines[this].len() - 1 {
            width = width.max(cell_width(lines[this][column]) + cfg.1);
            this += 1;
        }
        widths.push(width);
        layout(lines, start, this, widths, out, cfg);
        widths.pop();
        start = this;
    }
    write_lines(lines, start, line1, widths, out);
}

fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut [Option<String>]) {
    for i in from..to {
        if out[i].is_some() {
            continue;
        }
        let cells = &lines[i];
        let mut s = String::new();
        for (j, c) in cells.iter().enumerate() {
            s.push_str(c);
            if j < cells.len() - 1 {
                let w = widths.get(j).copied().unwrap_or(0);
                for _ in cell_width(c)..w {
                    s.push(' ');
                }
            }
        }
        out[i] = Some(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_like_kubectl() {
        let t = "NAME\tREADY\tSTATUS\tRESTARTS\tAGE\nweb-7d4b9c8f5-x2x7k\t1/1\tRunning\t0\t10s\n";
        assert_eq!(
            format(t),
            "NAME                  READY   STATUS    RESTARTS   AGE\nweb-7d4b9c8f5-x2x7k   1/1     Running   0          10s\n"
        );
    }

    #[test]
    fn blank_lines_separate_blocks() {
        let t = "A\tB\nlonglonglong\tx\n\nC\tD\ne\tf\n";
        assert_eq!(format(t), "A              B\nlonglonglong   x\n\nC     D\ne     f\n");
    }
}
